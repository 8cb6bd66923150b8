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
