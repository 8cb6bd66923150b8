/**
 * The core's link directory interface (`LinkSource`) over the real disk. (Recording artifacts
 * from the disk is disk-recording.ts.)
 */
import { readdir } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { CoreError } from '../core/errors.ts'
import type { LinkSource } from '../core/verify/sources.ts'
import { FileReadError, readRegularFile } from './safe-read.ts'

/**
 * Link files bigger than this are refused with a clear message instead of exhausting memory
 * (a 256 MiB link holds about two million artifacts).
 */
export const DEFAULT_MAX_LINK_BYTES = 256 * 1024 * 1024
/** Listing for "unused link" warnings stops here; a link directory is not a file dump. */
const MAX_LISTED_FILES = 20_000

export class DirectoryLinkSource implements LinkSource {
  readonly directory: string
  readonly maxBytes: number

  constructor(directory: string, options: { maxBytes?: number } = {}) {
    this.directory = directory
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_LINK_BYTES
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readRegularFile(this.pathOf(path), { maxBytes: this.maxBytes, what: 'a link file' })
    } catch (error) {
      return linkReadOutcome(error, path)
    }
  }

  /** The file's path on disk. */
  pathOf(path: string): string {
    return isAbsolute(path) ? path : join(this.directory, path)
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
}

/**
 * What a link file that could not be read means. The reference swallows every `OSError` when
 * it opens a link (`in_toto.models.metadata.Metablock.load` in `verify_link_signature_thresholds`
 * goes on without it): a missing file, a directory, no permission, a name too long — the link
 * is then simply not there. A FIFO, socket or device is refused (the reference would wait on a
 * FIFO forever, or read a device without end), and so is a file over the size limit.
 */
export function linkReadOutcome(error: unknown, path: string): undefined {
  if (!(error instanceof FileReadError)) throw error
  if (error.failure === 'missing' || error.failure === 'unreadable' || (error.failure === 'not-regular' && error.reason.startsWith('it is a directory'))) return undefined
  throw new CoreError('format', error.reason, { file: path })
}
