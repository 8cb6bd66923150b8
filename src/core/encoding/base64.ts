/**
 * Base64 for DSSE. Decoding follows securesystemslib `b64dec`: the standard alphabet with
 * padding required, falling back to the URL-safe alphabet (the DSSE spec allows both).
 */
import { CoreError } from '../errors.ts'

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const URL_SAFE = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/

/** The one-character string of each byte value (a lookup instead of `String.fromCharCode` per byte). */
const BYTE_CHARS = Array.from({ length: 256 }, (_, byte) => String.fromCharCode(byte))

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += BYTE_CHARS[bytes[i] as number]
  return btoa(binary)
}

export function base64ToBytes(text: string, what = 'base64 data'): Uint8Array<ArrayBuffer> {
  let standard = text
  if (!STANDARD.test(text)) {
    if (!URL_SAFE.test(text)) throw new CoreError('format', `${what} is not valid base64 (standard or URL-safe, with padding)`)
    standard = text.replace(/-/g, '+').replace(/_/g, '/')
  }
  const binary = atob(standard)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
