/**
 * ASCII armor (RFC 4880 6.2, RFC 9580 6.2), as `gpg --armor --export` writes it: a
 * `-----BEGIN PGP PUBLIC KEY BLOCK-----` line, optional `Key: value` header lines, a blank
 * line, base64 lines, an optional `=XXXX` CRC-24 line and the matching END line. Several
 * blocks in one text (keys exported one after another) are read in order.
 *
 * The checksum is optional in RFC 9580; when present it must match (GnuPG refuses a wrong
 * one too: "CRC error").
 */
import { OpenPgpFormatError } from './cursor.ts'

const BEGIN = /^-----BEGIN PGP ([A-Z ,/0-9]+)-----$/
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/

export interface ArmoredBlock {
  /** What the BEGIN line says: `PUBLIC KEY BLOCK`, `PRIVATE KEY BLOCK`, `SIGNATURE`, … */
  readonly label: string
  readonly bytes: Uint8Array<ArrayBuffer>
  /** Line number (from 1) of the BEGIN line, for messages. */
  readonly line: number
}

/** Does this text hold an armored OpenPGP block (anywhere, like gpg finds it)? */
export function isArmored(text: string): boolean {
  return /(^|\n)-----BEGIN PGP [A-Z ,/0-9]+-----\r?\n/.test(text)
}

/** Every armored block in `text`. Throws {@link OpenPgpFormatError} naming the line. */
export function dearmor(text: string): ArmoredBlock[] {
  const lines = text.split(/\r?\n/)
  const blocks: ArmoredBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trimEnd())
    if (!begin) continue
    const label = begin[1]!
    const start = i + 1
    i++
    // Armor headers: "Key: value" lines up to the first blank line.
    while (i < lines.length && lines[i]!.trim() !== '') {
      if (!/^[\x21-\x39\x3b-\x7e]+: /.test(lines[i]!)) throw new OpenPgpFormatError(`line ${i + 1}: an armor header must be "Key: value" (and be followed by a blank line)`)
      i++
    }
    if (i >= lines.length) throw new OpenPgpFormatError(`line ${start}: the armored block ends before its data`)
    i++
    let base64 = ''
    let checksum: string | undefined
    const end = `-----END PGP ${label}-----`
    for (; ; i++) {
      if (i >= lines.length) throw new OpenPgpFormatError(`line ${start}: no "${end}" line`)
      const line = lines[i]!.trim()
      if (line === end) break
      if (line.startsWith('-----')) throw new OpenPgpFormatError(`line ${i + 1}: expected "${end}", found ${JSON.stringify(line.slice(0, 60))}`)
      if (checksum !== undefined) throw new OpenPgpFormatError(`line ${i + 1}: data after the checksum line`)
      if (line.startsWith('=') && line.length === 5) {
        checksum = line.slice(1)
        continue
      }
      if (!BASE64_LINE.test(line)) throw new OpenPgpFormatError(`line ${i + 1}: not base64`)
      base64 += line
    }
    const bytes = decodeBase64(base64, start)
    if (checksum !== undefined) {
      const expected = decodeBase64(checksum, start)
      const actual = crc24(bytes)
      if (expected.length !== 3 || ((expected[0]! << 16) | (expected[1]! << 8) | expected[2]!) !== actual) {
        throw new OpenPgpFormatError(`line ${start}: the armor checksum does not match the data (the block was changed or cut)`)
      }
    }
    blocks.push({ label, bytes, line: start })
  }
  return blocks
}

function decodeBase64(text: string, line: number): Uint8Array<ArrayBuffer> {
  if (text.length % 4 !== 0 || /=[^=]/.test(text)) throw new OpenPgpFormatError(`line ${line}: the base64 data of the armored block is malformed`)
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

/** CRC-24 (RFC 4880 6.1). */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]! << 16
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1
      if (crc & 0x1000000) crc ^= 0x1864cfb
    }
  }
  return crc & 0xffffff
}
