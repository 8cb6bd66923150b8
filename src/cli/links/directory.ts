/**
 * The links of a directory on disk (`--link-dir`), read through the safe file reader. Big
 * bundles are decoded on worker threads (pool.ts); small ones on this thread, since starting
 * threads costs more than it saves below a few megabytes of links. `close` stops the threads.
 */
import { readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { type LinkRequest, type LinkResult, type Links, type LoadOptions, LinkReader, loadHere, readFailure } from '../../core/links/index.ts'
import { DEFAULT_MAX_LINK_BYTES, LinkDirectory } from './files.ts'
import { DecodingPool } from './pool.ts'
import { defaultThreadCount, MIN_PARALLEL_BYTES } from './threads.ts'

/** Listing for "unused link" warnings stops here; a link directory is not a file dump. */
const MAX_LISTED_FILES = 20_000

export interface DirectoryLinksOptions {
  /** Link files larger than this are refused (default {@link DEFAULT_MAX_LINK_BYTES}). */
  readonly maxBytes?: number
  /** Decoding threads at most (default: the available parallelism, at most 4). */
  readonly threads?: number
  /** Below this many bytes of links in one `load`, decode on this thread (default 4 MiB). */
  readonly minParallelBytes?: number
  /** Threads shared with other directories (their owner closes them); default: threads of its own. */
  readonly pool?: DecodingPool
}

export class DirectoryLinks implements Links {
  readonly directory: string
  private readonly files: LinkDirectory
  private readonly minParallelBytes: number
  private readonly pool: DecodingPool
  private readonly ownsPool: boolean
  /** This thread's reader (no memo: its results stay here, and small bundles share few maps). */
  private readonly reader = new LinkReader()

  constructor(directory: string, options: DirectoryLinksOptions = {}) {
    this.directory = directory
    this.files = new LinkDirectory(directory, options.maxBytes ?? DEFAULT_MAX_LINK_BYTES)
    this.minParallelBytes = options.minParallelBytes ?? MIN_PARALLEL_BYTES
    this.pool = options.pool ?? new DecodingPool(options.threads ?? defaultThreadCount())
    this.ownsPool = options.pool === undefined
  }

  async load(requests: readonly LinkRequest[], options?: LoadOptions): Promise<LinkResult[]> {
    const decodeHere = (request: LinkRequest) => this.decodeHere(request)
    if (requests.length < 2 || (await this.totalBytes(requests)) < this.minParallelBytes) return loadHere(requests, decodeHere, options)
    return this.pool.load(requests, this.files, decodeHere, options)
  }

  read(path: string): Promise<Uint8Array | undefined> {
    return this.files.read(path)
  }

  async list(): Promise<readonly string[]> {
    const found: string[] = []
    const visit = async (dir: string, depth: number): Promise<void> => {
      if (depth > 8 || found.length >= MAX_LISTED_FILES) return
      let entries
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch {
        return
      }
      for (const entry of entries) {
        if (found.length >= MAX_LISTED_FILES) return
        const full = join(dir, entry.name)
        if (entry.isDirectory()) await visit(full, depth + 1)
        else if (entry.isFile()) found.push(relative(this.directory, full).split(sep).join('/'))
      }
    }
    await visit(this.directory, 0)
    return found
  }

  /** Stops its decoding threads (they start again if needed). */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close()
  }

  private async decodeHere(request: LinkRequest): Promise<LinkResult> {
    let data: Uint8Array | undefined
    try {
      data = await this.read(request.path)
    } catch (error) {
      return readFailure(request, error)
    }
    return this.reader.decode(request, data)
  }

  private async totalBytes(requests: readonly LinkRequest[]): Promise<number> {
    const sizes = await Promise.all(
      requests.map((request) =>
        stat(this.files.pathOf(request.path)).then(
          (info) => (info.isFile() ? info.size : 0),
          () => 0,
        ),
      ),
    )
    return sizes.reduce((sum, size) => sum + size, 0)
  }
}
