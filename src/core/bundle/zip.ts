/**
 * Reading zip archives as Info-ZIP `unzip` reads them: from the central directory at the end,
 * each member's data found through its local header. Anything two readers could understand
 * differently is refused (`unsupported`) rather than read one way: a streaming reader (one
 * that walks local headers from the start) sees members the central directory does not list,
 * and names the local header gives instead of the central one.
 *
 * Refused, each with its reason: two members of the same name (without `-o`, unzip asks
 * whether to replace; with it, the last wins), a local header that disagrees with the central
 * directory (name, method, flags, sizes or CRC: unzip warns and goes on with the central
 * name), encrypted members (unzip asks for a password), compression other than stored and
 * deflate, names that are not UTF-8 (unzip writes the bytes as they are, or with the UTF-8
 * flag of an archive made on Unix drops the bad ones), overlapping members, data before, between or after the archive's
 * parts, Zip64 and multi-disk archives, a CRC-32 or size that does not match the data.
 * Expanded bytes are counted as they are produced: a member that claims 1 KB and inflates to
 * 1 GB is stopped at the limit.
 */
import { Inflate } from 'fflate'
import { crc32 } from '../encoding/crc32.ts'
import { type Budget, BundleError } from './limits.ts'

/** Compressed bytes fed per step: DEFLATE expands at most ~1032×, so one step yields ≤ ~8 MiB. */
const CHUNK = 8 * 1024

const EOCD = 0x06054b50
const ZIP64_LOCATOR = 0x07064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export interface ZipMember {
  readonly name: string
  readonly directory: boolean
  /** A symbolic link, FIFO or device by its Unix mode (the data is then not a file's content). */
  readonly special?: string
  readonly data: Uint8Array
}

interface CentralEntry {
  readonly name: string
  readonly nameBytes: Uint8Array
  readonly flags: number
  readonly method: number
  readonly crc: number
  readonly compressedSize: number
  readonly size: number
  readonly localOffset: number
  readonly special: string | undefined
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Lists and inflates every member in central-directory order, charging `budget`; `onMember`
 * sees each when it is complete. Throws `BundleError`: `corrupt-archive` when there is no zip
 * to read (unzip: "cannot find zipfile directory", exit 9), `unsupported` for what is refused
 * above, `too-large` / `too-many-entries` at the limits.
 */
export function readZip(bytes: Uint8Array, file: string, budget: Budget, onMember: (member: ZipMember) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const refuse = (detail: string, entry?: string): never => {
    throw new BundleError('unsupported', file, `${detail}; refused, as unzip could read it differently`, entry)
  }
  const eocd = findEndOfCentralDirectory(bytes, view, file)
  if (eocd + 22 + view.getUint16(eocd + 20, true) !== bytes.length) refuse('there is data after the end of the zip archive')
  const disk = view.getUint16(eocd + 4, true)
  const cdDisk = view.getUint16(eocd + 6, true)
  const countHere = view.getUint16(eocd + 8, true)
  const count = view.getUint16(eocd + 10, true)
  const cdSize = view.getUint32(eocd + 12, true)
  const cdOffset = view.getUint32(eocd + 16, true)
  if ((eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) || count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    refuse('it is a Zip64 archive, which is not read here')
  }
  if (disk !== 0 || cdDisk !== 0 || countHere !== count) refuse('it is a multi-disk (split) archive')
  if (cdOffset + cdSize !== eocd) refuse('the central directory does not end where the end record begins (data before or inside the archive)')

  const entries: CentralEntry[] = []
  let at = cdOffset
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL) throw corrupt(file, `central directory entry ${i + 1} of ${count} is missing or damaged`)
    const nameLength = view.getUint16(at + 28, true)
    const extraLength = view.getUint16(at + 30, true)
    const commentLength = view.getUint16(at + 32, true)
    const end = at + 46 + nameLength + extraLength + commentLength
    if (end > eocd) throw corrupt(file, `central directory entry ${i + 1} runs past its end`)
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLength)
    const name = decodeName(nameBytes, (view.getUint16(at + 8, true) & 0x800) !== 0, file)
    budget.entry(file, name)
    entries.push({
      name,
      nameBytes,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      special: specialOfMode(view.getUint8(at + 5), view.getUint32(at + 38, true) >>> 16),
    })
    at = end
  }
  if (at !== eocd) refuse('the central directory holds more than its entries')

  const seen = new Set<string>()
  const ranges: Array<{ start: number; end: number; name: string }> = []
  const members: Array<{ entry: CentralEntry; dataStart: number }> = []
  for (const entry of entries) {
    const { name } = entry
    if (seen.has(name)) refuse('two members have this name (without -o unzip asks which to keep; with it, the last wins)', name)
    seen.add(name)
    if (entry.flags & 0x1) refuse('the member is encrypted (unzip asks for a password)', name)
    if (entry.flags & 0x2040) refuse('the member uses strong encryption or a masked directory', name)
    if (entry.method !== 0 && entry.method !== 8) {
      throw new BundleError('unsupported', file, `the member uses compression method ${entry.method}, which is not supported (only stored and deflate)`, name)
    }
    const local = entry.localOffset
    if (local + 30 > cdOffset || view.getUint32(local, true) !== LOCAL) throw corrupt(file, `the member's local header is missing`, name)
    const localFlags = view.getUint16(local + 6, true)
    const localNameLength = view.getUint16(local + 26, true)
    const localExtraLength = view.getUint16(local + 28, true)
    const localName = bytes.subarray(local + 30, local + 30 + localNameLength)
    if (!sameBytes(localName, entry.nameBytes)) {
      refuse(`its local header names it ${JSON.stringify(new TextDecoder().decode(localName))} (a streaming reader would extract that name, unzip the central directory's)`, name)
    }
    if (view.getUint16(local + 8, true) !== entry.method || (localFlags & 0x1) !== (entry.flags & 0x1))
      refuse('its local header gives another compression method or encryption flag', name)
    if ((localFlags & 0x8) === 0) {
      const agree = view.getUint32(local + 14, true) === entry.crc && view.getUint32(local + 18, true) === entry.compressedSize && view.getUint32(local + 22, true) === entry.size
      if (!agree) refuse('its local header gives other sizes or another CRC-32 than the central directory', name)
    }
    const dataStart = local + 30 + localNameLength + localExtraLength
    const dataEnd = dataStart + entry.compressedSize
    // A data descriptor (flag bit 3) follows the data: CRC and sizes, with or without its signature.
    const descriptor = (localFlags & 0x8) === 0 ? 0 : dataEnd + 4 <= cdOffset && view.getUint32(dataEnd, true) === 0x08074b50 ? 16 : 12
    if (dataEnd + descriptor > cdOffset) throw corrupt(file, "the member's data runs into the central directory (truncated?)", name)
    ranges.push({ start: local, end: dataEnd + descriptor, name })
    members.push({ entry, dataStart })
  }
  // The members must tile everything before the central directory: an overlap is a zip bomb
  // trick (unzip refuses overlapped components), a gap may hold a member only a streaming
  // reader sees.
  ranges.sort((a, b) => a.start - b.start)
  let covered = 0
  for (const range of ranges) {
    if (range.start < covered) refuse(`its data overlaps another member's (a zip bomb trick; unzip refuses overlapped components)`, range.name)
    if (range.start > covered) refuse(`bytes ${covered}–${range.start} belong to no member the central directory lists (a hidden member?)`)
    covered = range.end
  }
  if (covered !== cdOffset) refuse(`bytes ${covered}–${cdOffset} belong to no member the central directory lists (a hidden member?)`)

  for (const { entry, dataStart } of members) {
    const directory = entry.name.endsWith('/')
    const compressed = bytes.subarray(dataStart, dataStart + entry.compressedSize)
    const data = entry.method === 0 ? stored(compressed, file, entry, budget) : inflated(compressed, file, entry, budget)
    if (data.length !== entry.size) refuse(`the member expands to ${data.length} bytes, not the ${entry.size} its header gives`, entry.name)
    if (crc32(data) !== entry.crc) refuse("the member's CRC-32 does not match its data (unzip reports a bad CRC)", entry.name)
    if (directory && data.length > 0) refuse('a directory member holds data', entry.name)
    onMember({ name: entry.name, directory, special: entry.special, data })
  }
}

