/**
 * Every digest an RSA signature scheme of securesystemslib 0.26 can name
 * (`keys.RSA_SIGNATURE_SCHEMES`: md5, sha1, sha224, sha256, sha384, sha512).
 *
 * WebCrypto computes SHA-1 and SHA-256/384/512 natively; it has no MD5 or SHA-224, so those
 * (and everything, where `crypto.subtle` is missing) use @noble/hashes.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js'
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import { asBufferSource, subtleOrUndefined } from './webcrypto.ts'

export type DigestName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

export const DIGEST_LENGTH: Readonly<Record<DigestName, number>> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 }

/** WebCrypto names, for the digests WebCrypto has. */
export const WEBCRYPTO_DIGEST: Readonly<Partial<Record<DigestName, string>>> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }

const NOBLE: Readonly<Record<DigestName, (data: Uint8Array) => Uint8Array>> = { md5, sha1, sha224, sha256, sha384, sha512 }

export function isDigestName(name: string): name is DigestName {
  return Object.hasOwn(DIGEST_LENGTH, name)
}

/** Digest of `data`, natively when WebCrypto has the algorithm. */
export async function digestBytes(name: DigestName, data: Uint8Array): Promise<Uint8Array> {
  const subtle = subtleOrUndefined()
  const native = WEBCRYPTO_DIGEST[name]
  if (subtle && native) return new Uint8Array(await subtle.digest(native, asBufferSource(data)))
  return NOBLE[name](data)
}

/** Synchronous digest (always @noble/hashes); for small inputs such as PSS's M' block. */
export function digestBytesSync(name: DigestName, data: Uint8Array): Uint8Array {
  return NOBLE[name](data)
}
