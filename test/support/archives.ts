/**
 * Writers for archives real tools refuse to write: a stored zip whose central directory and
 * local headers can disagree, and a ustar archive with any type flag, raw name bytes and pax
 * records. For tests of the archive readers (src/core/bundle/zip.ts, tar.ts) and the archive
 * tricks of test/hostile/archive-tricks.ts.
 */
import { crc32 } from '../../src/core/encoding/crc32.ts'

const encoder = new TextEncoder()
const bytesOf = (text: string | Uint8Array) => (typeof text === 'string' ? encoder.encode(text) : text)

// ---------------------------------------------------------------- zip

export interface ZipEntry {
  readonly name: string | Uint8Array
  readonly data?: string
  /** The name in the local header, when it differs from the central directory's. */
  readonly localName?: string
  readonly flags?: number
  /** Unix mode (host 3) for the central directory's external attributes. */
  readonly mode?: number
  /** A CRC-32 to store instead of the data's. */
  readonly crc?: number
}

export interface ZipOptions {
  /** Bytes put before the first member (a hidden local entry, padding). */
  readonly before?: Uint8Array
  /** Bytes after the end record. */
  readonly after?: Uint8Array
  /** Central entries whose data is another entry's (overlap): index → index of the entry whose offset to reuse. */
  readonly sameOffsetAs?: ReadonlyMap<number, number>
}

/** A stored (uncompressed) zip. */
export function writeZip(entries: readonly ZipEntry[], options: ZipOptions = {}): Uint8Array {
  const parts: Uint8Array[] = []
  let size = 0
  const push = (part: Uint8Array) => {
    parts.push(part)
    size += part.length
  }
  if (options.before) push(options.before)
  const central: Uint8Array[] = []
  const offsets: number[] = []
  for (const [index, entry] of entries.entries()) {
    const name = bytesOf(entry.name)
    const localName = entry.localName === undefined ? name : bytesOf(entry.localName)
    const data = bytesOf(entry.data ?? '')
    const crc = entry.crc ?? crc32(data)
    const flags = entry.flags ?? 0
    const shared = options.sameOffsetAs?.get(index)
    const offset = shared === undefined ? size : (offsets[shared] as number)
    offsets.push(offset)
    if (shared === undefined) push(localHeader(localName, data, crc, flags))
    const header = new Uint8Array(46 + name.length)
    const view = new DataView(header.buffer)
    view.setUint32(0, 0x02014b50, true)
    view.setUint16(4, entry.mode === undefined ? 20 : 0x0314, true)
    view.setUint16(6, 20, true)
    view.setUint16(8, flags, true)
    view.setUint32(16, crc, true)
    view.setUint32(20, data.length, true)
    view.setUint32(24, data.length, true)
    view.setUint16(28, name.length, true)
    view.setUint32(38, (entry.mode ?? 0) * 0x10000, true)
    view.setUint32(42, offset, true)
    header.set(name, 46)
    central.push(header)
  }
  const cdOffset = size
  for (const header of central) push(header)
  const end = new Uint8Array(22)
  const view = new DataView(end.buffer)
  view.setUint32(0, 0x06054b50, true)
  view.setUint16(8, entries.length, true)
  view.setUint16(10, entries.length, true)
  view.setUint32(12, size - cdOffset, true)
  view.setUint32(16, cdOffset, true)
  push(end)
  if (options.after) push(options.after)
  return joinBytes(parts)
}

export function localHeader(name: Uint8Array, data: Uint8Array, crc: number, flags: number): Uint8Array {
  const header = new Uint8Array(30 + name.length + data.length)
  const view = new DataView(header.buffer)
  view.setUint32(0, 0x04034b50, true)
  view.setUint16(4, 20, true)
  view.setUint16(6, flags, true)
  view.setUint32(14, crc, true)
  view.setUint32(18, data.length, true)
  view.setUint32(22, data.length, true)
  view.setUint16(26, name.length, true)
  header.set(name, 30)
  header.set(data, 30 + name.length)
  return header
}

// ---------------------------------------------------------------- tar

export interface TarBlock {
  readonly name: string | Uint8Array
  readonly data?: string | Uint8Array
  /** '0' file (default), '5' directory, '1' hard link, '2' symlink, 'x'/'g' pax, 'L' GNU long name, 'S' sparse. */
  readonly type?: string
  readonly linkName?: string
}

/** A ustar archive of `members`, then `after` (raw bytes), then the two zero blocks unless `after` replaces them. */
export function writeTar(members: readonly TarBlock[], options: { trailer?: Uint8Array } = {}): Uint8Array {
  const parts: Uint8Array[] = []
  for (const member of members) {
    const data = bytesOf(member.data ?? '')
    const header = new Uint8Array(512)
    const put = (offset: number, value: string | Uint8Array) => header.set(bytesOf(value).subarray(0, 100), offset)
    put(0, member.name)
    put(100, '0000644\0')
    put(108, '0000000\0')
    put(116, '0000000\0')
    put(124, `${data.length.toString(8).padStart(11, '0')}\0`)
    put(136, '00000000000\0')
    header[156] = (member.type ?? '0').charCodeAt(0)
    if (member.linkName) put(157, member.linkName)
    put(257, 'ustar\0')
    put(263, '00')
    header.fill(0x20, 148, 156)
    let sum = 0
    for (const byte of header) sum += byte
    put(148, `${sum.toString(8).padStart(6, '0')}\0 `)
    parts.push(header)
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512)
    padded.set(data)
    parts.push(padded)
  }
  parts.push(options.trailer ?? new Uint8Array(1024))
  return joinBytes(parts)
}

/** A pax extended header member with `records`. */
export function pax(records: Record<string, string | Uint8Array>, type = 'x'): TarBlock {
  const lines: Uint8Array[] = []
  for (const [key, value] of Object.entries(records)) {
    const body = joinBytes([encoder.encode(` ${key}=`), bytesOf(value), encoder.encode('\n')])
    let length = body.length + 1
    while (String(length).length + body.length !== length) length = String(length).length + body.length
    lines.push(joinBytes([encoder.encode(String(length)), body]))
  }
  return { name: 'PaxHeader', type, data: joinBytes(lines) }
}

export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0
  for (const part of parts) size += part.length
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
