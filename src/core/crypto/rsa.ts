/**
 * RSA signature verification done by hand, because the reference's semantics cannot be had from
 * WebCrypto: securesystemslib 0.26 (`rsa_keys.verify_rsa_signature`) verifies PSS with
 * `salt_length=PSS.AUTO`, i.e. any salt length recovered from the encoded message, while
 * WebCrypto requires the exact salt length up front.
 *
 * The checks follow OpenSSL 3.0 (what cryptography 38 uses) step by step:
 * - `rsa_ossl_public_decrypt`: signature longer than the modulus, s ≥ n, a modulus over 16384
 *   bits, e ≥ n, or e over 64 bits with a modulus over 3072 bits → failure (a clean `False`);
 *   a PSS signature *shorter* than the modulus is accepted as an integer (tested against the
 *   reference: a signature with its leading zero byte stripped verifies);
 * - `RSA_verify_PKCS1_PSS_mgf1` with `RSA_PSS_SALTLEN_AUTO` for PSS;
 * - `int_rsa_verify` for PKCS#1 v1.5: the signature must be exactly as long as the modulus and
 *   the whole encoded block `00 01 FF… 00 DigestInfo` must match (no parameter variants).
 */
import { bigIntToBytes, bitLength, bytesToBigInt } from '../encoding/bigint.ts'
import { DIGEST_LENGTH, digestBytesSync, type DigestName } from './digest.ts'

export interface RsaPublicNumbers {
  readonly n: bigint
  readonly e: bigint
}

/** OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`, `OPENSSL_RSA_SMALL_MODULUS_BITS`, `OPENSSL_RSA_MAX_PUBEXP_BITS`. */
const MAX_MODULUS_BITS = 16384
const SMALL_MODULUS_BITS = 3072
const MAX_PUBEXP_BITS = 64

/** Modulus length in bytes (OpenSSL `RSA_size`). */
export function modulusLength(key: RsaPublicNumbers): number {
  return Math.ceil(bitLength(key.n) / 8)
}

/**
 * s^e mod n as a k-byte block, or `undefined` where OpenSSL's public operation fails. Only
 * public data is involved, so a plain (variable-time) square-and-multiply is fine.
 */
export function rsaPublicOperation(key: RsaPublicNumbers, signature: Uint8Array): Uint8Array | undefined {
  const { n, e } = key
  const k = modulusLength(key)
  const modBits = bitLength(n)
  if (modBits > MAX_MODULUS_BITS || e >= n || (modBits > SMALL_MODULUS_BITS && bitLength(e) > MAX_PUBEXP_BITS)) return undefined
  // Montgomery exponentiation (BN_mod_exp_mont) requires an odd modulus.
  if ((n & 1n) === 0n) return undefined
  if (signature.length > k) return undefined
  const s = bytesToBigInt(signature)
  if (s >= n) return undefined
  return bigIntToBytes(modPow(s, e, n), k)
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  let b = base % modulus
  let e = exponent
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus
    e >>= 1n
    if (e > 0n) b = (b * b) % modulus
  }
  return result % modulus
}

/** RSASSA-PSS verification with MGF1(hash) and the salt length recovered (OpenSSL AUTO). */
export function verifyPss(key: RsaPublicNumbers, hash: DigestName, messageHash: Uint8Array, signature: Uint8Array): boolean {
  const encoded = rsaPublicOperation(key, signature)
  if (!encoded) return false
  return emsaPssVerifyAuto(messageHash, encoded, bitLength(key.n), hash)
}

/**
 * OpenSSL `RSA_verify_PKCS1_PSS_mgf1_ex` with `sLen = RSA_PSS_SALTLEN_AUTO`. `em` is the
 * modulus-length output of the public operation.
 */
export function emsaPssVerifyAuto(mHash: Uint8Array, em: Uint8Array, modBits: number, hash: DigestName): boolean {
  const hLen = DIGEST_LENGTH[hash]
  if (mHash.length !== hLen) return false
  const msBits = (modBits - 1) & 7
  let emLen = em.length
  let EM = em
  if ((EM[0]! & (0xff << msBits) & 0xff) !== 0) return false
  if (msBits === 0) {
    EM = EM.subarray(1)
    emLen--
  }
  if (emLen < hLen + 2) return false
  if (EM[emLen - 1] !== 0xbc) return false
  const maskedDBLen = emLen - hLen - 1
  const H = EM.subarray(maskedDBLen, maskedDBLen + hLen)
  const DB = mgf1(hash, H, maskedDBLen)
  for (let i = 0; i < maskedDBLen; i++) DB[i]! ^= EM[i]!
  if (msBits) DB[0]! &= 0xff >> (8 - msBits)
  let i = 0
  while (DB[i] === 0 && i < maskedDBLen - 1) i++
  if (DB[i++] !== 0x01) return false
  const salt = DB.subarray(i)
  const mPrime = new Uint8Array(8 + hLen + salt.length)
  mPrime.set(mHash, 8)
  mPrime.set(salt, 8 + hLen)
  return constantTimeEqual(digestBytesSync(hash, mPrime), H)
}

/** MGF1 (RFC 8017 B.2.1). */
export function mgf1(hash: DigestName, seed: Uint8Array, length: number): Uint8Array {
  const hLen = DIGEST_LENGTH[hash]
  const out = new Uint8Array(Math.ceil(length / hLen) * hLen)
  const block = new Uint8Array(seed.length + 4)
  block.set(seed, 0)
  for (let counter = 0, offset = 0; offset < length; counter++, offset += hLen) {
    block[seed.length] = counter >>> 24
    block[seed.length + 1] = (counter >>> 16) & 0xff
    block[seed.length + 2] = (counter >>> 8) & 0xff
    block[seed.length + 3] = counter & 0xff
    out.set(digestBytesSync(hash, block), offset)
  }
  return out.subarray(0, length)
}

/** DER `DigestInfo` prefixes, parameters NULL (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Readonly<Record<DigestName, readonly number[]>> = {
  md5: [0x30, 0x20, 0x30, 0x0c, 0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05, 0x05, 0x00, 0x04, 0x10],
  sha1: [0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14],
  sha224: [0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c],
  sha256: [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
  sha384: [0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
  sha512: [0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
}

/** RSASSA-PKCS1-v1_5 verification: rebuild `00 01 FF… 00 DigestInfo` and compare it whole. */
export function verifyPkcs1v15(key: RsaPublicNumbers, hash: DigestName, messageHash: Uint8Array, signature: Uint8Array): boolean {
  const k = modulusLength(key)
  if (signature.length !== k) return false
  const encoded = rsaPublicOperation(key, signature)
  if (!encoded) return false
  const expected = emsaPkcs1v15Encode(hash, messageHash, k)
  return expected !== undefined && constantTimeEqual(encoded, expected)
}

/** EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2), or `undefined` when the modulus is too short. */
export function emsaPkcs1v15Encode(hash: DigestName, messageHash: Uint8Array, k: number): Uint8Array | undefined {
  const prefix = DIGEST_INFO_PREFIX[hash]
  const tLen = prefix.length + messageHash.length
  if (k < tLen + 11) return undefined
  const em = new Uint8Array(k)
  em[1] = 0x01
  em.fill(0xff, 2, k - tLen - 1)
  em[k - tLen - 1] = 0x00
  em.set(prefix, k - tLen)
  em.set(messageHash, k - messageHash.length)
  return em
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
