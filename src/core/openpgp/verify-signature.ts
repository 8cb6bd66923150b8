/**
 * Verifying the OpenPGP signatures in-toto documents carry: securesystemslib's signature object
 * `{keyid, other_headers, signature}` (hex; in a DSSE envelope `sig` is the base64 of the same
 * bytes) over `content` — a metablock's canonical `signed` bytes, or a DSSE envelope's PAE —
 * with a GPG key object from a layout or from an imported key.
 *
 * The reference (securesystemslib 0.26 `gpg/functions.py:verify_signature`) does this:
 * 1. the signing key is the subkey whose id is the signature's keyid, else the key itself;
 * 2. `KeyExpirationError` if that key has `creation_time + validity_period < now`;
 * 3. digest = SHA-256(content ‖ other_headers ‖ 04 FF ‖ be32(len(other_headers))) whatever the
 *    header says, then RSA PKCS#1 v1.5 / DSA / Ed25519 over the digest.
 *
 * A correct OpenPGP verifier refuses more, and so does this function (never passing where one
 * would fail): the header must be a version 4 signature of binary data (type 0x00) by the key's
 * algorithm with SHA-256 (what it claims is what a correct verifier would hash with), with a
 * creation time not before the key's, no unknown critical subpacket and no signature expiry in
 * the past; a subkey is only as valid as its primary key (an expired primary expires its
 * subkeys); and where the key's certificate is known (an imported `.asc`, the GnuPG home), a
 * revoked key or subkey, an expiry the key object does not state and a subkey that may not
 * sign are refused too.
 */
import { DerError, decodeInteger, DerReader, TAG } from '../asn1/der.ts'
import { base64ToBytes } from '../encoding/base64.ts'
import { hexToBytes } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import { bigIntToBytes } from '../encoding/bigint.ts'
import { isoDate, type KeyInfo, type OpenPgpCertificate, type Revocation } from './certificate.ts'
import { OpenPgpFormatError } from './cursor.ts'
import { publicParamsOf, rsaPadLength, type GpgKey } from './key-object.ts'
import { PUBLIC_KEY_ALGORITHM, type KeyType } from './public-key.ts'
import { KEY_FLAG, SIGNATURE_TYPE, parseHashedHeader } from './signature-packet.ts'
import { SignatureKeyError, signatureDigest, verifyDigest, type SignatureValues } from './signature-math.ts'

/** An OpenPGP signature as in-toto documents carry it. */
export interface GpgSignatureObject {
  readonly keyid: string
  /** Hex, as written. */
  readonly otherHeaders: string
  /** The signature bytes as written: hex in a metablock, base64 in a DSSE envelope. */
  readonly signature: string
  readonly encoding: 'hex' | 'base64'
}

export type GpgVerdict =
  | { readonly status: 'valid'; readonly signer: string }
  /** `expired`: the reference's `KeyExpirationError` (or a correct verifier's equivalent). */
  | { readonly status: 'invalid' | 'expired' | 'revoked'; readonly signer: string; readonly reason: string }

/** What is known about OpenPGP keys beyond their key objects: their certificates, by fingerprint. */
export type KnownCertificates = ReadonlyMap<string, OpenPgpCertificate>

/** Certificates indexed by the fingerprint of their primary key and of each subkey. */
export function indexCertificates(certificates: readonly OpenPgpCertificate[]): KnownCertificates {
  const index = new Map<string, OpenPgpCertificate>()
  for (const cert of certificates) {
    index.set(cert.primary.fingerprint, cert)
    for (const sub of cert.subkeys) if (sub.fingerprint) index.set(sub.fingerprint, cert)
  }
  return index
}

const ALGORITHM_OF: Readonly<Record<KeyType, number>> = { rsa: PUBLIC_KEY_ALGORITHM.rsa, dsa: PUBLIC_KEY_ALGORITHM.dsa, eddsa: PUBLIC_KEY_ALGORITHM.eddsa }

/**
 * Verifies `signature` over `content` with `key` (its primary key or the subkey the signature
 * names). Returns the verdict; throws `CoreError` where the reference raises something other than
 * a signature or expiry failure (malformed hex: `signature-format`; key numbers it cannot load:
 * `key`), which ends verification.
 */
