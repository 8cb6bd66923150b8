/**
 * Unencrypted private keys in DER: PKCS#8 `PrivateKeyInfo` (RFC 5208 / 5958), PKCS#1
 * `RSAPrivateKey` (RFC 8017 A.1.2, what `BEGIN RSA PRIVATE KEY` holds) and SEC1 `ECPrivateKey`
 * (RFC 5915, `BEGIN EC PRIVATE KEY`). Writers produce what OpenSSL 3 / `cryptography` write, so
 * the reference loads our files.
 */
import {
  DerError,
  DerReader,
  TAG,
  contextTag,
  encodeBitString,
  encodeContext,
  encodeInteger,
  encodeNull,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeSequenceOf,
  readSingle,
} from '../asn1/der.ts'
import { OID } from '../asn1/oid.ts'
import { ed25519PublicFromSeed } from '../crypto/ed25519.ts'
import { CoreError } from '../errors.ts'
import type { EcdsaPrivateMaterial, Ed25519PrivateMaterial, PrivateMaterial, RsaPrivateMaterial } from './material.ts'
import { curveByOid, type Curve } from '../crypto/curves.ts'
import { bigIntToBytes, bytesToBigInt } from '../encoding/bigint.ts'
import { normalizePoint } from './spki.ts'

/** Parses PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` holding an RSA, EC or Ed25519 key. */
export function parsePkcs8(der: Uint8Array, what = 'private key'): PrivateMaterial {
  return withDerErrors(what, () => {
    const info = readSingle(der, TAG.SEQUENCE, `${what} (PrivateKeyInfo)`)
    const version = info.integer('version')
    if (version !== 0n && version !== 1n) throw new CoreError('key', `${what}: unsupported PKCS#8 version ${version}`)
    const algorithm = info.sequence('privateKeyAlgorithm')
    const oid = algorithm.oid('algorithm')
    const privateKey = info.octetString('privateKey')
    // [0] attributes and (version 1) [1] publicKey may follow; neither changes the key.
    while (!info.done) {
      const tag = info.peekTag()
      if (tag !== contextTag(0, true) && tag !== contextTag(1, false) && tag !== contextTag(1, true)) break
      info.next()
    }
    info.end('PrivateKeyInfo')
    switch (oid) {
      case OID.rsaEncryption:
      case OID.rsassaPss:
        return parseRsaPrivateKey(privateKey, what)
      case OID.ecPublicKey: {
        if (algorithm.peekTag() !== TAG.OID) throw new CoreError('key', `${what}: EC keys with explicit curve parameters are not supported`)
        const curveOid = algorithm.oid('namedCurve')
        return parseEcPrivateKey(privateKey, what, requireCurve(curveOid, what))
      }
      case OID.ed25519: {
        // CurvePrivateKey ::= OCTET STRING, itself wrapped in the privateKey OCTET STRING (RFC 8410 §7).
        const inner = new DerReader(privateKey)
        const seed = inner.octetString('CurvePrivateKey')
        inner.end('CurvePrivateKey')
        return ed25519PrivateMaterial(seed, what)
      }
      default:
        throw new CoreError('unsupported-algorithm', `${what}: unsupported private key algorithm ${oid} (expected RSA, EC or Ed25519)`)
    }
  })
}

/** Parses PKCS#1 `RSAPrivateKey` (two-prime only, like every key securesystemslib writes). */
export function parseRsaPrivateKey(der: Uint8Array, what = 'RSA private key'): RsaPrivateMaterial {
  return withDerErrors(what, () => {
    const seq = readSingle(der, TAG.SEQUENCE, `${what} (RSAPrivateKey)`)
    const version = seq.integer('version')
    if (version !== 0n) throw new CoreError('unsupported-algorithm', `${what}: multi-prime RSA keys are not supported`)
    const n = seq.integer('modulus')
    const e = seq.integer('publicExponent')
    const d = seq.integer('privateExponent')
    const p = seq.integer('prime1')
    const q = seq.integer('prime2')
    const dp = seq.integer('exponent1')
    const dq = seq.integer('exponent2')
    const qi = seq.integer('coefficient')
    seq.end('RSAPrivateKey')
    for (const value of [n, e, d, p, q, dp, dq, qi]) if (value <= 0n) throw new CoreError('key', `${what}: RSA key numbers must be positive`)
    if (p * q !== n) throw new CoreError('key', `${what}: inconsistent RSA key (modulus is not prime1 × prime2)`)
    return { type: 'rsa', n, e, d, p, q, dp, dq, qi }
  })
}

/**
 * Parses SEC1 `ECPrivateKey`. Inside PKCS#8 the curve comes from the AlgorithmIdentifier and
 * the `[0]` parameters are usually absent; on its own (`BEGIN EC PRIVATE KEY`) `[0]` names it.
 */
