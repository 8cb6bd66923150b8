/**
 * Version 4 public-key and public-subkey packet bodies (RFC 4880 5.5.2; RFC 9580 5.5.2) and
 * their fingerprints (RFC 4880 12.2: SHA-1 over 0x99, a two-octet length and the body).
 *
 * The algorithms securesystemslib 0.26 handles (`gpg/handlers.py:SUPPORTED_SIGNATURE_ALGORITHMS`):
 * RSA (1), DSA (17) and EdDSA (22) on Ed25519 only (`gpg/eddsa.py`). Other algorithms parse as
 * `unsupported` with their name, so a subkey of such a type can be left out with a reason and a
 * primary key of such a type refused with one.
 */
import { sha1 } from '@noble/hashes/legacy.js'
import { bytesToHex } from '../encoding/hex.ts'
import { bytesEqual } from '../encoding/utf8.ts'
import { Cursor, OpenPgpFormatError } from './cursor.ts'
import { pushAll } from '../arrays.ts'

export const PUBLIC_KEY_ALGORITHM = { rsa: 1, rsaEncryptOnly: 2, rsaSignOnly: 3, elgamal: 16, dsa: 17, ecdh: 18, ecdsa: 19, eddsa: 22 } as const

const ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  1: 'RSA',
  2: 'RSA (encrypt only)',
  3: 'RSA (sign only)',
  16: 'Elgamal',
  17: 'DSA',
  18: 'ECDH',
  19: 'ECDSA',
  20: 'Elgamal (sign and encrypt)',
  22: 'EdDSA',
  25: 'X25519',
  26: 'X448',
  27: 'Ed25519 (RFC 9580)',
  28: 'Ed448',
}

export function publicKeyAlgorithmName(id: number): string {
  return ALGORITHM_NAMES[id] ?? `algorithm ${id}`
}

/** The Ed25519 curve OID 1.3.6.1.4.1.11591.15.1 as written in an EdDSA key packet. */
const ED25519_OID = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01)

/** Key material as the packet holds it: MPIs exactly as written (their hex is what the key object stores). */
export type PublicParams =
  | { readonly type: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly type: 'dsa'; readonly p: Uint8Array; readonly q: Uint8Array; readonly g: Uint8Array; readonly y: Uint8Array }
  /** `q`: the 32-byte Ed25519 public key (the MPI without its 0x40 prefix). */
  | { readonly type: 'eddsa'; readonly q: Uint8Array }

export type KeyType = PublicParams['type']

export interface PublicKeyPacket {
  /** Creation time, seconds since the epoch. */
  readonly created: number
  readonly algorithm: number
  /** Absent when securesystemslib cannot use the key; `unsupported` says why. */
  readonly params?: PublicParams
  readonly unsupported?: string
  /** Lowercase hex V4 fingerprint: the key's keyid in securesystemslib. */
  readonly fingerprint: string
  /** The packet body, which fingerprints and key signatures hash. */
  readonly body: Uint8Array
  /** Size in bits of the modulus (RSA), of p (DSA), 255 for Ed25519. */
  readonly bits?: number
}

/**
 * Parses a public-key or public-subkey packet body. Throws {@link OpenPgpFormatError} for a
 * packet that is not a well-formed version 4 key; returns `unsupported` for a well-formed key
 * of an algorithm securesystemslib does not handle.
 */