export async function verifyGpgSignature(
  key: GpgKey,
  signature: GpgSignatureObject,
  content: Uint8Array,
  options: { readonly now: Date; readonly certificates?: KnownCertificates },
): Promise<GpgVerdict> {
  const subkey = key.subkeys.get(signature.keyid)
  const signing = subkey ?? key
  const signer = signing.keyid
  const now = options.now.getTime() / 1000
  const refuse = (status: 'invalid' | 'expired' | 'revoked', reason: string): GpgVerdict => ({ status, signer, reason })

  // securesystemslib `gpg/functions.py:verify_signature`: the signing key's own expiry.
  const expiry = expiredKey(signing, now)
  if (expiry) return refuse('expired', expiry)
  // A subkey cannot outlive its primary key (RFC 4880 5.2.3.6); the reference does not look.
  if (subkey) {
    const primaryExpiry = expiredKey(key, now)
    if (primaryExpiry) return refuse('expired', `its primary key has expired: ${primaryExpiry}`)
  }

  const header = hexToBytes(signature.otherHeaders, `the other_headers of the GPG signature by keyid '${signature.keyid}'`, 'signature-format')
  let params: ReturnType<typeof publicParamsOf>
  try {
    params = publicParamsOf(signing)
  } catch (error) {
    throw error instanceof CoreError ? error : new CoreError('key', String(error))
  }
  const values = signatureValues(signing, signature)

  let parsed: ReturnType<typeof parseHashedHeader>
  try {
    parsed = parseHashedHeader(header)
  } catch (error) {
    if (error instanceof OpenPgpFormatError) return refuse('invalid', `its other_headers are not a version 4 OpenPGP signature header: ${error.message}`)
    throw error
  }
  if (parsed.type !== SIGNATURE_TYPE.binary)
    return refuse('invalid', `it is an OpenPGP signature of type 0x${parsed.type.toString(16).padStart(2, '0')}, not one over binary data (0x00)`)
  if (parsed.publicKeyAlgorithm !== ALGORITHM_OF[signing.type])
    return refuse('invalid', `its header names public-key algorithm ${parsed.publicKeyAlgorithm}, but the key is ${signing.type}`)
  if (parsed.hashAlgorithm !== 8)
    return refuse('invalid', `its header names hash algorithm ${parsed.hashAlgorithm}, not SHA-256 (8), which in-toto signatures are made and checked with`)
  if (parsed.unknownCritical.length > 0) return refuse('invalid', `it has an unknown critical subpacket (type ${parsed.unknownCritical.join(', ')})`)
  if (parsed.created === undefined) return refuse('invalid', 'it has no signature creation time (RFC 4880 5.2.3.4 requires one)')
  if (signing.creationTime !== undefined && parsed.created < signing.creationTime) {
    return refuse('invalid', `it was made on ${isoDate(parsed.created)}, before the key was created (${isoDate(signing.creationTime)})`)
  }
  if (parsed.signatureExpiration && parsed.created + parsed.signatureExpiration < now) {
    return refuse('expired', `the signature itself expired on ${isoDate(parsed.created + parsed.signatureExpiration)}`)
  }

  const known = certificateFacts(options.certificates, key, signing)
  if (known) {
    const problem = knownProblem(known, parsed.created, now, subkey !== undefined)
    if (problem) return refuse(problem.status, problem.reason)
  }

  const digest = await signatureDigest('sha256', content, header)
  if (values === undefined) return refuse('invalid', 'the signature bytes are not a well-formed signature for this kind of key')
  try {
    return (await verifyDigest(params, 'sha256', digest, values)) ? { status: 'valid', signer } : refuse('invalid', 'the signature does not match the signed bytes')
  } catch (error) {
    if (error instanceof SignatureKeyError) throw new CoreError('key', `GPG key ${signing.where}: ${error.message}`)
    throw error
  }
}

function expiredKey(key: GpgKey, now: number): string | undefined {
  // `creation_time and validity_period and …`: 0 or absent means it does not expire.
  if (!key.creationTime || !key.validityPeriod) return undefined
  const end = key.creationTime + key.validityPeriod
  if (end >= now) return undefined
  return `GPG key '${key.keyid}' created on ${isoDate(key.creationTime)} with a validity period of ${describeDuration(key.validityPeriod)} expired on ${isoDate(end)}`
}

/**
 * The signature bytes as the reference hands them to cryptography: RSA padded to the modulus
 * length (`len(n)` hex digits), DSA as DER `SEQUENCE {r, s}` (strict: OpenSSL re-encodes and
 * compares), EdDSA as R ‖ S (64 bytes). `undefined`: a clean "does not verify".
 */
