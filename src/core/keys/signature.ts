/**
 * Signature verification with the reference's exact semantics (securesystemslib 0.26
 * `keys.verify_signature` and the per-algorithm modules; verifier-semantics §2.5).
 *
 * Outcomes:
 * - `true` / `false`: the reference returns True / False (a "clean" failure: in-toto skips a
 *   link that fails this way);
 * - a thrown `CoreError`: the reference raises (fatal for in-toto-verify):
 *   `unsupported-algorithm` for keytype/scheme combinations it rejects,
 *   `key` for key material it cannot load or that has the wrong kind,
 *   `signature-format` for an Ed25519 signature that is not 64 bytes.
 *
 * Loaded keys are cached per (keytype, scheme, public) so verifying many links signed by one
 * key imports it once; messages are hashed natively by WebCrypto.
 */
import { hexToBytes } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import type { PublicKey } from './types.ts'
import { loadPublicKeyPem } from './spki.ts'
import type { Curve } from '../crypto/curves.ts'
import { DIGEST_LENGTH, digestBytes, type DigestName } from '../crypto/digest.ts'
import { derSignatureToP1363 } from '../crypto/ecdsa.ts'
import { createEd25519Verifier } from '../crypto/ed25519.ts'
import { modulusLength, verifyPkcs1v15, verifyPss, type RsaPublicNumbers } from '../crypto/rsa.ts'
import { asBufferSource, subtleOrUndefined } from '../crypto/webcrypto.ts'

/** securesystemslib 0.26 `keys.RSA_SIGNATURE_SCHEMES`. */
export const RSA_SIGNATURE_SCHEMES: readonly string[] = Object.freeze([
  'rsassa-pss-md5',
  'rsassa-pss-sha1',
  'rsassa-pss-sha224',
  'rsassa-pss-sha256',
  'rsassa-pss-sha384',
  'rsassa-pss-sha512',
  'rsa-pkcs1v15-md5',
  'rsa-pkcs1v15-sha1',
  'rsa-pkcs1v15-sha224',
  'rsa-pkcs1v15-sha256',
  'rsa-pkcs1v15-sha384',
  'rsa-pkcs1v15-sha512',
])

/** Keytypes `keys.verify_signature` dispatches to the ECDSA module. */
export const ECDSA_KEYTYPES: readonly string[] = Object.freeze(['ecdsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384'])

/** ECDSA schemes and their hashes (`ecdsa_keys._SCHEME_HASHER`); the curve comes from the key. */
export const ECDSA_SCHEME_HASH: Readonly<Record<string, 'sha256' | 'sha384'>> = Object.freeze({
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
})

export type SignatureScheme =
  | { readonly family: 'ed25519' }
  | { readonly family: 'rsa'; readonly padding: 'pss' | 'pkcs1v15'; readonly hash: DigestName }
  | { readonly family: 'ecdsa'; readonly hash: 'sha256' | 'sha384' }

/**
 * The signature algorithm the reference uses for a keytype/scheme pair. Throws `CoreError`
 * `unsupported-algorithm` where `keys.verify_signature` raises `UnsupportedAlgorithmError`
 * (or, for an unknown keytype, `FormatError`/`TypeError`).
 */
export function signatureSchemeOf(keytype: string, scheme: string): SignatureScheme {
  if (keytype === 'rsa') {
    if (!RSA_SIGNATURE_SCHEMES.includes(scheme)) throw unsupported(`unsupported signature scheme ${JSON.stringify(scheme)} for an rsa key`)
    const [, padding, hash] = /^(rsassa-pss|rsa-pkcs1v15)-(.+)$/.exec(scheme)!
    return { family: 'rsa', padding: padding === 'rsassa-pss' ? 'pss' : 'pkcs1v15', hash: hash as DigestName }
  }
  if (keytype === 'ed25519') {
    if (scheme !== 'ed25519') throw unsupported(`unsupported signature scheme ${JSON.stringify(scheme)} for an ed25519 key`)
    return { family: 'ed25519' }
  }
  if (ECDSA_KEYTYPES.includes(keytype)) {
    const hash = Object.hasOwn(ECDSA_SCHEME_HASH, scheme) ? ECDSA_SCHEME_HASH[scheme] : undefined
    if (!hash) throw unsupported(`unsupported signature scheme ${JSON.stringify(scheme)} for an ${keytype} key`)
    return { family: 'ecdsa', hash }
  }
  throw unsupported(`unsupported key type ${JSON.stringify(keytype)}`)
}

/**
 * Verifies `signature` (raw bytes, as hex-decoded from a metablock's `sig`) over `data` with
 * `key`. See the module comment for the meaning of `false` versus a thrown `CoreError`.
 */
export async function verifySignature(key: PublicKey, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const verifier = await verifierFor(key)
  return verifier(signature, data)
}

/** Forgets every cached key (for tests and memory pressure). */
export function clearVerifierCache(): void {
  cache.clear()
}

// ---------------------------------------------------------------------------------------------

type Verifier = (signature: Uint8Array, data: Uint8Array) => Promise<boolean>

/** Enough for every key of a large layout; the oldest entry is dropped beyond it. */
const CACHE_LIMIT = 1024
const cache = new Map<string, Promise<Verifier>>()