export function parsePublicKeyPacket(body: Uint8Array): PublicKeyPacket {
  const cursor = new Cursor(body)
  const version = cursor.u8('the version')
  if (version !== 4) throw new OpenPgpFormatError(`version ${version} keys are not supported (securesystemslib reads version 4 keys only)`)
  // The fingerprint hashes 0x99 and a two-octet length: a longer body cannot have one.
  if (body.length > 0xffff) throw new OpenPgpFormatError(`a ${body.length}-byte key packet is longer than a version 4 key can be`)
  const created = cursor.u32('the creation time')
  const algorithm = cursor.u8('the algorithm')
  const fingerprint = v4Fingerprint(body)
  const base = { created, algorithm, fingerprint, body }
  switch (algorithm) {
    case PUBLIC_KEY_ALGORITHM.rsa: {
      const n = cursor.mpi('the RSA modulus n')
      const e = cursor.mpi('the RSA exponent e')
      cursor.end('the RSA key')
      return { ...base, params: { type: 'rsa', n, e }, bits: mpiBits(n) }
    }
    case PUBLIC_KEY_ALGORITHM.dsa: {
      const p = cursor.mpi('the DSA prime p')
      const q = cursor.mpi('the DSA group order q')
      const g = cursor.mpi('the DSA generator g')
      const y = cursor.mpi('the DSA public value y')
      cursor.end('the DSA key')
      return { ...base, params: { type: 'dsa', p, q, g, y }, bits: mpiBits(p) }
    }
    case PUBLIC_KEY_ALGORITHM.eddsa: {
      const oidLength = cursor.u8('the curve OID length')
      const oid = cursor.take(oidLength, 'the curve OID')
      if (!bytesEqual(oid, ED25519_OID)) return { ...base, unsupported: `EdDSA on a curve other than Ed25519 (OID ${bytesToHex(oid)})` }
      // securesystemslib `gpg/eddsa.py:get_pubkey_params`: a 263-bit MPI, 0x40 then the 32-byte point.
      const point = cursor.mpi('the Ed25519 public key')
      if (point.length !== 33 || point[0] !== 0x40) throw new OpenPgpFormatError('the Ed25519 public key must be 0x40 followed by 32 bytes')
      cursor.end('the Ed25519 key')
      return { ...base, params: { type: 'eddsa', q: point.subarray(1) }, bits: 255 }
    }
    default:
      return { ...base, unsupported: `${publicKeyAlgorithmName(algorithm)} keys are not supported (securesystemslib verifies RSA, DSA and EdDSA only)` }
  }
}

/** The V4 fingerprint (RFC 4880 12.2), lowercase hex. */
export function v4Fingerprint(body: Uint8Array): string {
  return bytesToHex(sha1(keyHashPrefix(body)))
}

/** 0x99 ‖ two-octet length ‖ body: how a key enters the hash of a key signature (RFC 4880 5.2.4). */
export function keyHashPrefix(body: Uint8Array): Uint8Array {
  const framed = new Uint8Array(3 + body.length)
  framed[0] = 0x99
  framed[1] = body.length >> 8
  framed[2] = body.length & 0xff
  framed.set(body, 3)
  return framed
}

/** The V4 key body for key material, as a key packet holds it (to recompute a key object's fingerprint). */
export function publicKeyBody(created: number, params: PublicParams): Uint8Array {
  const parts: number[] = [4, (created >>> 24) & 0xff, (created >>> 16) & 0xff, (created >>> 8) & 0xff, created & 0xff]
  const mpi = (bytes: Uint8Array): void => {
    const bits = mpiBits(bytes)
    parts.push(bits >> 8, bits & 0xff)
    pushAll(parts, bytes)
  }
  switch (params.type) {
    case 'rsa':
      parts.push(PUBLIC_KEY_ALGORITHM.rsa)
      mpi(params.n)
      mpi(params.e)
      break
    case 'dsa':
      parts.push(PUBLIC_KEY_ALGORITHM.dsa)
      mpi(params.p)
      mpi(params.q)
      mpi(params.g)
      mpi(params.y)
      break
    case 'eddsa':
      parts.push(PUBLIC_KEY_ALGORITHM.eddsa, ED25519_OID.length)
      pushAll(parts, ED25519_OID)
      parts.push(0x01, 0x07, 0x40)
      pushAll(parts, params.q)
      break
  }
  return Uint8Array.from(parts)
}

/** Bit length of an MPI's value (leading zero bits not counted). */
export function mpiBits(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!))
}
