/**
 * Version 4 signature packets (RFC 4880 5.2.3; RFC 9580 5.2.3) and the subpackets that matter
 * for keys: creation time, key and signature expiration, issuer, key flags, primary user ID,
 * revocation reason, embedded signature (a signing subkey's back signature).
 *
 * Subpacket types are read with the critical bit masked off (RFC 4880 5.2.3.1: bit 7 is a flag,
 * the type is bits 0–6). securesystemslib 0.26 compares the whole octet
 * (`gpg/common.py:parse_signature_packet`), so a key whose creation-time subpacket is marked
 * critical (as Sequoia writes it) loses all its self-signatures there. An unknown subpacket
 * marked critical makes the signature unusable, as RFC 4880 5.2.3.1 says it should.
 */
import { bytesToHex } from '../encoding/hex.ts'
import { Cursor, OpenPgpFormatError } from './cursor.ts'

export const SIGNATURE_TYPE = {
  binary: 0x00,
  text: 0x01,
  genericCertification: 0x10,
  personaCertification: 0x11,
  casualCertification: 0x12,
  positiveCertification: 0x13,
  subkeyBinding: 0x18,
  primaryKeyBinding: 0x19,
  directKey: 0x1f,
  keyRevocation: 0x20,
  subkeyRevocation: 0x28,
  certificationRevocation: 0x30,
} as const

export const CERTIFICATION_TYPES: ReadonlySet<number> = new Set([0x10, 0x11, 0x12, 0x13])

/** RFC 4880 9.4 hash algorithm ids → our digest names; MD5 and RIPEMD-160 are not accepted. */
export const HASH_ALGORITHM: Readonly<Record<number, 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha224'>> = {
  2: 'sha1',
  8: 'sha256',
  9: 'sha384',
  10: 'sha512',
  11: 'sha224',
}

export const SUBPACKET = {
  creationTime: 2,
  signatureExpiration: 3,
  exportable: 4,
  trust: 5,
  regex: 6,
  revocable: 7,
  keyExpiration: 9,
  placeholder: 10,
  preferredSymmetric: 11,
  revocationKey: 12,
  issuer: 16,
  notation: 20,
  preferredHash: 21,
  preferredCompression: 22,
  keyServerPreferences: 23,
  preferredKeyServer: 24,
  primaryUserId: 25,
  policyUri: 26,
  keyFlags: 27,
  signersUserId: 28,
  revocationReason: 29,
  features: 30,
  signatureTarget: 31,
  embeddedSignature: 32,
  issuerFingerprint: 33,
  preferredAead: 34,
  intendedRecipient: 35,
  attestedCertifications: 37,
  keyBlock: 38,
  preferredAeadCiphersuites: 39,
} as const

const KNOWN_SUBPACKETS: ReadonlySet<number> = new Set(Object.values(SUBPACKET))

/** Key flags (RFC 4880 5.2.3.21). */
export const KEY_FLAG = { certify: 0x01, sign: 0x02, encryptCommunications: 0x04, encryptStorage: 0x08, authenticate: 0x20 } as const

export interface Subpacket {
  readonly type: number
  readonly critical: boolean
  readonly data: Uint8Array
}

export interface SignaturePacket {
  readonly type: number
  readonly publicKeyAlgorithm: number
  readonly hashAlgorithm: number
  /**
   * Version octet through the hashed subpackets: what the hash covers after the signed data
   * (RFC 4880 5.2.4), and what securesystemslib calls `other_headers`.
   */
  readonly hashedHeader: Uint8Array
  readonly hashed: readonly Subpacket[]
  readonly unhashed: readonly Subpacket[]
  /** The left 16 bits of the signed hash, for a quick rejection. */
  readonly hashPrefix: Uint8Array
  /** The algorithm-specific MPIs, as written. */
  readonly mpis: readonly Uint8Array[]
  // What the subpackets say (hashed ones only, except the issuer hints).
  readonly created?: number
  /** Seconds after creation; 0 or absent: does not expire. */
  readonly signatureExpiration?: number
  /** Seconds after the key's creation; 0 or absent: does not expire. */
  readonly keyExpiration?: number
  readonly keyFlags?: number
  readonly primaryUserId?: boolean
  readonly revocationReason?: { readonly code: number; readonly text: string }
  readonly revocable?: boolean
  /** Lowercase hex issuer fingerprint (subpacket 33) or 64-bit issuer keyid (16), hashed or not. */
  readonly issuerFingerprint?: string
  readonly issuerKeyId?: string
  /** Embedded signatures (subpacket 32): a signing subkey's primary-key binding. */
  readonly embedded: readonly Uint8Array[]
  /** Types of unknown subpackets marked critical in the hashed area: the signature is unusable. */
  readonly unknownCritical: readonly number[]
}

