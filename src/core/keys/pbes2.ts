/**
 * Encrypted PKCS#8 (`-----BEGIN ENCRYPTED PRIVATE KEY-----`, RFC 5958 `EncryptedPrivateKeyInfo`)
 * with PBES2 (RFC 8018 §6.2): PBKDF2 (HMAC-SHA1/224/256/384/512) or scrypt (RFC 7914), and
 * AES-128/192/256-CBC. That covers `openssl pkcs8 -topk8 [-v2 aes-256-cbc] [-scrypt]`,
 * `openssl pkey -aes256`, and `cryptography`'s `BestAvailableEncryption` with PKCS8.
 */
import { DerError, type DerReader, TAG, encodeInteger, encodeNull, encodeOctetString, encodeOid, encodeSequence, readSingle } from '../asn1/der.ts'
import { OID } from '../asn1/oid.ts'
import { aesCbcDecrypt, aesCbcEncrypt } from '../crypto/cipher.ts'
import { pbkdf2, scrypt, type PrfHash } from '../crypto/kdf.ts'
import { randomBytes } from '../crypto/webcrypto.ts'
import { utf8 } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'

const AES_KEY_LENGTH: Readonly<Record<string, number>> = { [OID.aes128Cbc]: 16, [OID.aes192Cbc]: 24, [OID.aes256Cbc]: 32 }

const PRF_BY_OID: Readonly<Record<string, PrfHash>> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
}

/** Default PBKDF2 work factor for keys we encrypt (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
export const DEFAULT_PBKDF2_ITERATIONS = 600_000

/**
 * Decrypts `EncryptedPrivateKeyInfo` DER to the inner `PrivateKeyInfo` DER. A wrong password
 * is `CoreError` `decrypt`; unsupported schemes are `unsupported-algorithm`.
 */
export async function decryptPkcs8(der: Uint8Array, password: string, what: string): Promise<Uint8Array<ArrayBuffer>> {
  let parsed: ReturnType<typeof parseEncryptedPrivateKeyInfo>
  try {
    parsed = parseEncryptedPrivateKeyInfo(der, what)
  } catch (error) {
    if (error instanceof DerError) throw new CoreError('key', `${what}: malformed encrypted PKCS#8: ${error.message}`, { cause: error })
    throw error
  }
  const { kdf, cipherKeyLength, iv, encrypted } = parsed
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipherKeyLength) {
    throw new CoreError('key', `${what}: the key derivation length (${kdf.keyLength}) does not fit the cipher (${cipherKeyLength})`)
  }
  const secret = utf8(password)
  const key = kdf.type === 'pbkdf2' ? await pbkdf2(secret, kdf.salt, kdf.iterations, cipherKeyLength, kdf.prf) : await scrypt(secret, kdf.salt, kdf, cipherKeyLength)
  const plain = await aesCbcDecrypt(key, iv, encrypted, what)
  // Garbage that happens to have valid padding: the password was wrong all the same.
  if (plain[0] !== TAG.SEQUENCE) throw new CoreError('decrypt', `${what}: decryption failed (wrong password?)`)
  return plain
}

type Kdf =
  | { readonly type: 'pbkdf2'; readonly salt: Uint8Array; readonly iterations: number; readonly keyLength?: number; readonly prf: PrfHash }
  | { readonly type: 'scrypt'; readonly salt: Uint8Array; readonly N: number; readonly r: number; readonly p: number; readonly keyLength?: number }

function parseEncryptedPrivateKeyInfo(der: Uint8Array, what: string) {
  const info = readSingle(der, TAG.SEQUENCE, 'EncryptedPrivateKeyInfo')
  const algorithm = info.sequence('encryptionAlgorithm')
  const encrypted = info.octetString('encryptedData')
  info.end('EncryptedPrivateKeyInfo')
  const scheme = algorithm.oid('encryption algorithm')
  if (scheme !== OID.pbes2) {
    throw new CoreError('unsupported-algorithm', `${what}: unsupported key encryption ${scheme} (only PBES2 with AES-CBC; re-encrypt with "openssl pkcs8 -topk8 -v2 aes-256-cbc")`)
  }
  const params = algorithm.sequence('PBES2-params')
  algorithm.end('encryptionAlgorithm')
  const kdf = parseKdf(params.sequence('keyDerivationFunc'), what)
  const cipher = params.sequence('encryptionScheme')
  params.end('PBES2-params')
  const cipherOid = cipher.oid('encryption scheme')
  const cipherKeyLength = AES_KEY_LENGTH[cipherOid]
  if (cipherKeyLength === undefined) throw new CoreError('unsupported-algorithm', `${what}: unsupported cipher ${cipherOid} (only AES-128/192/256-CBC)`)
  const iv = cipher.octetString('IV')
  cipher.end('encryptionScheme')
  return { kdf, cipherKeyLength, iv, encrypted }
}

function parseKdf(reader: DerReader, what: string): Kdf {
  const oid = reader.oid('key derivation function')
  const params = reader.sequence('KDF parameters')
  reader.end('keyDerivationFunc')
  if (oid === OID.pbkdf2) {
    const salt = params.octetString('PBKDF2 salt')
    const iterations = params.smallInteger('iterationCount')
    const keyLength = params.peekTag() === TAG.INTEGER ? params.smallInteger('keyLength') : undefined
    let prf: PrfHash = 'sha1'
    if (!params.done) {
      const prfAlgorithm = params.sequence('prf')
      const prfOid = prfAlgorithm.oid('prf')
      const known = PRF_BY_OID[prfOid]
      if (!known) throw new CoreError('unsupported-algorithm', `${what}: unsupported PBKDF2 PRF ${prfOid}`)
      prf = known
    }
    params.end('PBKDF2-params')
    return keyLength === undefined ? { type: 'pbkdf2', salt, iterations, prf } : { type: 'pbkdf2', salt, iterations, keyLength, prf }
  }
  if (oid === OID.scrypt) {
    const salt = params.octetString('scrypt salt')
    const N = params.smallInteger('costParameter')
    const r = params.smallInteger('blockSize')
    const p = params.smallInteger('parallelizationParameter')
    const keyLength = params.done ? undefined : params.smallInteger('keyLength')
    params.end('scrypt-params')
    return keyLength === undefined ? { type: 'scrypt', salt, N, r, p } : { type: 'scrypt', salt, N, r, p, keyLength }
  }
  throw new CoreError('unsupported-algorithm', `${what}: unsupported key derivation function ${oid} (only PBKDF2 and scrypt)`)
}

/**
 * Encrypts `PrivateKeyInfo` DER as PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC, the parameters
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes (16-byte salt, no keyLength field), with a
 * stronger default iteration count.
 */
export async function encryptPkcs8(privateKeyInfo: Uint8Array, password: string, iterations = DEFAULT_PBKDF2_ITERATIONS): Promise<Uint8Array<ArrayBuffer>> {
  const salt = randomBytes(16)
  const iv = randomBytes(16)
  const key = await pbkdf2(utf8(password), salt, iterations, 32, 'sha256')
  const encrypted = await aesCbcEncrypt(key, iv, privateKeyInfo)
  return encodeSequence(
    encodeSequence(
      encodeOid(OID.pbes2),
      encodeSequence(
        encodeSequence(
          encodeOid(OID.pbkdf2),
          encodeSequence(encodeOctetString(salt), encodeInteger(BigInt(iterations)), encodeSequence(encodeOid(OID.hmacWithSHA256), encodeNull())),
        ),
        encodeSequence(encodeOid(OID.aes256Cbc), encodeOctetString(iv)),
      ),
    ),
    encodeOctetString(encrypted),
  )
}
