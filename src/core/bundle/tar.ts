/**
 * A reader for tar archives as GNU tar and Python's tarfile write them: POSIX ustar (with the
 * `prefix` field), GNU long names (`L`/`K`) and pax extended headers (`path`, `linkpath`,
 * `size`). It only lists members and slices their data out of the buffer; what to do with
 * links, devices and unsafe names is the caller's decision.
 *
 * What tar implementations read differently is refused (`unsupported`) instead of read one
 * way: data after the end-of-archive zero block (GNU tar stops there with "A lone zero
 * block", others read on), two long-name headers for one member or one with no member after
 * it, sparse files (`S` members and pax `GNU.sparse.*`: the stored bytes are not the file's),
 * global pax headers that set a name or size, pax `hdrcharset` other than UTF-8, names that are
 * not UTF-8 (GNU tar writes their bytes as they are, which a link cannot hold).
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
  return checksumMatches(header)
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
  const refuse = (detail: string, entry?: string) => new BundleError('unsupported', file, `${detail}; refused, as tar implementations read it differently`, entry)
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK)
    if (isZero(header)) {
      // The end of the archive: nothing may follow but more zeros.
      if (!isZero(bytes.subarray(offset))) throw refuse(`the archive goes on after its end-of-archive block at byte ${offset} (GNU tar stops there, other tools read on)`)
      if (longName !== undefined || longLink !== undefined || pax !== undefined) throw refuse('an extended header has no member after it')
      return
    }
    if (!checksumMatches(header)) throw corrupt('a header checksum is wrong')
    const typeflag = header[156] === 0 ? '0' : String.fromCharCode(header[156] as number)
    let size = parseSize(header.subarray(124, 136))
    if (size === undefined) throw corrupt('a header has an unreadable size')
    const paxSize = pax?.get('size')
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw corrupt(`a pax size is not a number: ${JSON.stringify(paxSize.slice(0, 40))}`)
      size = Number(paxSize)
    }
    const dataStart = offset + BLOCK
    const dataEnd = dataStart + size
    if (!Number.isSafeInteger(dataEnd) || dataEnd > bytes.length) throw corrupt('the archive ends inside a member (truncated?)')
    const data = bytes.subarray(dataStart, dataEnd)
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK
    switch (typeflag) {
      case 'L':
        if (longName !== undefined) throw refuse('two long-name headers for one member')
        longName = decodeName(trimNul(data), file)
        continue
      case 'K':
        if (longLink !== undefined) throw refuse('two long-link headers for one member')
        longLink = decodeName(trimNul(data), file)
        continue
      case 'x':
        if (pax !== undefined) throw refuse('two pax headers for one member')
        pax = parsePax(data, file)
        checkPax(pax, file, false)
        continue
      case 'g':
        // Global pax headers carry defaults (mostly mtime/charset); any that would change what is extracted is refused.
        checkPax(parsePax(data, file), file, true)
        continue
    }
    const magic = ascii(header.subarray(257, 263))
    const prefix = magic === 'ustar\0' ? decodeName(trimNul(header.subarray(345, 500)), file) : ''
    const baseName = decodeName(trimNul(header.subarray(0, 100)), file)
    const name = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName)
    const linkName = pax?.get('linkpath') ?? longLink ?? decodeName(trimNul(header.subarray(157, 257)), file)
    longName = longLink = pax = undefined
    if (typeflag === 'S') throw refuse('the member is a sparse file (its stored bytes are not its content)', name)
    onEntry({ name, type: entryType(typeflag, name), typeflag, data, linkName })
  }
  if (offset !== bytes.length) throw corrupt('the archive ends inside a header (truncated?)')
}

/** pax keys that change what is extracted beyond `path`, `linkpath` and `size`, refused. */
function checkPax(records: ReadonlyMap<string, string>, file: string, global: boolean): void {
  for (const [key, value] of records) {
    const refuse = (detail: string) => new BundleError('unsupported', file, `${detail}; refused, as tar implementations read it differently`)
    if (key.startsWith('GNU.sparse.')) throw refuse(`a pax header describes a sparse file (${key})`)
    if (key === 'hdrcharset' && value !== 'ISO-IR 10646 2000 UTF-8') throw refuse(`a pax header sets the name encoding to ${JSON.stringify(value)}`)
    if (global && (key === 'path' || key === 'linkpath' || key === 'size')) throw refuse(`a global pax header sets '${key}' for every member`)
  }
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
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

/** The stored checksum equals the header's sum, unsigned or (as old tars wrote it, and GNU tar accepts) signed. */
function checksumMatches(header: Uint8Array): boolean {
  const stored = parseOctal(header.subarray(148, 156))
  if (stored === undefined) return false
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (header[i] as number)
    unsigned += byte
    signed += byte >= 0x80 ? byte - 0x100 : byte
  }
  return stored === unsigned || stored === signed
}

/** Bytes of a numeric or magic field as text (ASCII; never a spread of an input-sized array). */
function ascii(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] as number)
  return text
}

function trimNul(bytes: Uint8Array): Uint8Array {
  const end = bytes.indexOf(0)
  return end < 0 ? bytes : bytes.subarray(0, end)
}

function decodeName(bytes: Uint8Array, file: string): string {
  try {
    return decoder.decode(bytes)
  } catch {
    const shown = Array.from(bytes.subarray(0, 200), (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('')
    throw new BundleError('unsupported', file, 'the member name is not UTF-8 (tar writes its bytes as they are, which a link cannot hold); refused', shown)
  }
}

/** Octal digits, space- or NUL-terminated (tar's numeric fields). */
function parseOctal(field: Uint8Array): number | undefined {
  const text = ascii(trimNul(field)).trim()
  if (!/^[0-7]+$/.test(text)) return text === '' ? 0 : undefined
  return parseInt(text, 8)
}

/** Sizes past 8 GiB use GNU's base-256 form (high bit of the first byte set). */
function parseSize(field: Uint8Array): number | undefined {
  if (((field[0] as number) & 0x80) === 0) return parseOctal(field)
  // 0xff starts a negative base-256 number: no member has a negative size.
  if (field[0] === 0xff) return undefined
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
    // The length field is digits; a huge "length" (megabytes of digits) must not be spread onto the stack.
    const lengthText = space < 0 || space - offset > 20 ? '' : ascii(data.subarray(offset, space))
    const length = /^\d+$/.test(lengthText) ? Number(lengthText) : NaN
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