function signatureValues(key: GpgKey, signature: GpgSignatureObject): SignatureValues | undefined {
  const what = `the GPG signature by keyid '${signature.keyid}'`
  let bytes: Uint8Array
  if (signature.encoding === 'base64') bytes = base64ToBytes(signature.signature, what)
  else if (key.type === 'rsa') {
    const padLength = rsaPadLength(key)
    bytes = hexToBytes(signature.signature.padStart(padLength, '0'), what, 'signature-format')
  } else bytes = hexToBytes(signature.signature, what, 'signature-format')
  switch (key.type) {
    case 'rsa':
      return { type: 'rsa', s: bytes }
    case 'dsa':
      return dsaValues(bytes)
    case 'eddsa':
      return bytes.length === 64 ? { type: 'eddsa', r: bytes.subarray(0, 32), s: bytes.subarray(32) } : undefined
  }
}

function dsaValues(der: Uint8Array): SignatureValues | undefined {
  try {
    const outer = new DerReader(der)
    const sequence = outer.sequence('DSA signature')
    outer.end('DSA signature')
    const r = decodeInteger(sequence.next(TAG.INTEGER, 'r').contents, 'r')
    const s = decodeInteger(sequence.next(TAG.INTEGER, 's').contents, 's')
    sequence.end('DSA signature')
    if (r < 0n || s < 0n) return undefined
    return { type: 'dsa', r: bigIntToBytes(r), s: bigIntToBytes(s) }
  } catch (error) {
    if (error instanceof DerError) return undefined
    throw error
  }
}

interface Facts {
  readonly primary: KeyInfo
  readonly signing: KeyInfo | undefined
  readonly subkeyLeftOut?: string
}

function certificateFacts(certificates: KnownCertificates | undefined, key: GpgKey, signing: GpgKey): Facts | undefined {
  const cert = certificates?.get(key.keyid)
  if (cert === undefined || cert.primary.fingerprint !== key.keyid) return undefined
  if (signing === key) return { primary: cert.primary, signing: cert.primary }
  const sub = cert.subkeys.find((candidate) => candidate.fingerprint === signing.keyid)
  return { primary: cert.primary, signing: sub, subkeyLeftOut: sub && !sub.inKeyObject ? sub.leftOut : undefined }
}

function knownProblem(facts: Facts, created: number, now: number, isSubkey: boolean): { status: 'expired' | 'revoked' | 'invalid'; reason: string } | undefined {
  for (const [info, which] of [
    [facts.primary, isSubkey ? 'its primary key' : 'the key'],
    [facts.signing, 'the signing subkey'],
  ] as const) {
    if (info === undefined || (which === 'the signing subkey' && !isSubkey)) continue
    if (info.revocation && revokes(info.revocation, created)) {
      return { status: 'revoked', reason: `${which} ${info.fingerprint} was revoked on ${isoDate(info.revocation.created)} (${describeRevocation(info.revocation)})` }
    }
    if (info.expires !== undefined && info.expires < now) return { status: 'expired', reason: `${which} ${info.fingerprint} expired on ${isoDate(info.expires)}` }
  }
  if (isSubkey) {
    if (facts.signing === undefined) return undefined
    if (facts.subkeyLeftOut) return { status: 'invalid', reason: `the signing subkey ${facts.signing.fingerprint} is not usable: ${facts.subkeyLeftOut}` }
    if (facts.signing.flags !== undefined && !(facts.signing.flags & KEY_FLAG.sign)) {
      return { status: 'invalid', reason: `the subkey ${facts.signing.fingerprint} is not a signing key (its key flags do not allow signing)` }
    }
  } else if (facts.primary.flags !== undefined && !(facts.primary.flags & KEY_FLAG.sign)) {
    return { status: 'invalid', reason: `the key ${facts.primary.fingerprint} may only certify, not sign (its key flags)` }
  }
  return undefined
}

/** A hard revocation voids every signature; a soft one those made at or after it. */
function revokes(revocation: Revocation, signatureCreated: number): boolean {
  return revocation.hard || signatureCreated >= revocation.created
}

function describeRevocation(revocation: Revocation): string {
  return revocation.description ? `${revocation.reason}: ${revocation.description}` : revocation.reason
}

/** Python's `str(datetime.timedelta(seconds=…))` shape, e.g. `1 day, 0:00:00`. */
function describeDuration(seconds: number): string {
  const days = Math.floor(seconds / 86400)
  const rest = seconds % 86400
  const clock = `${Math.floor(rest / 3600)}:${String(Math.floor((rest % 3600) / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock
}