/** How many MPIs each signature algorithm writes. */
const SIGNATURE_MPIS: Readonly<Record<number, number>> = { 1: 1, 3: 1, 17: 2, 19: 2, 22: 2 }

/**
 * Parses a signature packet body. Throws {@link OpenPgpFormatError} for anything that is not a
 * well-formed version 4 signature (other versions included: securesystemslib reads version 4
 * only, and GnuPG writes nothing else for these keys).
 */
export function parseSignaturePacket(body: Uint8Array): SignaturePacket {
  const cursor = new Cursor(body)
  const version = cursor.u8('the version')
  if (version !== 4) throw new OpenPgpFormatError(`version ${version} signatures are not supported (only version 4)`)
  const type = cursor.u8('the signature type')
  const publicKeyAlgorithm = cursor.u8('the public-key algorithm')
  const hashAlgorithm = cursor.u8('the hash algorithm')
  const hashedLength = cursor.u16('the hashed subpacket length')
  const hashedArea = cursor.take(hashedLength, 'the hashed subpackets')
  const hashedHeader = body.subarray(0, cursor.offset)
  const unhashedLength = cursor.u16('the unhashed subpacket length')
  const unhashedArea = cursor.take(unhashedLength, 'the unhashed subpackets')
  const hashPrefix = cursor.take(2, 'the left 16 bits of the hash')
  const count = SIGNATURE_MPIS[publicKeyAlgorithm]
  const mpis: Uint8Array[] = []
  if (count === undefined) {
    // Unknown algorithm: keep the rest as one opaque value; the signature cannot be verified anyway.
    mpis.push(cursor.rest())
  } else {
    for (let i = 0; i < count; i++) mpis.push(cursor.mpi(`signature value ${i + 1}`))
    cursor.end('the signature values')
  }
  const hashed = parseSubpackets(hashedArea, 'hashed')
  const unhashed = parseSubpackets(unhashedArea, 'unhashed')
  return { type, publicKeyAlgorithm, hashAlgorithm, hashedHeader, hashed, unhashed, hashPrefix, mpis, ...interpret(hashed, unhashed) }
}

/** Parses only the hashed header (`other_headers` of a securesystemslib signature object). */
export function parseHashedHeader(
  header: Uint8Array,
): Pick<SignaturePacket, 'type' | 'publicKeyAlgorithm' | 'hashAlgorithm' | 'hashed' | 'created' | 'signatureExpiration' | 'unknownCritical' | 'issuerFingerprint'> {
  const cursor = new Cursor(header)
  const version = cursor.u8('the version')
  if (version !== 4) throw new OpenPgpFormatError(`a version ${version} signature header (only version 4 exists for these keys)`)
  const type = cursor.u8('the signature type')
  const publicKeyAlgorithm = cursor.u8('the public-key algorithm')
  const hashAlgorithm = cursor.u8('the hash algorithm')
  const hashedLength = cursor.u16('the hashed subpacket length')
  const hashed = parseSubpackets(cursor.take(hashedLength, 'the hashed subpackets'), 'hashed')
  cursor.end('the hashed subpackets')
  const meaning = interpret(hashed, [])
  return {
    type,
    publicKeyAlgorithm,
    hashAlgorithm,
    hashed,
    created: meaning.created,
    signatureExpiration: meaning.signatureExpiration,
    unknownCritical: meaning.unknownCritical,
    issuerFingerprint: meaning.issuerFingerprint,
  }
}

