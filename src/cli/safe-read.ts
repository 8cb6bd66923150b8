/**
 * The one way the CLI reads a file it is given (a layout, a key, a link, a parameters or
 * settings file): only a regular file, only up to a size limit, and never blocking on what is
 * not a file.
 *
 * The file is opened with `O_NONBLOCK`, so opening a FIFO returns at once instead of waiting
 * for a writer (a plain `open` hangs forever), and its type and size are taken from the open
 * descriptor (`fstat`) before a byte is read, so nothing can be swapped in between. A FIFO, a
 * socket, a device (`/dev/zero` would grow a buffer until memory runs out) or a directory is
 * refused; so is a file over the limit. The read itself stops at the size `fstat` reported:
 * a file that grows while it is read is refused rather than read without bound.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'

export type ReadFailure =
  /** No such file (or a component of the path is missing). */
  | 'missing'
  /** It exists but is a directory, FIFO, socket or device. */
  | 'not-regular'
  /** A regular file larger than allowed. */
  | 'too-large'
  /** The operating system refused (permission, name too long, …). */
  | 'unreadable'
  /** The file grew while it was read. */
  | 'changed'

/** Why a file was not read; `reason` is a plain phrase ("it is a FIFO (named pipe), not a regular file"). */
export class FileReadError extends Error {
  readonly failure: ReadFailure
  readonly file: string
  readonly reason: string
  /** For `too-large`: the file's size. */
  readonly size: number | undefined
  /** The system error code (`EACCES`, `ENAMETOOLONG`, …), when there was one. */
  readonly errno: string | undefined

  constructor(failure: ReadFailure, file: string, reason: string, details: { size?: number; errno?: string } = {}) {
    super(`cannot read '${file}': ${reason}`)
    this.name = 'FileReadError'
    this.failure = failure
    this.file = file
    this.reason = reason
    this.size = details.size
    this.errno = details.errno
  }
}

export interface ReadLimits {
  /** Largest size accepted, in bytes. */
  readonly maxBytes: number
  /** Says what the limit is for, in refusals: "a link file" → "larger than the 256.0 MiB a link file may have here". */
  readonly what?: string
}

/** Where a read puts the bytes: a fresh buffer by default; the decoding threads reuse one. */
export type BufferFor = (size: number) => Uint8Array

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0)

/** Reads a regular file of at most `limits.maxBytes` bytes; throws {@link FileReadError} otherwise. */
export function readRegularFileSync(file: string | Buffer, limits: ReadLimits, bufferFor: BufferFor = freshBuffer): Uint8Array {
  const shown = displayName(file)
  let fd: number
  try {
    fd = openSync(file, OPEN_FLAGS)
  } catch (error) {
    throw openFailure(shown, error, statOrUndefined(file))
  }
  try {
    const size = checkedSize(shown, fstatSync(fd), limits)
    const buffer = bufferFor(size + 1)
    let length = 0
    // One byte more than fstat said: reading it means the file grew, and it is refused.
    for (let read = 1; read > 0 && length <= size; length += read) read = readSync(fd, buffer, length, size + 1 - length, null)
    if (length > size) throw changed(shown, size)
    return buffer.subarray(0, length)
  } catch (error) {
    throw error instanceof FileReadError ? error : openFailure(shown, error)
  } finally {
    closeSync(fd)
  }
}

/** {@link readRegularFileSync} on the thread pool. */
export async function readRegularFile(file: string, limits: ReadLimits): Promise<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(file, OPEN_FLAGS)
  } catch (error) {
    throw openFailure(file, error, await stat(file).catch(() => undefined))
  }
  try {
    const size = checkedSize(file, await handle.stat(), limits)
    const buffer = new Uint8Array(size + 1)
    let length = 0
    for (let read = 1; read > 0 && length <= size; length += read) read = (await handle.read(buffer, length, size + 1 - length, null)).bytesRead
    if (length > size) throw changed(file, size)
    return buffer.subarray(0, length)
  } catch (error) {
    throw error instanceof FileReadError ? error : openFailure(file, error)
  } finally {
    await handle.close()
  }
}

/** What kind of file `stats` describes, as a phrase: "a FIFO (named pipe)", "a directory", … */
export function describeFileType(stats: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>): string {
  if (stats.isFile()) return 'a regular file'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSymbolicLink()) return 'a symbolic link'
  return 'not a regular file'
}

/** A system error as a phrase: "permission denied (EACCES)". */
export function describeSystemError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  const phrase = code === undefined ? undefined : SYSTEM_ERRORS[code]
  if (phrase !== undefined) return `${phrase} (${code})`
  return error instanceof Error ? error.message : String(error)
}

const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a component of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'the name is too long for the file system',
  ELOOP: 'too many levels of symbolic links',
  EISDIR: 'it is a directory',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENXIO: 'no such device or address',
  EIO: 'input/output error',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EEXIST: 'it already exists',
  E2BIG: 'the argument list is too long for the operating system',
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GiB`
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`
  return `${bytes} bytes`
}

function checkedSize(file: string, stats: Stats, limits: ReadLimits): number {
  if (!stats.isFile()) throw new FileReadError('not-regular', file, `it is ${describeFileType(stats)}, not a regular file`)
  if (stats.size > limits.maxBytes) {
    throw new FileReadError('too-large', file, `the file is ${formatBytes(stats.size)}, larger than the ${formatBytes(limits.maxBytes)} ${limits.what ?? 'a file'} may have here`, {
      size: stats.size,
    })
  }
  return stats.size
}

/** Why opening failed; `stats` (when the path could be examined) tells what is there, e.g. a socket (`ENXIO`). */
function openFailure(file: string, error: unknown, stats?: Stats): FileReadError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  if (stats !== undefined && !stats.isFile()) return new FileReadError('not-regular', file, `it is ${describeFileType(stats)}, not a regular file`, { errno: code })
  if (code === 'ENOENT' || code === 'ENOTDIR') return new FileReadError('missing', file, 'no such file', { errno: code })
  if (code === 'EISDIR') return new FileReadError('not-regular', file, 'it is a directory, not a regular file', { errno: code })
  // A NUL byte in the name: Node refuses it before asking the system.
  if (code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE') return new FileReadError('unreadable', file, 'the name contains a NUL byte', { errno: code })
  return new FileReadError('unreadable', file, describeSystemError(error), { errno: code })
}

function changed(file: string, size: number): FileReadError {
  return new FileReadError('changed', file, `the file grew past its size of ${formatBytes(size)} while it was read`)
}

function statOrUndefined(file: string | Buffer): Stats | undefined {
  try {
    return statSync(file)
  } catch {
    return undefined
  }
}

function freshBuffer(size: number): Uint8Array {
  return new Uint8Array(size)
}

function displayName(file: string | Buffer): string {
  return typeof file === 'string' ? file : file.toString('utf8')
}
