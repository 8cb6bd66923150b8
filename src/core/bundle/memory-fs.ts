/**
 * A working directory held in memory: the product files a person dropped, plus whatever the
 * emulated inspections extract. Artifacts are recorded from it with the core's
 * `recordArtifacts`, exactly as the CLI records the disk.
 */
import { digestHex } from '../hash.ts'
import type { HashDict } from '../model/types.ts'
import type { RecordingFs } from '../record/record.ts'
import { normpath } from '../record/posix-path.ts'

export class MemoryRecordingFs implements RecordingFs {
  private readonly files: ReadonlyMap<string, Uint8Array>
  private readonly directories = new Map<string, Map<string, boolean>>([['.', new Map()]])
  private readonly hashes: WeakMap<Uint8Array, string>

  /** `hashes` may be shared between recordings so unchanged files are hashed once. */
  constructor(files: ReadonlyMap<string, Uint8Array>, hashes: WeakMap<Uint8Array, string> = new WeakMap()) {
    this.files = files
    this.hashes = hashes
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

  async list(directory: string): Promise<readonly { name: string; directory: boolean }[]> {
    const entries = this.directories.get(normpath(directory))
    return entries ? [...entries].map(([name, isDirectory]) => ({ name, directory: isDirectory })) : []
  }

  async hash(path: string): Promise<HashDict> {
    const bytes = this.files.get(normpath(path))
    if (bytes === undefined) throw new Error(`'${path}' is not a file of the working directory`)
    let hex = this.hashes.get(bytes)
    if (hex === undefined) {
      hex = await digestHex('sha256', bytes)
      this.hashes.set(bytes, hex)
    }
    return new Map([['sha256', hex]])
  }
}
