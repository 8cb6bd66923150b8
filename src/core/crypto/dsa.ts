/**
 * DSA signature verification (FIPS 186-4 4.7) over a prehashed digest, as securesystemslib 0.26
 * does it for OpenPGP DSA keys (`gpg/dsa.py:verify_signature` → cryptography 38 → OpenSSL 3.0
 * `dsa_do_verify`). There is no DSA in WebCrypto; the arithmetic on public values is a few
 * modular exponentiations with BigInt.
 *
 * Acceptance follows the reference exactly:
 * - the key must satisfy cryptography's `_check_dsa_parameters` (p of 1024, 2048, 3072 or 4096
 *   bits, q of 160, 224 or 256 bits, 1 < g < p), else it cannot be loaded: {@link DsaKeyError};
 * - r and s must lie in [1, q−1], else the signature is invalid;
 * - the digest is cut to the leftmost ⌊bits(q)/8⌋ bytes (OpenSSL: `dgst_len > (i >> 3)`).
 */
import { bitLength, bytesToBigInt } from '../encoding/bigint.ts'
import { modPow } from './rsa.ts'

export interface DsaPublicNumbers {
  readonly p: bigint
  readonly q: bigint
  readonly g: bigint
  readonly y: bigint
}

export class DsaKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DsaKeyError'
  }
}

/** Throws {@link DsaKeyError} where cryptography refuses to load the key (the reference raises). */
export function checkDsaKey(key: DsaPublicNumbers): void {
  const pBits = bitLength(key.p)
  const qBits = bitLength(key.q)
  if (![1024, 2048, 3072, 4096].includes(pBits)) throw new DsaKeyError(`p must be exactly 1024, 2048, 3072 or 4096 bits long, not ${pBits}`)
  if (![160, 224, 256].includes(qBits)) throw new DsaKeyError(`q must be exactly 160, 224 or 256 bits long, not ${qBits}`)
  if (!(key.g > 1n && key.g < key.p)) throw new DsaKeyError('g and p do not satisfy 1 < g < p')
}

/** Verifies (r, s) over `digest`. Call {@link checkDsaKey} first. */
export function verifyDsa(key: DsaPublicNumbers, digest: Uint8Array, r: bigint, s: bigint): boolean {
  const { p, q, g, y } = key
  if (r <= 0n || r >= q || s <= 0n || s >= q) return false
  const qBytes = bitLength(q) >> 3
  const z = bytesToBigInt(digest.length > qBytes ? digest.subarray(0, qBytes) : digest)
  const w = modInverse(s, q)
  if (w === undefined) return false
  const u1 = (z * w) % q
  const u2 = (r * w) % q
  const v = ((modPow(g, u1, p) * modPow(y, u2, p)) % p) % q
  return v === r
}

/** The inverse of `a` modulo `m`, or `undefined` when there is none. */
function modInverse(a: bigint, m: bigint): bigint | undefined {
  let [oldR, r] = [a % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const quotient = oldR / r
    ;[oldR, r] = [r, oldR - quotient * r]
    ;[oldS, s] = [s, oldS - quotient * s]
  }
  if (oldR !== 1n) return undefined
  return ((oldS % m) + m) % m
}
