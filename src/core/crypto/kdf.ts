/**
 * Password-based key derivation for encrypted key files:
 * - PBKDF2 (RFC 8018 §5.2) for PBES2-encrypted PKCS#8 and securesystemslib's own format
 *   (`rsa_keys._generate_derived_key`: PBKDF2-HMAC-SHA256, 32 bytes);
 * - scrypt (RFC 7914), the other PBES2 KDF OpenSSL writes (`openssl pkcs8 -scrypt`);
 * - OpenSSL `EVP_BytesToKey` with MD5 and one round, the key derivation of legacy
 *   `Proc-Type: 4,ENCRYPTED` PEM (what `cryptography`'s TraditionalOpenSSL + BestAvailableEncryption,
 *   and hence `in-toto-keygen -p` for RSA, writes).
 *
 * PBKDF2 runs natively in WebCrypto (SHA-1/256/384/512); SHA-224 and scrypt use @noble/hashes.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js'
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js'
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import { concatBytes } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import { WEBCRYPTO_DIGEST } from './digest.ts'
import { asBufferSource, subtleOrUndefined } from './webcrypto.ts'

export type PrfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

/**
 * Refuse work factors far beyond anything a tool writes (OpenSSL: 2,048 PBKDF2 iterations or
 * scrypt N=16384; securesystemslib: 100,000; we write 600,000), so a hostile file cannot freeze
 * the page for minutes.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000
const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024

const NOBLE_PRF = { sha1, sha224, sha256, sha384, sha512 } as const

export async function pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, keyLength: number, prf: PrfHash): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new CoreError('key', `invalid PBKDF2 iteration count ${iterations}`)
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new CoreError('key', `PBKDF2 iteration count ${iterations} exceeds the supported maximum of ${MAX_PBKDF2_ITERATIONS}`)
  }
  const subtle = subtleOrUndefined()
  const native = WEBCRYPTO_DIGEST[prf]
  if (subtle && native) {
    const base = await subtle.importKey('raw', asBufferSource(password), 'PBKDF2', false, ['deriveBits'])
    const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: native, salt: asBufferSource(salt), iterations }, base, keyLength * 8)
    return new Uint8Array(bits)
  }
  return new Uint8Array(await pbkdf2Async(NOBLE_PRF[prf], password, salt, { c: iterations, dkLen: keyLength }))
}

export async function scrypt(
  password: Uint8Array,
  salt: Uint8Array,
  params: { readonly N: number; readonly r: number; readonly p: number },
  keyLength: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const { N, r, p } = params
  if (128 * N * r + 128 * r * p > MAX_SCRYPT_MEMORY) {
    throw new CoreError('key', `scrypt parameters N=${N}, r=${r}, p=${p} need more memory than the supported 1 GiB`)
  }
  try {
    return new Uint8Array(await scryptAsync(password, salt, { N, r, p, dkLen: keyLength, maxmem: MAX_SCRYPT_MEMORY + 1024 }))
  } catch (cause) {
    throw new CoreError('key', `invalid scrypt parameters N=${N}, r=${r}, p=${p}`, { cause })
  }
}

/**
 * OpenSSL `EVP_BytesToKey(cipher, EVP_md5(), salt, password, count=1)`:
 * D_i = MD5(D_{i-1} ‖ password ‖ salt), key = D_1 ‖ D_2 ‖ … truncated. The salt is the first 8
 * bytes of the IV (`PEM_do_header`).
 */
export function evpBytesToKey(password: Uint8Array, salt: Uint8Array, keyLength: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(keyLength)
  let previous = new Uint8Array(0)
  for (let offset = 0; offset < keyLength; offset += 16) {
    previous = md5(concatBytes(previous, password, salt)) as Uint8Array<ArrayBuffer>
    out.set(previous.subarray(0, Math.min(16, keyLength - offset)), offset)
  }
  return out
}
