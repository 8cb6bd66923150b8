/**
 * Legacy OpenSSL PEM encryption (RFC 1421 headers `Proc-Type: 4,ENCRYPTED` and
 * `DEK-Info: AES-256-CBC,<hex IV>` on a `BEGIN RSA PRIVATE KEY` / `BEGIN EC PRIVATE KEY` block).
 *
 * This is what the reference writes for password-protected RSA keys: `in-toto-keygen -p` →
 * securesystemslib `keys.create_rsa_encrypted_pem` → `cryptography` TraditionalOpenSSL with
 * BestAvailableEncryption → OpenSSL `PEM_write_bio_RSAPrivateKey` with AES-256-CBC. The key is
 * `EVP_BytesToKey(MD5, password, salt = IV[0..8], 1 round)`.
 */
import { aesCbcDecrypt } from '../crypto/cipher.ts'
import { evpBytesToKey } from '../crypto/kdf.ts'
import { hexToBytes } from '../encoding/hex.ts'
import { utf8 } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import type { PemBlock } from './pem.ts'

const CIPHER_KEY_LENGTH: Readonly<Record<string, number>> = { 'AES-128-CBC': 16, 'AES-192-CBC': 24, 'AES-256-CBC': 32 }

/** Whether the block carries `Proc-Type: 4,ENCRYPTED`. */
export function isLegacyEncrypted(block: PemBlock): boolean {
  return /^4,\s*ENCRYPTED$/i.test(block.headers.get('Proc-Type') ?? '')
}

/** Decrypts the DER body of a legacy-encrypted block. Wrong password → `CoreError` `decrypt`. */
export async function decryptLegacyPem(block: PemBlock, password: string, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const dekInfo = block.headers.get('DEK-Info')
  if (dekInfo === undefined) throw new CoreError('key', `${what}: encrypted PEM without a DEK-Info header`)
  const [cipher = '', ivHex = ''] = dekInfo.split(',').map((part) => part.trim())
  const keyLength = CIPHER_KEY_LENGTH[cipher.toUpperCase()]
  if (keyLength === undefined) {
    throw new CoreError('unsupported-algorithm', `${what}: unsupported PEM encryption ${cipher} (only AES-128/192/256-CBC; re-encrypt with "openssl pkcs8 -topk8 -v2 aes-256-cbc")`)
  }
  const iv = hexToBytes(ivHex, `${what}: DEK-Info IV`, 'key')
  if (iv.length !== 16) throw new CoreError('key', `${what}: the DEK-Info IV must be 16 bytes`)
  const key = evpBytesToKey(utf8(password), iv.subarray(0, 8), keyLength)
  const plain = await aesCbcDecrypt(key, iv, block.der, what)
  if (plain[0] !== 0x30) throw new CoreError('decrypt', `${what}: decryption failed (wrong password?)`)
  return plain
}
