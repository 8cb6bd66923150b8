/**
 * Reading zip archives with fflate's streaming decoder, so expanded bytes are counted as they
 * are produced: a member that claims 1 KB and inflates to 1 GB is stopped at the limit.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate'
import { concatBytes } from '../encoding/utf8.ts'
import { type Budget, BundleError } from './limits.ts'

/** Compressed bytes fed per step: DEFLATE expands at most ~1032×, so one step yields ≤ ~8 MiB. */
const CHUNK = 8 * 1024

export interface ZipMember {
  readonly name: string
  readonly directory: boolean
  readonly data: Uint8Array
}

/**
 * Lists and inflates every member, charging `budget`. `onMember` sees each member when it is
 * complete. Throws `BundleError` (limits, corrupt data, unsupported compression).
 */
export function readZip(bytes: Uint8Array, file: string, budget: Budget, onMember: (member: ZipMember) => void): void {
  const unzip = new Unzip()
  unzip.register(UnzipInflate)
  unzip.register(UnzipPassThrough)
  let failure: unknown
  unzip.onfile = (member) => {
    const name = member.name
    budget.entry(file, name)
    const directory = name.endsWith('/')
    const chunks: Uint8Array[] = []
    let size = 0
    member.ondata = (error, chunk, final) => {
      if (failure !== undefined) return
      if (error) {
        // fflate hands exceptions thrown by this handler (our limits) back here as errors.
        failure = error instanceof BundleError ? error : new BundleError('corrupt-archive', file, `cannot inflate the member: ${error.message}`, name)
        return
      }
      size += chunk.length
      budget.bytesOf(chunk.length, size, file, name)
      if (chunk.length > 0) chunks.push(chunk)
      if (final) onMember({ name, directory, data: concat(chunks, size) })
    }
    try {
      member.start()
    } catch {
      throw new BundleError('unsupported', file, `the member uses compression method ${member.compression}, which is not supported (only stored and deflate)`, name)
    }
  }
  try {
    for (let offset = 0; offset < bytes.length; offset += CHUNK) {
      unzip.push(bytes.subarray(offset, offset + CHUNK), offset + CHUNK >= bytes.length)
      if (failure !== undefined) throw failure
    }
  } catch (error) {
    if (error instanceof BundleError) throw error
    throw new BundleError('corrupt-archive', file, `not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * Names of members stored as symbolic links (Unix mode in the central directory's external
 * attributes), which the streaming decoder cannot tell apart from files.
 */
export function zipSymlinkNames(bytes: Uint8Array): Set<string> {
  const names = new Set<string>()
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return names
  const count = view.getUint16(eocd + 10, true)
  let offset = view.getUint32(eocd + 16, true)
  const decoder = new TextDecoder()
  for (let i = 0; i < count && offset + 46 <= bytes.length; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) break
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const commentLength = view.getUint16(offset + 32, true)
    const madeBy = view.getUint8(offset + 5)
    const mode = view.getUint32(offset + 38, true) >>> 16
    // Host 3 is Unix; S_IFLNK is 0o120000.
    if (madeBy === 3 && (mode & 0o170000) === 0o120000) names.add(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)))
    offset += 46 + nameLength + extraLength + commentLength
  }
  return names
}

/** The chunks as one array (no copy for a single chunk, the usual case for small members). */
export function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  return size === 0 ? new Uint8Array() : concatBytes(...chunks)
}
