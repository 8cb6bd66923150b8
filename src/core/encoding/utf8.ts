/** UTF-8 helpers; decoding that must be strict lives in `json/parse.ts` (`decodeUtf8`). */

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  // Word by word where both views allow it (artifact lists and maps run to megabytes).
  const words = a.length >>> 2
  if (words > 0 && a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const x = new Uint32Array(a.buffer, a.byteOffset, words)
    const y = new Uint32Array(b.buffer, b.byteOffset, words)
    for (let k = 0; k < words; k++) if (x[k] !== y[k]) return false
    for (let k = words << 2; k < a.length; k++) if (a[k] !== b[k]) return false
    return true
  }
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false
  return true
}
