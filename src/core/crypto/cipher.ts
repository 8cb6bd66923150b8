/**
 * The symmetric primitives of encrypted key files, all via WebCrypto (there is no AES in
 * @noble/hashes): AES-CBC with PKCS#7 padding (PKCS#8 PBES2, legacy OpenSSL PEM), AES-CTR with a
 * full 128-bit counter and HMAC-SHA256 (securesystemslib `rsa_keys._encrypt/_decrypt`, which use
 * `cryptography`'s `modes.CTR(iv)`: the whole IV is the initial counter block).
 */
import { CoreError } from '../errors.ts'
import { asBufferSource, requireSubtle } from './webcrypto.ts'

const PURPOSE = 'encrypted private keys'

export async function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = requireSubtle(PURPOSE)
  const cryptoKey = await subtle.importKey('raw', asBufferSource(key), 'AES-CBC', false, ['encrypt'])
  return new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: asBufferSource(iv) }, cryptoKey, asBufferSource(plaintext)))
}

/** AES-CBC decryption; bad padding (almost always a wrong password) is `CoreError` `decrypt`. */
export async function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = requireSubtle(PURPOSE)
  if (iv.length !== 16) throw new CoreError('key', `${what}: the AES-CBC IV must be 16 bytes, not ${iv.length}`)
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new CoreError('key', `${what}: the encrypted data is not a whole number of AES blocks`)
  const cryptoKey = await subtle.importKey('raw', asBufferSource(key), 'AES-CBC', false, ['decrypt'])
  try {
    return new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv: asBufferSource(iv) }, cryptoKey, asBufferSource(ciphertext)))
  } catch (cause) {
    throw new CoreError('decrypt', `${what}: decryption failed (wrong password?)`, { cause })
  }
}

/** AES-CTR over `data` (encryption and decryption are the same operation). */
export async function aesCtr(key: Uint8Array, counter: Uint8Array, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = requireSubtle(PURPOSE)
  const cryptoKey = await subtle.importKey('raw', asBufferSource(key), 'AES-CTR', false, ['encrypt'])
  return new Uint8Array(await subtle.encrypt({ name: 'AES-CTR', counter: asBufferSource(counter), length: 128 }, cryptoKey, asBufferSource(data)))
}

export async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const subtle = requireSubtle(PURPOSE)
  const cryptoKey = await subtle.importKey('raw', asBufferSource(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, asBufferSource(data)))
}