function findEndOfCentralDirectory(bytes: Uint8Array, view: DataView, file: string): number {
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65,535 bytes).
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === EOCD) return i
  }
  throw corrupt(file, 'there is no zip end-of-central-directory record')
}

function corrupt(file: string, detail: string, entry?: string): BundleError {
  return new BundleError('corrupt-archive', file, `not a readable zip archive: ${detail}`, entry)
}

/**
 * Member names must be UTF-8 whatever the flag says: unzip writes a name's bytes as they are
 * (no CP437 translation here), so any other name is one in-toto cannot record; with the
 * UTF-8 flag set on an archive made on Unix it drops the invalid bytes, which no other reader does.
 */
function decodeName(bytes: Uint8Array, flagged: boolean, file: string): string {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    const shown = Array.from(bytes, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('')
    throw new BundleError(
      'unsupported',
      file,
      flagged
        ? 'the member name is marked UTF-8 but is not (unzip writes its bytes as they are, or drops the bad ones, by the system that made the archive); refused'
        : 'the member name is not UTF-8 (unzip writes its bytes as they are, which a link cannot hold); refused',
      shown,
    )
  }
}

/** What a Unix mode (host 3 in "version made by") says other than a file or directory. */
function specialOfMode(host: number, mode: number): string | undefined {
  if (host !== 3) return undefined
  switch (mode & 0o170000) {
    case 0:
    case 0o100000:
    case 0o040000:
      return undefined
    case 0o120000:
      return 'a symbolic link'
    case 0o010000:
      return 'a FIFO (named pipe)'
    case 0o020000:
      return 'a character device'
    case 0o060000:
      return 'a block device'
    case 0o140000:
      return 'a socket'
    default:
      return `a file of unknown type (mode ${mode.toString(8)})`
  }
}

function stored(data: Uint8Array, file: string, entry: CentralEntry, budget: Budget): Uint8Array {
  budget.bytesOf(data.length, data.length, file, entry.name)
  return data
}

function inflated(compressed: Uint8Array, file: string, entry: CentralEntry, budget: Budget): Uint8Array {
  const chunks: Uint8Array[] = []
  let size = 0
  const inflate = new Inflate((chunk) => {
    size += chunk.length
    budget.bytesOf(chunk.length, size, file, entry.name)
    if (chunk.length > 0) chunks.push(chunk)
  })
  try {
    if (compressed.length === 0) inflate.push(compressed, true)
    for (let offset = 0; offset < compressed.length; offset += CHUNK) inflate.push(compressed.subarray(offset, offset + CHUNK), offset + CHUNK >= compressed.length)
  } catch (error) {
    if (error instanceof BundleError) throw error
    throw new BundleError('corrupt-archive', file, `cannot inflate the member: ${error instanceof Error ? error.message : String(error)}`, entry.name)
  }
  return concat(chunks, size)
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** The chunks as one array (no copy for a single chunk, the usual case for small members). */
export function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  if (size === 0) return new Uint8Array()
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.length
  }
  return out
}
