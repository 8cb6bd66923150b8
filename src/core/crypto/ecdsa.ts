/**
 * ECDSA signature encodings. The reference writes and accepts only DER
 * `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (cryptography 38 → OpenSSL 3
 * `ossl_ecdsa_verify`, which re-encodes the parsed signature and requires identical bytes, then
 * rejects r or s outside [1, n−1]). WebCrypto speaks IEEE P1363 (`r‖s`, fixed width), so DER is
 * converted on the way in and out. High S is accepted (OpenSSL does not normalize).
 */
import { DerError, DerReader, encodeInteger, encodeSequence } from '../asn1/der.ts'
import { bigIntToBytes, bytesToBigInt } from '../encoding/bigint.ts'

/**
 * Strict DER → P1363 with `size`-byte halves, or `undefined` for anything OpenSSL would not
 * verify: raw `r‖s`, BER/non-minimal encodings, trailing bytes, negative or zero values, values
 * not below the group order.
 */
export function derSignatureToP1363(signature: Uint8Array, size: number, order: bigint): Uint8Array<ArrayBuffer> | undefined {
  let r: bigint
  let s: bigint
  try {
    const reader = new DerReader(signature)
    const seq = reader.sequence('ECDSA signature')
    reader.end('ECDSA signature')
    r = seq.integer('r')
    s = seq.integer('s')
    seq.end('ECDSA signature')
  } catch (error) {
    if (error instanceof DerError) return undefined
    throw error
  }
  if (r <= 0n || s <= 0n || r >= order || s >= order) return undefined
  const out = new Uint8Array(2 * size)
  out.set(bigIntToBytes(r, size), 0)
  out.set(bigIntToBytes(s, size), size)
  return out
}

/** P1363 `r‖s` → DER, as OpenSSL writes ECDSA signatures (minimal INTEGERs). */
export function p1363ToDerSignature(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new RangeError('a P1363 signature has two halves of equal length')
  const half = raw.length / 2
  return encodeSequence(encodeInteger(bytesToBigInt(raw.subarray(0, half))), encodeInteger(bytesToBigInt(raw.subarray(half))))
}
