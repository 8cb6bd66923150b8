/**
 * Hex as the reference reads it: `binascii.unhexlify` accepts upper and lower case and
 * rejects odd lengths and non-hex characters; producers always write lower case.
 */
import { CoreError } from '../errors.ts'

const HEX_DIGITS = '0123456789abcdef'

export function bytesToHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    out += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!
  }
  return out
}

/** Decodes hex; throws `CoreError` with `code` (default `format`) on odd length or bad digits. */
export function hexToBytes(hex: string, what = 'hex string', code: 'format' | 'signature-format' | 'key' = 'format'): Uint8Array<ArrayBuffer> {
  if (hex.length % 2 !== 0) throw new CoreError(code, `${what} has an odd number of hex digits (${hex.length})`)
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(hex.charCodeAt(2 * i))
    const lo = hexValue(hex.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) throw new CoreError(code, `${what} contains a character that is not a hex digit`)
    out[i] = (hi << 4) | lo
  }
  return out
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  return -1
}

/**
 * The securesystemslib HEX schema: Python `re.match(r"[a-fA-F0-9]+$")`, so non-empty, and a
 * single trailing newline is tolerated because Python's `$` matches before it.
 */
export function isSchemaHex(value: string): boolean {
  return /^[a-fA-F0-9]+\n?$/.test(value) && !value.startsWith('\n')
}
