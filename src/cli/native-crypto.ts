/**
 * Node's own Ed25519 check for the core (core/crypto/native.ts): the same OpenSSL routine
 * WebCrypto calls in Node, but synchronous and reading the signed bytes in place, where
 * WebCrypto copies each link's megabytes and hands them to a thread pool.
 */
import { createPublicKey, verify } from 'node:crypto'
import { useNativeEd25519 } from '../core/crypto/native.ts'

/** DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export function installNodeCrypto(): void {
  useNativeEd25519((publicKey) => {
    const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    return (signature, message) => {
      try {
        return signature.length === 64 && verify(null, message, key, signature)
      } catch {
        return false
      }
    }
  })
}
