/**
 * Public keys in DER: SubjectPublicKeyInfo (RFC 5280 §4.1.2.7; RSA RFC 8017 A.1.1, EC RFC 5480,
 * Ed25519 RFC 8410) and PKCS#1 `RSAPublicKey`, plus loading a `keyval.public` PEM string the way
 * `cryptography.load_pem_public_key` (cryptography 38) does: a `PUBLIC KEY` block, else a PKCS#1
 * `RSA PUBLIC KEY` block. One deliberate leniency (docs/compatibility.md): an Ed25519
 * AlgorithmIdentifier may carry an explicit NULL, as rebuilderd's keys do.
 */
import { DerError, TAG, encodeBitString, encodeInteger, encodeNull, encodeOid, encodeSequence, readSingle } from '../asn1/der.ts'
import { OID } from '../asn1/oid.ts'
import { CoreError } from '../errors.ts'
import type { PublicMaterial } from './material.ts'
import { curveByOid, type Curve } from '../crypto/curves.ts'
import { encodePem, findPemBlock } from './pem.ts'

/** A well-formed key we cannot use (an EC curve other than P-256/384/521, DSA, X25519, …). */
export interface UnsupportedPublicKey {
  readonly type: 'unsupported'
  /** `ec` for an EC key on a curve we lack (the reference would still use it), else `other`. */
  readonly family: 'ec' | 'other'
  readonly description: string
}

export type ParsedPublicKey = PublicMaterial | UnsupportedPublicKey

/** Parses SubjectPublicKeyInfo DER. Throws `CoreError` `key` when malformed. */
export function parseSpki(der: Uint8Array, what = 'public key'): ParsedPublicKey {
  try {
    const spki = readSingle(der, TAG.SEQUENCE, `${what} (SubjectPublicKeyInfo)`)
    const algorithm = spki.sequence('AlgorithmIdentifier')
    const oid = algorithm.oid('algorithm')
    const keyBits = () => spki.bitString('subjectPublicKey')
    switch (oid) {
      case OID.rsaEncryption:
      case OID.rsassaPss: {
        // rsaEncryption carries NULL (or, leniently as OpenSSL, nothing); id-RSASSA-PSS may carry
        // restrictions, which the reference ignores when it treats the key as plain RSA.
        const bits = keyBits()
        spki.end(what)
        return parseRsaPublicKey(bits, what)
      }
      case OID.ecPublicKey: {
        if (algorithm.peekTag() !== TAG.OID) {
          throw new CoreError('key', `${what}: EC keys with explicit curve parameters are not supported (cryptography 38 refuses them too)`)
        }
        const curveOid = algorithm.oid('namedCurve')
        algorithm.end('AlgorithmIdentifier')
        const point = keyBits()
        spki.end(what)
        const curve = curveByOid(curveOid)
        if (!curve) return { type: 'unsupported', family: 'ec', description: `an EC key on the curve ${curveOid} (only P-256, P-384 and P-521 are supported)` }
        return { type: 'ecdsa', curve, point: normalizePoint(curve, point, what) }
      }
      case OID.ed25519: {
        // RFC 8410 §3: the parameters MUST be absent. rebuilderd serves its keys as in-toto-rs's
        // `crypto::write_spki` (from rust-tuf) writes them, with an explicit NULL: exactly that
        // one deviation is accepted, so those keys import. Any other parameter is refused.
        if (!algorithm.done) algorithm.null('Ed25519 AlgorithmIdentifier parameters (absent, or NULL as rebuilderd writes them)')
        algorithm.end('AlgorithmIdentifier')
        const raw = keyBits()
        spki.end(what)
        if (raw.length !== 32) throw new CoreError('key', `${what}: an Ed25519 public key must be 32 bytes, not ${raw.length}`)
        return { type: 'ed25519', raw: new Uint8Array(raw) }
      }
      default:
        return { type: 'unsupported', family: 'other', description: `a key of algorithm ${oid}` }
    }
  } catch (error) {
    throw asKeyError(error, what)
  }
}

/** Parses PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`. */
export function parseRsaPublicKey(der: Uint8Array, what = 'RSA public key'): PublicMaterial {
  try {
    const seq = readSingle(der, TAG.SEQUENCE, `${what} (RSAPublicKey)`)
    const n = seq.integer('modulus')
    const e = seq.integer('publicExponent')
    seq.end('RSAPublicKey')
    if (n <= 0n || e <= 0n) throw new CoreError('key', `${what}: RSA modulus and exponent must be positive`)
    return { type: 'rsa', n, e }
  } catch (error) {
    throw asKeyError(error, what)
  }
}

/** Validates an EC point (on the curve, not infinity) and returns it uncompressed. */
export function normalizePoint(curve: Curve, point: Uint8Array, what: string): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(curve.Point.fromBytes(point).toBytes(false))
  } catch (cause) {
    throw new CoreError('key', `${what}: not a valid ${curve.name} point`, { cause })
  }
}

/** SubjectPublicKeyInfo DER, encoded as OpenSSL / `cryptography` write it. */
export function encodeSpki(material: PublicMaterial): Uint8Array<ArrayBuffer> {
  switch (material.type) {
    case 'rsa':
      return encodeSequence(encodeSequence(encodeOid(OID.rsaEncryption), encodeNull()), encodeBitString(encodeSequence(encodeInteger(material.n), encodeInteger(material.e))))
    case 'ecdsa':
      return encodeSequence(encodeSequence(encodeOid(OID.ecPublicKey), encodeOid(material.curve.oid)), encodeBitString(material.point))
    case 'ed25519':
      return encodeSequence(encodeSequence(encodeOid(OID.ed25519)), encodeBitString(material.raw))
  }
}

/** SPKI PEM as `cryptography` writes it (64-column lines), with or without the final newline. */
export function spkiPem(material: PublicMaterial, trailingNewline: boolean): string {
  return encodePem('PUBLIC KEY', encodeSpki(material), trailingNewline)
}

/**
 * Loads a PEM public key the way the reference does when it verifies (`load_pem_public_key`):
 * the first `PUBLIC KEY` block, else the first PKCS#1 `RSA PUBLIC KEY` block. Throws
 * `CoreError` `key` when neither exists or the DER is malformed.
 */
export function loadPublicKeyPem(text: string, what = 'public key'): ParsedPublicKey {
  const spki = findPemBlock(text, ['PUBLIC KEY'], what)
  if (spki) return parseSpki(spki.der, what)
  const pkcs1 = findPemBlock(text, ['RSA PUBLIC KEY'], what)
  if (pkcs1) return parseRsaPublicKey(pkcs1.der, what)
  throw new CoreError('key', `${what} is not a PEM public key (no "-----BEGIN PUBLIC KEY-----" block)`)
}

function asKeyError(error: unknown, what: string): unknown {
  if (error instanceof DerError) return new CoreError('key', `${what}: malformed DER: ${error.message}`, { cause: error })
  return error
}
