/**
 * The cryptographic check of an OpenPGP signature, once its digest is known (RFC 4880 5.2.4:
 * the hash of the signed data, the hashed header and the trailer `04 FF ‖ be32(length)`).
 *
 * - RSA: PKCS#1 v1.5 over the digest with OpenSSL's acceptance rules, by the core's own
 *   verifier (`crypto/rsa.ts:verifyPkcs1v15`, the one the `rsa-pkcs1v15-*` schemes use); the
 *   signature is left-padded with zeros to the modulus length first, as securesystemslib does
 *   (`gpg/rsa.py:verify_signature`), and one longer than the modulus does not verify.
 *   WebCrypto would do the same arithmetic but with its own limits on keys (Chromium refuses
 *   some exponents and sizes OpenSSL takes), so the reference's verdicts come from ours.
 * - DSA: FIPS 186-4 with BigInt (`crypto/dsa.ts`).
 * - EdDSA: Ed25519 over the 32-byte *digest*, not over the data (`gpg/eddsa.py`), R and S each
 *   left-padded to 32 bytes.
 *
 * Key material that the reference cannot load (cryptography raises `ValueError`) is a
 * {@link SignatureKeyError}; callers decide whether that is fatal.
 */
import { digestBytes, type DigestName } from '../crypto/digest.ts'
import { checkDsaKey, DsaKeyError, verifyDsa } from '../crypto/dsa.ts'
import { createEd25519Verifier } from '../crypto/ed25519.ts'
import { verifyPkcs1v15 } from '../crypto/rsa.ts'
import { bytesToBigInt } from '../encoding/bigint.ts'
import type { PublicParams } from './public-key.ts'

export class SignatureKeyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SignatureKeyError'
  }
}

/**
 * The digest a version 4 signature signs (RFC 4880 5.2.4): `hash(data ‖ hashedHeader ‖ 04 FF ‖
 * be32(len(hashedHeader)))`, with securesystemslib `gpg/util.py:hash_object`'s exact layout.
 */
export async function signatureDigest(hash: DigestName, data: Uint8Array, hashedHeader: Uint8Array): Promise<Uint8Array> {
  const length = hashedHeader.length
  const message = new Uint8Array(data.length + length + 6)
  message.set(data, 0)
  message.set(hashedHeader, data.length)
  message.set([0x04, 0xff, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff], data.length + length)
  return digestBytes(hash, message)
}

/** A signature's values: RSA's one integer, DSA's and EdDSA's (r, s). */
export type SignatureValues = { readonly type: 'rsa'; readonly s: Uint8Array } | { readonly type: 'dsa' | 'eddsa'; readonly r: Uint8Array; readonly s: Uint8Array }

/**
 * Whether `values` sign `digest` under `params`. `hash` names the digest for RSA's DigestInfo.
 * Throws {@link SignatureKeyError} for key material the reference cannot load.
 */
export async function verifyDigest(params: PublicParams, hash: DigestName, digest: Uint8Array, values: SignatureValues): Promise<boolean> {
  if (values.type !== params.type) return false
  switch (params.type) {
    case 'rsa': {
      const n = bytesToBigInt(params.n)
      const e = bytesToBigInt(params.e)
      // cryptography `_check_public_key_components`: the key does not load otherwise.
      if (n < 3n || e < 3n || e >= n || (e & 1n) === 0n) throw new SignatureKeyError('the RSA key is not usable (cryptography requires n ≥ 3 and an odd e with 3 ≤ e < n)')
      const s = (values as { s: Uint8Array }).s
      const k = params.n.length
      if (s.length > k) return false
      const padded = new Uint8Array(k)
      padded.set(s, k - s.length)
      return verifyPkcs1v15({ n, e }, hash, digest, padded)
    }
    case 'dsa': {
      const key = { p: bytesToBigInt(params.p), q: bytesToBigInt(params.q), g: bytesToBigInt(params.g), y: bytesToBigInt(params.y) }
      try {
        checkDsaKey(key)
      } catch (error) {
        if (error instanceof DsaKeyError) throw new SignatureKeyError(`the DSA key is not usable: ${error.message}`)
        throw error
      }
      const { r, s } = values as { r: Uint8Array; s: Uint8Array }
      return verifyDsa(key, digest, bytesToBigInt(r), bytesToBigInt(s))
    }
    case 'eddsa': {
      const { r, s } = values as { r: Uint8Array; s: Uint8Array }
      if (r.length > 32 || s.length > 32) return false
      const signature = new Uint8Array(64)
      signature.set(r, 32 - r.length)
      signature.set(s, 64 - s.length)
      const verify = await createEd25519Verifier(params.q)
      return verify(signature, digest)
    }
  }
}
