/**
 * Signing keys built from parsed private material, producing what the reference writes
 * (securesystemslib 0.26 `keys.create_signature`):
 * - ed25519: the 64-byte RFC 8032 signature (deterministic, so byte-identical to PyNaCl's);
 * - rsa: RSASSA-PSS with MGF1 of the same hash and salt length = digest length
 *   (`padding.PSS.DIGEST_LENGTH`), or RSASSA-PKCS1-v1_5, per the key's scheme;
 * - ecdsa: DER `SEQUENCE { r, s }` over SHA-256 (`ecdsa-sha2-nistp256`) or SHA-384.
 *
 * WebCrypto does the private-key operations; the CryptoKey is imported on first use. WebCrypto
 * cannot sign with MD5 or SHA-224, so keys with those RSA schemes can be imported and exported
 * but not used to sign.
 */
import { p1363ToDerSignature } from '../crypto/ecdsa.ts'
import { createEd25519Signer } from '../crypto/ed25519.ts'
import { DIGEST_LENGTH, WEBCRYPTO_DIGEST } from '../crypto/digest.ts'
import { signatureSchemeOf } from './signature.ts'
import { asBufferSource, requireSubtle } from '../crypto/webcrypto.ts'
import { CoreError } from '../errors.ts'
import type { PrivateMaterial } from './material.ts'
import { encodePkcs8 } from './private-der.ts'
import type { PrivateKey, PublicKey } from './types.ts'

export function createPrivateKey(material: PrivateMaterial, publicKey: PublicKey): PrivateKey {
  let signer: Promise<(data: Uint8Array) => Promise<Uint8Array>> | undefined
  return Object.freeze({
    algorithm: material.type,
    publicKey: Object.freeze({ ...publicKey }),
    async sign(data: Uint8Array): Promise<Uint8Array> {
      signer ??= createSigner(material, publicKey)
      // A failed import (unsupported scheme) should fail again next time, not stay cached silently.
      signer.catch(() => {
        signer = undefined
      })
      return (await signer)(data)
    },
    exportPkcs8: () => encodePkcs8(material),
  })
}

async function createSigner(material: PrivateMaterial, publicKey: PublicKey): Promise<(data: Uint8Array) => Promise<Uint8Array>> {
  const scheme = signatureSchemeOf(publicKey.keytype, publicKey.scheme)
  if (scheme.family !== material.type) {
    throw new CoreError('key', `key ${publicKey.keyid} has keytype ${publicKey.keytype} but holds ${material.type} key material`)
  }
  if (scheme.family === 'ed25519' && material.type === 'ed25519') return createEd25519Signer(material.seed)

  const subtle = requireSubtle(`signing with an ${material.type} key`)
  const pkcs8 = encodePkcs8(material)
  if (scheme.family === 'rsa') {
    const hash = WEBCRYPTO_DIGEST[scheme.hash]
    if (!hash || scheme.hash === 'sha224') {
      throw new CoreError('unsupported-algorithm', `cannot sign with scheme ${publicKey.scheme}: WebCrypto has no ${scheme.hash.toUpperCase()} (use rsassa-pss-sha256)`)
    }
    const name = scheme.padding === 'pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5'
    const key = await subtle.importKey('pkcs8', pkcs8, { name, hash }, false, ['sign'])
    const params = scheme.padding === 'pss' ? { name, saltLength: DIGEST_LENGTH[scheme.hash] } : { name }
    return async (data) => new Uint8Array(await subtle.sign(params, key, asBufferSource(data)))
  }
  if (scheme.family === 'ecdsa' && material.type === 'ecdsa') {
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: material.curve.name }, false, ['sign'])
    const params = { name: 'ECDSA', hash: scheme.hash === 'sha256' ? 'SHA-256' : 'SHA-384' }
    return async (data) => p1363ToDerSignature(new Uint8Array(await subtle.sign(params, key, asBufferSource(data))))
  }
  throw new CoreError('key', `cannot sign with key ${publicKey.keyid}`)
}
