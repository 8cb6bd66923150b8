/**
 * A directory tree of files the core does not hold: each file is a {@link ByteSource} (a
 * dropped Blob, bytes extracted in memory) hashed with an injected {@link ArtifactHasher}
 * when the walk reaches it. Paths are relative, `/`-separated; directories are implied by
 * the files under them (a dropped folder has no empty directories or symlinks).
 */
import type { ArtifactHasher, ByteSource } from '../hashing/artifact-hasher.ts'
import type { HashAlgorithm } from '../hash.ts'
import type { HashDict } from '../model/types.ts'
import { normpath } from './posix-path.ts'
import type { DirectoryEntry, RecordingFs } from './record.ts'

export interface SourceTreeOptions {
  /** Default `['sha256']`, what in-toto records. */
  readonly algorithms?: readonly HashAlgorithm[]
  /** Bytes hashed so far, after each chunk of each file. */
  readonly onBytes?: (bytes: number) => void
  readonly signal?: AbortSignal
}

export class SourceTreeFs implements RecordingFs {
  private readonly files: ReadonlyMap<string, ByteSource>
  private readonly directories = new Map<string, Map<string, boolean>>([['.', new Map()]])
  private readonly hasher: ArtifactHasher
  private readonly options: SourceTreeOptions

  constructor(files: ReadonlyMap<string, ByteSource>, hasher: ArtifactHasher, options: SourceTreeOptions = {}) {
    this.files = files
    this.hasher = hasher
    this.options = options
    for (const path of files.keys()) {
      const parts = path.split('/')
      let dir = '.'
      for (const [index, part] of parts.entries()) {
        const isDirectory = index < parts.length - 1
        ;(this.directories.get(dir) as Map<string, boolean>).set(part, isDirectory)
        if (!isDirectory) break
        dir = dir === '.' ? part : `${dir}/${part}`
        if (!this.directories.has(dir)) this.directories.set(dir, new Map())
      }
    }
  }

  async kind(path: string): Promise<'file' | 'directory' | 'missing'> {
    const key = normpath(path)
    if (this.files.has(key)) return 'file'
    return this.directories.has(key) ? 'directory' : 'missing'
  }

  async list(directory: string): Promise<readonly DirectoryEntry[]> {
    const entries = this.directories.get(normpath(directory))
    return entries ? Array.from(entries, ([name, isDirectory]) => ({ name, kind: isDirectory ? 'directory' : 'file' })) : []
  }

  private ahead: { readonly order: readonly string[]; readonly depth: number; readonly started: Map<string, Promise<HashDict>>; next: number } | undefined

  /**
   * Hashes the files the walk will ask for (`order`, from `plannedArtifacts`) up to `depth`
   * ahead of it: reading a dropped file has a latency of its own (the browser fetches it
   * from another process), which the next files' reads then overlap.
   */
  hashAhead(order: readonly string[], depth: number): void {
    this.ahead = { order, depth, started: new Map(), next: 0 }
  }

  hash(path: string): Promise<HashDict> {
    const key = normpath(path)
    const ahead = this.ahead
    if (!ahead) return this.hashNow(key)
    const position = ahead.order.indexOf(key, ahead.next)
    if (position < 0) return this.hashNow(key)
    for (let i = position; i < Math.min(ahead.order.length, position + ahead.depth); i++) {
      const next = ahead.order[i] as string
      if (!ahead.started.has(next)) {
        const started = this.hashNow(next)
        // Failures surface when the walk asks for that file; none may go unhandled before.
        started.catch(() => undefined)
        ahead.started.set(next, started)
      }
    }
    ahead.next = position + 1
    const result = ahead.started.get(key) as Promise<HashDict>
    ahead.started.delete(key)
    return result
  }

  private hashNow(key: string): Promise<HashDict> {
    const source = this.files.get(key)
    if (source === undefined) return Promise.reject(new Error(`'${key}' is not a file of the working directory`))
    return this.hasher.hash(source, this.options.algorithms, { onBytes: this.options.onBytes, signal: this.options.signal })
  }
}
