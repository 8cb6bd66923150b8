/**
 * Ed25519 with the reference's exact acceptance rules.
 *
 * securesystemslib 0.26 verifies with PyNaCl 1.5 → libsodium 1.0.18 (`crypto_sign_open` →
 * `_crypto_sign_ed25519_verify_detached`), which, before the group equation, rejects:
 * - S ≥ L (`sc25519_is_canonical`),
 * - R in a blacklist of small-order encodings (`ge25519_has_small_order`),
 * - a public key A with y ≥ p (`ge25519_is_canonical`) or in the same blacklist,
 * - an A that does not decode to a curve point;
 * then checks cofactorless: encode([S]B − [h]A) must equal the R bytes.
 *
 * The pre-checks are done here; the equation is done by the host's registered verifier
 * (native.ts: the CLI registers Node's, which reads the message in place) or by WebCrypto
 * (OpenSSL in Node, BoringSSL in Chromium: both cofactorless with the same byte comparison,
 * and native SHA-512). Without
 * WebCrypto Ed25519 the same cofactorless equation is computed with @noble/ed25519 points.
 * (noble's own `verify` is cofactored and would accept some mixed-order keys libsodium refuses.)
 */
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { bytesEqual, concatBytes } from '../encoding/utf8.ts'
import { nativeEd25519 } from './native.ts'
import { asBufferSource, subtleOrUndefined, webCryptoHasEd25519 } from './webcrypto.ts'

// The synchronous noble API needs a SHA-512; only used for key derivation and fallbacks.
ed.hashes.sha512 = sha512

/** L = 2^252 + 27742317777372353535851937790883648493, the order of the base point. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n

/** libsodium 1.0.18 `ge25519_has_small_order` blacklist; compared with the sign bit masked off. */
const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  // 0 (order 4)
  new Uint8Array(32),
  // 1 (order 1)
  Uint8Array.from([1, ...new Array<number>(31).fill(0)]),
  // order 8
  Uint8Array.from([
    0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d,
    0x53, 0xfc, 0x05,
  ]),
  // order 8
  Uint8Array.from([
    0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92,
    0xac, 0x03, 0x7a,
  ]),
  // p - 1 (order 2), p (= 0, order 4), p + 1 (= 1, order 1)
  Uint8Array.from([0xec, ...new Array<number>(30).fill(0xff), 0x7f]),
  Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]),
  Uint8Array.from([0xee, ...new Array<number>(30).fill(0xff), 0x7f]),
]

/** `ge25519_has_small_order`: is this encoding (sign bit ignored) one of the blacklisted ones? */
export function hasSmallOrderEncoding(encoding: Uint8Array): boolean {
  return SMALL_ORDER_ENCODINGS.some((bad) => {
    for (let i = 0; i < 31; i++) if (encoding[i] !== bad[i]) return false
    return (encoding[31]! & 0x7f) === bad[31]
  })
}

/** `ge25519_is_canonical`: the y coordinate (sign bit ignored) is below p = 2^255 − 19. */
export function isCanonicalEncoding(encoding: Uint8Array): boolean {
  if ((encoding[31]! & 0x7f) !== 0x7f) return true
  for (let i = 30; i > 0; i--) if (encoding[i] !== 0xff) return true
  return encoding[0]! < 0xed
}

/** `sc25519_is_canonical`: S (little-endian) < L. */
export function isCanonicalScalar(s: Uint8Array): boolean {
  return littleEndianToBigInt(s) < L
}

/** Why libsodium would refuse this public key outright, or `undefined` if it may verify. */
export function publicKeyRejection(publicKey: Uint8Array): string | undefined {
  if (!isCanonicalEncoding(publicKey)) return 'non-canonical point encoding'
  if (hasSmallOrderEncoding(publicKey)) return 'small-order point'
  try {
    ed.Point.fromBytes(publicKey)
  } catch {
    return 'not a point on the curve'
  }
  return undefined
}

/** The per-signature pre-checks of libsodium (S < L, R not small order). */
function signaturePasses(signature: Uint8Array): boolean {
  return isCanonicalScalar(signature.subarray(32, 64)) && !hasSmallOrderEncoding(signature.subarray(0, 32))
}

export type Ed25519Verify = (signature: Uint8Array, data: Uint8Array) => Promise<boolean>

/**
 * A verifier for one 32-byte public key. Signature length (64) is the caller's concern: the
 * reference treats a wrong length as a format error, not as a failed verification.
 */
export async function createEd25519Verifier(publicKey: Uint8Array): Promise<Ed25519Verify> {
  if (publicKeyRejection(publicKey) !== undefined) return async () => false
  const raw = new Uint8Array(publicKey)
  const native = nativeEd25519()
  if (native) {
    try {
      const check = native(raw)
      return async (signature, data) => signaturePasses(signature) && check(signature, data)
    } catch {
      // Fall through to WebCrypto for a key the host will not take.
    }
  }
  const subtle = subtleOrUndefined()
  if (subtle && (await webCryptoHasEd25519())) {
    try {
      const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify'])
      return async (signature, data) => signaturePasses(signature) && subtle.verify({ name: 'Ed25519' }, key, asBufferSource(signature), asBufferSource(data))
    } catch {
      // Fall through to the portable path for a key WebCrypto will not take.
    }
  }
  const A = ed.Point.fromBytes(raw)
  return async (signature, data) => {
    if (!signaturePasses(signature)) return false
    const r = signature.subarray(0, 32)
    const h = littleEndianToBigInt(await sha512Of(concatBytes(r, raw, data))) % L
    const s = littleEndianToBigInt(signature.subarray(32, 64))
    const check = ed.Point.BASE.multiply(s, false).subtract(A.multiply(h, false))
    return bytesEqual(check.toBytes(), r)
  }
}

/** The public key for a 32-byte private key (seed). */
export function ed25519PublicFromSeed(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed)
}

/** PKCS#8 `PrivateKeyInfo` prefix for an Ed25519 seed (RFC 8410 §7): 16 fixed bytes, then the seed. */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

export type Ed25519Sign = (data: Uint8Array) => Promise<Uint8Array>

/** A signer for one seed; produces the same 64 bytes as libsodium (RFC 8032 is deterministic). */
export async function createEd25519Signer(seed: Uint8Array): Promise<Ed25519Sign> {
  const secret = new Uint8Array(seed)
  const subtle = subtleOrUndefined()
  if (subtle && (await webCryptoHasEd25519())) {
    const key = await subtle.importKey('pkcs8', concatBytes(PKCS8_PREFIX, secret), { name: 'Ed25519' }, false, ['sign'])
    return async (data) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, asBufferSource(data)))
  }
  // noble's async path hashes with crypto.subtle when present, the sync one with noble SHA-512.
  return async (data) => (subtle ? ed.signAsync(data, secret) : ed.sign(data, secret))
}

async function sha512Of(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = subtleOrUndefined()
  return subtle ? new Uint8Array(await subtle.digest('SHA-512', data)) : sha512(data)
}

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
  return value
}
