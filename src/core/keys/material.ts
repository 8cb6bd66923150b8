/**
 * Parsed key material: the numbers and points inside key files, independent of any file format.
 * Everything that reads a format produces these; everything that writes one consumes them.
 */
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js'
import { p256, p384, p521 } from '@noble/curves/nist.js'
import { OID } from '../asn1/oid.ts'

export type CurveName = 'P-256' | 'P-384' | 'P-521'

export interface Curve {
  /** The WebCrypto `namedCurve`. */
  readonly name: CurveName
  readonly oid: string
  /** Bytes of a field element / scalar: 32, 48, 66. */
  readonly size: number
  /** Group order n. */
  readonly order: bigint
  /** noble point constructor, to validate, decompress and derive points. */
  readonly Point: typeof p256.Point
  /** noble ECDSA: public key derivation, and verification where WebCrypto is missing. */
  readonly noble: ECDSA
}

export const CURVES: Readonly<Record<CurveName, Curve>> = {
  'P-256': { name: 'P-256', oid: OID.secp256r1, size: 32, order: p256.Point.CURVE().n, Point: p256.Point, noble: p256 },
  'P-384': { name: 'P-384', oid: OID.secp384r1, size: 48, order: p384.Point.CURVE().n, Point: p384.Point, noble: p384 },
  'P-521': { name: 'P-521', oid: OID.secp521r1, size: 66, order: p521.Point.CURVE().n, Point: p521.Point, noble: p521 },
}

export function curveByOid(oid: string): Curve | undefined {
  for (const curve of Object.values(CURVES)) if (curve.oid === oid) return curve
  return undefined
}

export interface RsaPublicMaterial {
  readonly type: 'rsa'
  readonly n: bigint
  readonly e: bigint
}

export interface EcdsaPublicMaterial {
  readonly type: 'ecdsa'
  readonly curve: Curve
  /** Uncompressed SEC1 point `04 || x || y`. */
  readonly point: Uint8Array<ArrayBuffer>
}

export interface Ed25519PublicMaterial {
  readonly type: 'ed25519'
  /** The 32-byte encoded point. */
  readonly raw: Uint8Array<ArrayBuffer>
}

export type PublicMaterial = RsaPublicMaterial | EcdsaPublicMaterial | Ed25519PublicMaterial

export interface RsaPrivateMaterial {
  readonly type: 'rsa'
  readonly n: bigint
  readonly e: bigint
  readonly d: bigint
  readonly p: bigint
  readonly q: bigint
  readonly dp: bigint
  readonly dq: bigint
  readonly qi: bigint
}

export interface EcdsaPrivateMaterial {
  readonly type: 'ecdsa'
  readonly curve: Curve
  /** The private scalar, big-endian, exactly `curve.size` bytes. */
  readonly d: Uint8Array<ArrayBuffer>
  /** Uncompressed public point `04 || x || y`, derived from `d`. */
  readonly point: Uint8Array<ArrayBuffer>
}

export interface Ed25519PrivateMaterial {
  readonly type: 'ed25519'
  /** The 32-byte RFC 8032 private key (securesystemslib's "seed", `keyval.private`). */
  readonly seed: Uint8Array<ArrayBuffer>
  readonly publicKey: Uint8Array<ArrayBuffer>
}

export type PrivateMaterial = RsaPrivateMaterial | EcdsaPrivateMaterial | Ed25519PrivateMaterial

export function publicOf(material: PrivateMaterial): PublicMaterial {
  switch (material.type) {
    case 'rsa':
      return { type: 'rsa', n: material.n, e: material.e }
    case 'ecdsa':
      return { type: 'ecdsa', curve: material.curve, point: material.point }
    case 'ed25519':
      return { type: 'ed25519', raw: material.publicKey }
  }
}

// ---------------------------------------------------------------------------------------------
// bigint <-> bytes

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = ''
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, '0')
  return hex === '' ? 0n : BigInt('0x' + hex)
}

/** Big-endian bytes of a non-negative `value`, left-padded to `length` (or minimal without it). */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array<ArrayBuffer> {
  let hex = value.toString(16)
  if (hex.length % 2) hex = '0' + hex
  const minimal = hex.length / 2
  const size = length ?? minimal
  if (minimal > size) throw new RangeError(`integer does not fit in ${size} bytes`)
  const out = new Uint8Array(size)
  for (let i = 0; i < minimal; i++) out[size - minimal + i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length
}