function verifierFor(key: PublicKey): Promise<Verifier> {
  const cacheKey = `${key.keytype}\u0000${key.scheme}\u0000${key.public}`
  let entry = cache.get(cacheKey)
  if (!entry) {
    // Key errors are cached too: the same key fails the same way every time.
    entry = createVerifier(key)
    entry.catch(() => undefined)
    cache.set(cacheKey, entry)
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
  }
  return entry
}

async function createVerifier(key: PublicKey): Promise<Verifier> {
  const scheme = signatureSchemeOf(key.keytype, key.scheme)
  switch (scheme.family) {
    case 'ed25519':
      return ed25519Verifier(key)
    case 'rsa':
      return rsaVerifier(key, scheme.padding, scheme.hash)
    case 'ecdsa':
      return ecdsaVerifier(key, scheme.hash)
  }
}

async function ed25519Verifier(key: PublicKey): Promise<Verifier> {
  // keys.verify_signature: binascii.unhexlify → FormatError; ED25519PUBLIC_SCHEMA (32 bytes).
  const raw = hexToBytes(key.public, `ed25519 public key ${describe(key)}`, 'key')
  if (raw.length !== 32) throw new CoreError('key', `ed25519 public key ${describe(key)} must be 32 bytes (64 hex digits), not ${raw.length} bytes`)
  const verify = await createEd25519Verifier(raw)
  return (signature, data) => {
    // ED25519SIGNATURE_SCHEMA: LengthBytes(64) → FormatError.
    if (signature.length !== 64) {
      return Promise.reject(new CoreError('signature-format', `an ed25519 signature must be 64 bytes, not ${signature.length} (key ${describe(key)})`))
    }
    return verify(signature, data)
  }
}

function rsaVerifier(key: PublicKey, padding: 'pss' | 'pkcs1v15', hash: DigestName): Verifier {
  const loaded = loadPublicKeyPem(key.public, `rsa public key ${describe(key)}`)
  if (loaded.type !== 'rsa') {
    // cryptography loads it, then calling verify(sig, data, padding, hash) on a non-RSA key
    // raises TypeError, which escapes verify_rsa_signature.
    throw new CoreError('key', `rsa public key ${describe(key)} holds ${describeKind(loaded)}, not an RSA key`)
  }
  const numbers: RsaPublicNumbers = loaded
  // cryptography `_rsa_sig_determine_padding`: "Digest too large for key size" → ValueError → CryptoError.
  if (padding === 'pss' && modulusLength(numbers) - DIGEST_LENGTH[hash] - 2 < 0) {
    throw new CoreError('key', `rsa public key ${describe(key)} is too small for ${hash} with PSS padding`)
  }
  const check = padding === 'pss' ? verifyPss : verifyPkcs1v15
  return async (signature, data) => check(numbers, hash, await digestBytes(hash, data), signature)
}

async function ecdsaVerifier(key: PublicKey, hash: 'sha256' | 'sha384'): Promise<Verifier> {
  const loaded = loadPublicKeyPem(key.public, `ecdsa public key ${describe(key)}`)
  if (loaded.type === 'unsupported' && loaded.family === 'ec') {
    throw new CoreError('unsupported-algorithm', `ecdsa public key ${describe(key)} is ${loaded.description}`)
  }
  if (loaded.type !== 'ecdsa') {
    // ecdsa_keys.verify_signature: "Invalid ECDSA public key" FormatError.
    throw new CoreError('key', `ecdsa public key ${describe(key)} holds ${describeKind(loaded)}, not an EC key`)
  }
  const { curve, point } = loaded
  const subtle = subtleOrUndefined()
  if (subtle) {
    const cryptoKey = await subtle.importKey('raw', point, { name: 'ECDSA', namedCurve: curve.name }, false, ['verify'])
    const algorithm = { name: 'ECDSA', hash: hash === 'sha256' ? 'SHA-256' : 'SHA-384' }
    return async (signature, data) => {
      const raw = derSignatureToP1363(signature, curve.size, curve.order)
      return raw !== undefined && subtle.verify(algorithm, cryptoKey, raw, asBufferSource(data))
    }
  }
  return async (signature, data) => nobleEcdsaVerify(curve, point, hash, signature, data)
}

async function nobleEcdsaVerify(curve: Curve, point: Uint8Array, hash: 'sha256' | 'sha384', signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const raw = derSignatureToP1363(signature, curve.size, curve.order)
  if (raw === undefined) return false
  const messageHash = await digestBytes(hash, data)
  return curve.noble.verify(raw, messageHash, point, { prehash: false, lowS: false, format: 'compact' })
}

function describe(key: PublicKey): string {
  return key.keyid ? `'${key.keyid}'` : `(${key.keytype}/${key.scheme})`
}

function describeKind(loaded: ReturnType<typeof loadPublicKeyPem>): string {
  switch (loaded.type) {
    case 'rsa':
      return 'an RSA key'
    case 'ecdsa':
      return `an EC ${loaded.curve.name} key`
    case 'ed25519':
      return 'an Ed25519 key'
    case 'unsupported':
      return loaded.description
  }
}

function unsupported(detail: string): CoreError {
  return new CoreError('unsupported-algorithm', detail)
}
