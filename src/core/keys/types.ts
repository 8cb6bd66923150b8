import type { JsonObject } from '../json/value.ts'
import type { OpenPgpCertificate } from '../openpgp/certificate.ts'

/**
 * Keys as securesystemslib represents them. `public` is `keyval.public` verbatim (hex for
 * ed25519, PEM text for rsa and ecdsa): the keyid is the hash of that exact text.
 */

export interface PublicKey {
  readonly keyid: string
  readonly keytype: string
  readonly scheme: string
  readonly public: string
}

export type KeyAlgorithm = 'ed25519' | 'ecdsa' | 'rsa'

/**
 * An OpenPGP (GPG) public key: the securesystemslib key object a layout lists for it (its keyid
 * is the V4 fingerprint; `subkeys` may sign for it), and, when the key was read from an export
 * (`.asc`, the GnuPG home), its certificate — what makes revocations and capabilities known.
 * Plain data: it crosses to worker threads as it is.
 */
export interface OpenPgpPublicKey {
  readonly kind: 'openpgp'
  readonly keyid: string
  /** The key object (`type`, `method`, `hashes`, `keyval`, `creation_time`, `validity_period`, `subkeys`). */
  readonly keyObject: JsonObject
  readonly certificate?: OpenPgpCertificate
}

/** What checks signatures: a securesystemslib key, or an OpenPGP key. */
export type VerificationKey = PublicKey | OpenPgpPublicKey

export function isOpenPgpKey(key: VerificationKey): key is OpenPgpPublicKey {
  return 'kind' in key && key.kind === 'openpgp'
}

/** A key that can sign. Private material stays inside (a CryptoKey or bytes held privately). */
export interface PrivateKey {
  readonly algorithm: KeyAlgorithm
  /** The matching public key, with its keyid computed as securesystemslib does. */
  readonly publicKey: PublicKey
  /** Signs `data` with the key's scheme; returns the raw signature bytes (DER for ECDSA). */
  sign(data: Uint8Array): Promise<Uint8Array>
  /**
   * The private key as PKCS#8 `PrivateKeyInfo` DER, which every export format is built from.
   * Absent for keys whose material cannot leave their store (a non-extractable WebCrypto key,
   * a hardware token): such keys sign but cannot be exported.
   */
  readonly exportPkcs8?: () => Uint8Array<ArrayBuffer>
}
