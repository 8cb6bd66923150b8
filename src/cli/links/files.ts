/**
 * The files of a link directory, read through the safe file reader (safe-read.ts): on this
 * thread asynchronously, or on a decoding thread into one buffer reused from file to file.
 */
import { isAbsolute, join } from 'node:path'
import { CoreError } from '../../core/errors.ts'
import { FileReadError, readRegularFile, readRegularFileSync } from '../safe-read.ts'

/**
 * Link files bigger than this are refused with a clear message instead of exhausting memory
 * (a 256 MiB link holds about two million artifacts).
 */
export const DEFAULT_MAX_LINK_BYTES = 256 * 1024 * 1024

export class LinkDirectory {
  readonly directory: string
  readonly maxBytes: number
  private buffer = new Uint8Array(0)

  constructor(directory: string, maxBytes = DEFAULT_MAX_LINK_BYTES) {
    this.directory = directory
    this.maxBytes = maxBytes
  }

  /** The file's path on disk. */
  pathOf(path: string): string {
    return isAbsolute(path) ? path : join(this.directory, path)
  }

  /** The file's bytes; `undefined` when there is no such file (see {@link linkReadOutcome}). */
  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readRegularFile(this.pathOf(path), { maxBytes: this.maxBytes, what: 'a link file' })
    } catch (error) {
      return linkReadOutcome(error, path)
    }
  }

  /**
   * The file's bytes in a buffer reused for the next file (a fresh multi-megabyte buffer per
   * link cost a page fault on every page), valid until the next call; `undefined` when it
   * cannot be read this way (then {@link read} tells why).
   */
  readNow(path: string): Uint8Array | undefined {
    try {
      return readRegularFileSync(this.pathOf(path), { maxBytes: this.maxBytes, what: 'a link file' }, (size) => {
        if (this.buffer.length < size) this.buffer = new Uint8Array(Math.max(size, 1 << 20))
        return this.buffer
      })
    } catch {
      return undefined
    }
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
