/**
 * A reader for tar archives as GNU tar and Python's tarfile write them: POSIX ustar (with the
 * `prefix` field), GNU long names (`L`/`K`) and pax extended headers (`path`, `linkpath`,
 * `size`). It only lists members and slices their data out of the buffer; what to do with
 * links, devices and unsafe names is the caller's decision.
 */
import { BundleError } from './limits.ts'

const BLOCK = 512

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'

export interface TarEntry {
  /** The member name as stored (not yet made safe). */
  readonly name: string
  readonly type: TarEntryType
  /** The raw type flag, for messages (`'3'` is a character device, …). */
  readonly typeflag: string
  /** For regular files: a view of the data inside the archive buffer. */
  readonly data: Uint8Array
  readonly linkName: string
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Whether `bytes` starts with a tar header (its checksum is right). */
export function looksLikeTar(bytes: Uint8Array): boolean {
  if (bytes.length < BLOCK) return false
  const header = bytes.subarray(0, BLOCK)
  if (header.every((byte) => byte === 0)) return false
  const stored = parseOctal(header.subarray(148, 156))
  return stored !== undefined && stored === checksum(header)
}

/**
 * Lists the members of a tar archive. Calls `onEntry` for each (it may throw to stop, e.g.
 * when a limit is reached). Throws `corrupt-archive` for a bad header or truncated data.
 */
export function readTar(bytes: Uint8Array, file: string, onEntry: (entry: TarEntry) => void): void {
  let offset = 0
  let longName: string | undefined
  let longLink: string | undefined
  let pax: Map<string, string> | undefined
  const corrupt = (detail: string) => new BundleError('corrupt-archive', file, `not a readable tar archive: ${detail} (at byte ${offset})`)
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK)
    if (header.every((byte) => byte === 0)) return
    const stored = parseOctal(header.subarray(148, 156))
    if (stored === undefined || stored !== checksum(header)) throw corrupt('a header checksum is wrong')
    const typeflag = header[156] === 0 ? '0' : String.fromCharCode(header[156] as number)
    let size = parseSize(header.subarray(124, 136))
    if (size === undefined) throw corrupt('a header has an unreadable size')
    const paxSize = pax?.get('size')
    if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize)
    const dataStart = offset + BLOCK
    const dataEnd = dataStart + size
    if (!Number.isSafeInteger(dataEnd) || dataEnd > bytes.length) throw corrupt('the archive ends inside a member (truncated?)')
    const data = bytes.subarray(dataStart, dataEnd)
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK
    switch (typeflag) {
      case 'L':
        longName = decodeName(trimNul(data), file)
        continue
      case 'K':
        longLink = decodeName(trimNul(data), file)
        continue
      case 'x':
        pax = parsePax(data, file)
        continue
      case 'g':
        // Global pax headers carry defaults (mostly mtime/charset) that do not change what is extracted.
        continue
    }
    const magic = String.fromCharCode(...header.subarray(257, 263))
    const prefix = magic === 'ustar\0' ? decodeName(trimNul(header.subarray(345, 500)), file) : ''
    const baseName = decodeName(trimNul(header.subarray(0, 100)), file)
    const name = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName)
    const linkName = pax?.get('linkpath') ?? longLink ?? decodeName(trimNul(header.subarray(157, 257)), file)
    longName = longLink = pax = undefined
    onEntry({ name, type: entryType(typeflag, name), typeflag, data, linkName })
  }
  if (offset !== bytes.length) throw corrupt('the archive ends inside a header (truncated?)')
}

function entryType(typeflag: string, name: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      // Old tars mark directories only by a trailing slash.
      return name.endsWith('/') ? 'directory' : 'file'
    case '5':
      return 'directory'
    case '2':
      return 'symlink'
    case '1':
      return 'hardlink'
    default:
      return 'other'
  }
}

function checksum(header: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] as number)
  return sum
}

function trimNul(bytes: Uint8Array): Uint8Array {
  const end = bytes.indexOf(0)
  return end < 0 ? bytes : bytes.subarray(0, end)
}

function decodeName(bytes: Uint8Array, file: string): string {
  try {
    return decoder.decode(bytes)
  } catch {
    throw new BundleError('unsupported', file, 'a member name is not UTF-8; refused')
  }
}

/** Octal digits, space- or NUL-terminated (tar's numeric fields). */
function parseOctal(field: Uint8Array): number | undefined {
  const text = String.fromCharCode(...trimNul(field)).trim()
  if (!/^[0-7]+$/.test(text)) return text === '' ? 0 : undefined
  return parseInt(text, 8)
}

/** Sizes past 8 GiB use GNU's base-256 form (high bit of the first byte set). */
function parseSize(field: Uint8Array): number | undefined {
  if (((field[0] as number) & 0x80) === 0) return parseOctal(field)
  let value = (field[0] as number) & 0x7f
  for (const byte of field.subarray(1)) value = value * 256 + byte
  return Number.isSafeInteger(value) ? value : undefined
}

/** pax records: `"<length> <key>=<value>\n"`, the length counting the whole record. */
function parsePax(data: Uint8Array, file: string): Map<string, string> {
  const records = new Map<string, string>()
  let offset = 0
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset)
    const length = space < 0 ? NaN : Number(String.fromCharCode(...data.subarray(offset, space)))
    if (!Number.isSafeInteger(length) || length <= 0 || offset + length > data.length) {
      throw new BundleError('corrupt-archive', file, 'not a readable tar archive: a pax header record is malformed')
    }
    const record = decodeName(data.subarray(space + 1, offset + length - 1), file)
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    offset += length
  }
  return records
}
