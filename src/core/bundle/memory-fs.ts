/**
 * A working directory held in memory: the product files a person dropped, plus whatever the
 * emulated inspections extract. Artifacts are recorded from it with the core's
 * `recordArtifacts`, exactly as the CLI records the disk, hashed by the injected hasher.
 */
import { bytesSource, defaultHasher, type ArtifactHasher } from '../hashing/artifact-hasher.ts'
import type { HashDict } from '../model/types.ts'
import type { DirectoryEntry, RecordingFs } from '../record/record.ts'
import { normpath } from '../record/posix-path.ts'
import { SourceTreeFs } from '../record/source-tree-fs.ts'

export class MemoryRecordingFs implements RecordingFs {
  private readonly files: ReadonlyMap<string, Uint8Array>
  private readonly tree: SourceTreeFs
  private readonly hashes: WeakMap<Uint8Array, HashDict>

  /** `hashes` may be shared between recordings so unchanged files are hashed once. */
  constructor(files: ReadonlyMap<string, Uint8Array>, hashes: WeakMap<Uint8Array, HashDict> = new WeakMap(), hasher: ArtifactHasher = defaultHasher) {
    this.files = files
    this.hashes = hashes
    this.tree = new SourceTreeFs(new Map([...files].map(([path, bytes]) => [path, bytesSource(bytes)])), hasher)
  }

  kind(path: string): Promise<'file' | 'directory' | 'missing'> {
    return this.tree.kind(path)
  }

  list(directory: string): Promise<readonly DirectoryEntry[]> {
    return this.tree.list(directory)
  }

  async hash(path: string): Promise<HashDict> {
    const bytes = this.files.get(normpath(path))
    if (bytes === undefined) throw new Error(`'${path}' is not a file of the working directory`)
    let hashes = this.hashes.get(bytes)
    if (hashes === undefined) {
      hashes = await this.tree.hash(path)
      this.hashes.set(bytes, hashes)
    }
    return hashes
  }
}
