/** The elliptic curves of ECDSA keys (NIST P-256, P-384, P-521) and what each needs. */
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
