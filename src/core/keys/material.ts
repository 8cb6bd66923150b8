/**
 * Parsed key material: the numbers and points inside key files, independent of any file format.
 * Everything that reads a format produces these; everything that writes one consumes them.
 */
import type { Curve } from '../crypto/curves.ts'

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
