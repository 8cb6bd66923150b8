/** Non-negative integers as big-endian bytes (key material, signatures), and their bit length. */

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = ''
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0')
  return hex === '' ? 0n : BigInt('0x' + hex)
}

/** Big-endian bytes of a non-negative `value`, left-padded to `length` (or minimal without it). */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array<ArrayBuffer> {
  let hex = value.toString(16)
  if (hex.length % 2) hex = '0' + hex
  const minimal = hex.length / 2
  const size = length ?? minimal
  if (minimal > size) throw new RangeError(`integer does not fit in ${size} bytes`)
  const out = new Uint8Array(size)
  for (let i = 0; i < minimal; i++) out[size - minimal + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}
