/**
 * Writing keys in the formats the reference reads:
 * - public: SPKI PEM; the securesystemslib `.pub` JSON that `in-toto-keygen` writes
 *   (`keys.format_keyval_to_metadata(..., private=False)` through `json.dumps`); the key object a
 *   layout's `keys` holds;
 * - private: PKCS#8 PEM, optionally encrypted (PBES2, loaded by `openssl pkey` and by
 *   `securesystemslib.interface.import_rsa_privatekey_from_file`), and the securesystemslib
 *   JSON private key file for ed25519/ecdsa (`json.dumps` of the key dict as
 *   `generate_ed25519_key` / `generate_ecdsa_key` build it), optionally in securesystemslib's
 *   encrypted format: what `in-toto-sign -t ed25519|ecdsa` and `in-toto-run -t …` read.
 */
import { bytesToHex, hexToBytes } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import type { JsonObject, JsonValue } from '../json/value.ts'
import { KEYID_HASH_ALGORITHMS } from './keyid.ts'
import { encodeEcPrivateKey, parsePkcs8 } from './private-der.ts'
import { DEFAULT_PBKDF2_ITERATIONS, encryptPkcs8 } from './pbes2.ts'
import { encodePem } from './pem.ts'
import { pythonJsonDumps } from './python-json.ts'
import { loadPublicKeyPem, spkiPem } from './spki.ts'
import { sslibEncrypt } from './sslib-encrypted.ts'
import type { PrivateKey, PublicKey } from './types.ts'

export interface EncryptionOptions {
  /** PBKDF2 iterations (default 600,000). */
  readonly iterations?: number
}

/** SubjectPublicKeyInfo PEM with a trailing newline (ed25519 keys are built from their hex). */
export function exportPublicKeyPem(key: PublicKey): string {
  if (key.keytype === 'ed25519') {
    const raw = hexToBytes(key.public, 'ed25519 public key', 'key')
    if (raw.length !== 32) throw new CoreError('key', `an ed25519 public key must be 32 bytes, not ${raw.length}`)
    return spkiPem({ type: 'ed25519', raw }, true)
  }
  const loaded = loadPublicKeyPem(key.public, `public key ${key.keyid}`)
  if (loaded.type === 'unsupported') throw new CoreError('unsupported-algorithm', `public key ${key.keyid} is ${loaded.description}`)
  return spkiPem(loaded, true)
}

/** The `.pub` file `in-toto-keygen` writes: `{"keytype", "scheme", "keyid_hash_algorithms", "keyval": {"public"}}`, no keyid. */
export function exportPublicKeyJson(key: PublicKey): string {
  return pythonJsonDumps(
    new Map<string, string | readonly string[] | ReadonlyMap<string, string>>([
      ['keytype', key.keytype],
      ['scheme', key.scheme],
      ['keyid_hash_algorithms', KEYID_HASH_ALGORITHMS],
      ['keyval', new Map([['public', key.public]])],
    ]),
  )
}

/** The object a layout's `keys[keyid]` holds for this key (as in-toto 1.3.1 layouts store them). */
export function exportLayoutKeyObject(key: PublicKey): JsonObject {
  return new Map<string, JsonValue>([
    ['keyid', key.keyid],
    ['keyid_hash_algorithms', [...KEYID_HASH_ALGORITHMS]],
    ['keytype', key.keytype],
    ['keyval', new Map([['public', key.public]])],
    ['scheme', key.scheme],
  ])
}

/**
 * PKCS#8 PEM (`BEGIN PRIVATE KEY`), or with a password encrypted PKCS#8
 * (`BEGIN ENCRYPTED PRIVATE KEY`: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
 */
export async function exportPrivateKeyPkcs8Pem(key: PrivateKey, password?: string, options: EncryptionOptions = {}): Promise<string> {
  const der = pkcs8Of(key)
  if (password === undefined) return encodePem('PRIVATE KEY', der)
  checkPassword(password)
  return encodePem('ENCRYPTED PRIVATE KEY', await encryptPkcs8(der, password, options.iterations ?? DEFAULT_PBKDF2_ITERATIONS))
}

/**
 * The securesystemslib JSON private key file for an ed25519 or ecdsa key; with a password, in
 * securesystemslib's encrypted format (`keys.encrypt_key`). RSA private keys are PEM files in
 * securesystemslib: use {@link exportPrivateKeyPkcs8Pem}.
 */
export async function exportPrivateKeySslibJson(key: PrivateKey, password?: string, options: EncryptionOptions = {}): Promise<string> {
  const material = parsePkcs8(pkcs8Of(key), 'private key')
  const { keytype, scheme, keyid } = key.publicKey
  let object: Map<string, string | readonly string[] | ReadonlyMap<string, string>>
  const algorithms = KEYID_HASH_ALGORITHMS
  if (material.type === 'ed25519') {
    // keys.generate_ed25519_key: keytype, scheme, keyid, keyid_hash_algorithms, keyval.
    object = new Map<string, string | readonly string[] | ReadonlyMap<string, string>>([
      ['keytype', keytype],
      ['scheme', scheme],
      ['keyid', keyid],
      ['keyid_hash_algorithms', algorithms],
      [
        'keyval',
        new Map([
          ['public', key.publicKey.public],
          ['private', bytesToHex(material.seed)],
        ]),
      ],
    ])
  } else if (material.type === 'ecdsa') {
    // keys.generate_ecdsa_key: keytype, scheme, keyid, keyval, keyid_hash_algorithms; the private
    // key is cryptography's TraditionalOpenSSL PEM (SEC1, "BEGIN EC PRIVATE KEY").
    const privatePem = encodePem('EC PRIVATE KEY', encodeEcPrivateKey(material, true))
    object = new Map<string, string | readonly string[] | ReadonlyMap<string, string>>([
      ['keytype', keytype],
      ['scheme', scheme],
      ['keyid', keyid],
      [
        'keyval',
        new Map([
          ['public', key.publicKey.public],
          ['private', privatePem],
        ]),
      ],
      ['keyid_hash_algorithms', algorithms],
    ])
  } else {
    throw new CoreError('unsupported-algorithm', 'securesystemslib keeps RSA private keys as PEM files: export with exportPrivateKeyPkcs8Pem')
  }
  const json = pythonJsonDumps(object)
  if (password === undefined) return json
  checkPassword(password)
  return sslibEncrypt(json, password, options.iterations ?? DEFAULT_PBKDF2_ITERATIONS)
}

function pkcs8Of(key: PrivateKey): Uint8Array<ArrayBuffer> {
  if (!key.exportPkcs8) throw new CoreError('key', `key ${key.publicKey.keyid} cannot be exported (its private material is not extractable)`)
  return key.exportPkcs8()
}

/** securesystemslib `_get_key_file_encryption_password`: "encryption password must be 1 or more characters long". */
function checkPassword(password: string): void {
  if (password.length === 0) throw new CoreError('key', 'an encryption password must be 1 or more characters long')
}