function parseSubpackets(area: Uint8Array, which: string): Subpacket[] {
  const cursor = new Cursor(area)
  const out: Subpacket[] = []
  while (!cursor.done) {
    const first = cursor.u8(`the length of a ${which} subpacket`)
    let length: number
    if (first < 192) length = first
    else if (first < 255) length = ((first - 192) << 8) + cursor.u8(`the length of a ${which} subpacket`) + 192
    else length = cursor.u32(`the length of a ${which} subpacket`)
    if (length === 0) throw new OpenPgpFormatError(`a ${which} subpacket of length 0 (it must at least hold its type)`)
    const content = cursor.take(length, `a ${which} subpacket`)
    out.push({ type: content[0]! & 0x7f, critical: (content[0]! & 0x80) !== 0, data: content.subarray(1) })
  }
  return out
}

type Meaning = Omit<SignaturePacket, 'type' | 'publicKeyAlgorithm' | 'hashAlgorithm' | 'hashedHeader' | 'hashed' | 'unhashed' | 'hashPrefix' | 'mpis'>

function interpret(hashed: readonly Subpacket[], unhashed: readonly Subpacket[]): Meaning {
  let created: number | undefined
  let signatureExpiration: number | undefined
  let keyExpiration: number | undefined
  let keyFlags: number | undefined
  let primaryUserId: boolean | undefined
  let revocationReason: { code: number; text: string } | undefined
  let revocable: boolean | undefined
  const embedded: Uint8Array[] = []
  const unknownCritical: number[] = []
  const u32 = (sub: Subpacket, what: string): number => {
    if (sub.data.length !== 4) throw new OpenPgpFormatError(`the ${what} subpacket must hold 4 bytes, not ${sub.data.length}`)
    return new Cursor(sub.data).u32(what)
  }
  // RFC 4880 5.2.4.1: with conflicting subpackets, the last one counts.
  for (const sub of hashed) {
    switch (sub.type) {
      case SUBPACKET.creationTime:
        created = u32(sub, 'signature creation time')
        break
      case SUBPACKET.signatureExpiration:
        signatureExpiration = u32(sub, 'signature expiration time')
        break
      case SUBPACKET.keyExpiration:
        keyExpiration = u32(sub, 'key expiration time')
        break
      case SUBPACKET.keyFlags:
        keyFlags = sub.data[0] ?? 0
        break
      case SUBPACKET.primaryUserId:
        primaryUserId = (sub.data[0] ?? 0) !== 0
        break
      case SUBPACKET.revocationReason:
        revocationReason = { code: sub.data[0] ?? 0, text: new TextDecoder().decode(sub.data.subarray(1)) }
        break
      case SUBPACKET.revocable:
        revocable = (sub.data[0] ?? 1) !== 0
        break
      case SUBPACKET.embeddedSignature:
        embedded.push(sub.data)
        break
      default:
        if (sub.critical && !KNOWN_SUBPACKETS.has(sub.type)) unknownCritical.push(sub.type)
    }
  }
  // Issuer hints may sit in either area (GnuPG puts the 64-bit issuer in the unhashed one).
  let issuerFingerprint: string | undefined
  let issuerKeyId: string | undefined
  for (const sub of [...unhashed, ...hashed]) {
    if (sub.type === SUBPACKET.issuerFingerprint && sub.data.length === 21 && sub.data[0] === 4) issuerFingerprint = bytesToHex(sub.data.subarray(1))
    if (sub.type === SUBPACKET.issuer && sub.data.length === 8) issuerKeyId = bytesToHex(sub.data)
  }
  // A back signature is a signature itself, checked cryptographically: its area does not matter.
  for (const sub of unhashed) if (sub.type === SUBPACKET.embeddedSignature) embedded.push(sub.data)
  return { created, signatureExpiration, keyExpiration, keyFlags, primaryUserId, revocationReason, revocable, issuerFingerprint, issuerKeyId, embedded, unknownCritical }
}
