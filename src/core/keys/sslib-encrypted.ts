/**
 * securesystemslib's own encrypted key file format (0.26 `keys.encrypt_key`/`decrypt_key` →
 * `rsa_keys._encrypt`/`_decrypt`), used for password-protected ed25519 and ecdsa key files:
 *
 *   hex(salt) @@@@ iterations @@@@ hex(HMAC-SHA256(key, ciphertext)) @@@@ hex(iv) @@@@ hex(ciphertext)
 *
 * key = PBKDF2-HMAC-SHA256(password, salt, iterations, 32 bytes); ciphertext = AES-256-CTR(key,
 * iv as the initial 128-bit counter block) of `json.dumps(key_object)`. The HMAC is checked
 * (as lowercase hex text) before decrypting; a mismatch means a wrong password.
 */
import { aesCtr, hmacSha256 } from '../crypto/cipher.ts'
import { pbkdf2 } from '../crypto/kdf.ts'
import { randomBytes } from '../crypto/webcrypto.ts'
import { bytesToHex, hexToBytes } from '../encoding/hex.ts'
import { utf8 } from '../encoding/utf8.ts'
import { decodeUtf8 } from '../json/parse.ts'
import { CoreError } from '../errors.ts'
import { DEFAULT_PBKDF2_ITERATIONS } from './pbes2.ts'

const DELIMITER = '@@@@'
const SHAPE = /^[0-9a-fA-F]+@@@@\s*[0-9]+\s*@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]+@@@@[0-9a-fA-F]*$/

/** Whether `text` looks like a securesystemslib encrypted key file. */
export function isSslibEncrypted(text: string): boolean {
  return SHAPE.test(text.trim())
}

/** Decrypts to the key object's JSON text. Wrong password → `CoreError` `decrypt`. */
export async function sslibDecrypt(text: string, password: string, what: string): Promise<string> {
  const parts = text.trim().split(DELIMITER)
  if (parts.length !== 5) throw new CoreError('key', `${what}: not a securesystemslib encrypted key file ("Invalid encrypted file.")`)
  const [saltHex, iterationsText, hmacHex, ivHex, ciphertextHex] = parts as [string, string, string, string, string]
  const salt = hexToBytes(saltHex, `${what}: salt`, 'key')
  const iterations = Number(iterationsText.trim())
  const iv = hexToBytes(ivHex, `${what}: IV`, 'key')
  const ciphertext = hexToBytes(ciphertextHex, `${what}: ciphertext`, 'key')
  if (iv.length !== 16) throw new CoreError('key', `${what}: the IV must be 16 bytes, not ${iv.length}`)
  const key = await pbkdf2(utf8(password), salt, iterations, 32, 'sha256')
  // util.digests_are_equal(generated_hmac.decode(), read_hmac): compares the hex text.
  if (bytesToHex(await hmacSha256(key, ciphertext)) !== hmacHex) {
    throw new CoreError('decrypt', `${what}: decryption failed (wrong password?)`)
  }
  const plain = await aesCtr(key, iv, ciphertext)
  return decodeUtf8(plain, undefined)
}

/** Encrypts a key object's JSON text in the format above. */
export async function sslibEncrypt(json: string, password: string, iterations = DEFAULT_PBKDF2_ITERATIONS): Promise<string> {
  const salt = randomBytes(16)
  const iv = randomBytes(16)
  const key = await pbkdf2(utf8(password), salt, iterations, 32, 'sha256')
  const ciphertext = await aesCtr(key, iv, utf8(json))
  const hmac = await hmacSha256(key, ciphertext)
  return [bytesToHex(salt), String(iterations), bytesToHex(hmac), bytesToHex(iv), bytesToHex(ciphertext)].join(DELIMITER)
}