export function parseEcPrivateKey(der: Uint8Array, what = 'EC private key', outerCurve?: Curve): EcdsaPrivateMaterial {
  return withDerErrors(what, () => {
    const seq = readSingle(der, TAG.SEQUENCE, `${what} (ECPrivateKey)`)
    if (seq.integer('version') !== 1n) throw new CoreError('key', `${what}: ECPrivateKey version must be 1`)
    const scalar = seq.octetString('privateKey')
    let curve = outerCurve
    const parameters = seq.optionalContext(0, 'parameters')
    if (parameters) {
      if (parameters.peekTag() !== TAG.OID) throw new CoreError('key', `${what}: EC keys with explicit curve parameters are not supported`)
      const named = requireCurve(parameters.oid('namedCurve'), what)
      parameters.end('parameters')
      if (curve && curve !== named) throw new CoreError('key', `${what}: the key names two different curves`)
      curve = named
    }
    const publicKey = seq.optionalContext(1, 'publicKey')
    const embeddedPoint = publicKey?.bitString('publicKey')
    publicKey?.end('publicKey')
    seq.end('ECPrivateKey')
    if (!curve) throw new CoreError('key', `${what}: the EC private key does not name its curve`)
    const material = ecPrivateMaterial(curve, scalar, what)
    if (embeddedPoint) {
      const embedded = normalizePoint(curve, embeddedPoint, what)
      if (!equalBytes(embedded, material.point)) throw new CoreError('key', `${what}: the embedded public key does not match the private key`)
    }
    return material
  })
}

/** Builds EC private material from a scalar, deriving (and so validating) the public point. */
export function ecPrivateMaterial(curve: Curve, scalar: Uint8Array, what = 'EC private key'): EcdsaPrivateMaterial {
  const value = bytesToBigInt(scalar)
  if (value <= 0n || value >= curve.order) throw new CoreError('key', `${what}: the private scalar is out of range for ${curve.name}`)
  const d = bigIntToBytes(value, curve.size)
  const point = new Uint8Array(curve.noble.getPublicKey(d, false))
  return { type: 'ecdsa', curve, d, point }
}

export function ed25519PrivateMaterial(seed: Uint8Array, what = 'Ed25519 private key'): Ed25519PrivateMaterial {
  if (seed.length !== 32) throw new CoreError('key', `${what}: an Ed25519 private key must be 32 bytes, not ${seed.length}`)
  const copy = new Uint8Array(seed)
  return { type: 'ed25519', seed: copy, publicKey: new Uint8Array(ed25519PublicFromSeed(copy)) }
}

// ---------------------------------------------------------------------------------------------
// Writers

/** PKCS#8 `PrivateKeyInfo` as OpenSSL 3 writes it (`openssl pkey`, `cryptography` PKCS8). */
export function encodePkcs8(material: PrivateMaterial): Uint8Array<ArrayBuffer> {
  switch (material.type) {
    case 'rsa':
      return encodeSequence(encodeInteger(0n), encodeSequence(encodeOid(OID.rsaEncryption), encodeNull()), encodeOctetString(encodeRsaPrivateKey(material)))
    case 'ecdsa':
      return encodeSequence(encodeInteger(0n), encodeSequence(encodeOid(OID.ecPublicKey), encodeOid(material.curve.oid)), encodeOctetString(encodeEcPrivateKey(material, false)))
    case 'ed25519':
      return encodeSequence(encodeInteger(0n), encodeSequence(encodeOid(OID.ed25519)), encodeOctetString(encodeOctetString(material.seed)))
  }
}

export function encodeRsaPrivateKey(material: RsaPrivateMaterial): Uint8Array<ArrayBuffer> {
  const { n, e, d, p, q, dp, dq, qi } = material
  return encodeSequenceOf([0n, n, e, d, p, q, dp, dq, qi].map(encodeInteger))
}

/**
 * SEC1 `ECPrivateKey`. `withParameters` adds `[0] namedCurve`, as the traditional
 * `BEGIN EC PRIVATE KEY` form needs (and `cryptography`'s TraditionalOpenSSL writes).
 */
export function encodeEcPrivateKey(material: EcdsaPrivateMaterial, withParameters: boolean): Uint8Array<ArrayBuffer> {
  const parts = [encodeInteger(1n), encodeOctetString(material.d)]
  if (withParameters) parts.push(encodeContext(0, encodeOid(material.curve.oid)))
  parts.push(encodeContext(1, encodeBitString(material.point)))
  return encodeSequenceOf(parts)
}

// ---------------------------------------------------------------------------------------------

function requireCurve(oid: string, what: string): Curve {
  const curve = curveByOid(oid)
  if (!curve) throw new CoreError('unsupported-algorithm', `${what}: unsupported EC curve ${oid} (only P-256, P-384 and P-521)`)
  return curve
}

function withDerErrors<T>(what: string, body: () => T): T {
  try {
    return body()
  } catch (error) {
    if (error instanceof DerError) throw new CoreError('key', `${what}: malformed DER: ${error.message}`, { cause: error })
    throw error
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
