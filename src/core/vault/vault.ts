/**
 * Sealing secrets (private keys a person chose to remember on this device) under a passphrase.
 *
 * A record is self-contained and versioned, so it can be opened years later and by a newer
 * build: PBKDF2-HMAC-SHA256 (at least 600,000 iterations, OWASP 2023) derives a non-extractable
 * AES-256-GCM key from the passphrase and a random 16-byte salt; AES-GCM with a random 12-byte IV
 * encrypts the secret. `associatedData` (e.g. the public key the secret belongs to) is
 * authenticated but not encrypted, so a record moved onto another key's entry fails to open
 * instead of silently pairing a public key with someone else's private key.
 *
 * Records are plain JSON-compatible objects (structured-clone safe for IndexedDB). Everything
 * runs in WebCrypto; secure contexts only.
 */
import { asBufferSource, randomBytes, requireSubtle } from '../crypto/webcrypto.ts'
import { base64ToBytes, bytesToBase64 } from '../encoding/base64.ts'
import { utf8 } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import { MAX_PBKDF2_ITERATIONS } from '../crypto/kdf.ts'

export const VAULT_FORMAT = 'layout-studio/vault'
export const VAULT_VERSION = 1
/** The least work factor we write or accept: a record below it was not written by us. */
export const MIN_VAULT_ITERATIONS = 600_000
export const MIN_PASSPHRASE_LENGTH = 8

const SALT_BYTES = 16
const IV_BYTES = 12

export interface VaultRecord {
  readonly format: typeof VAULT_FORMAT
  readonly version: typeof VAULT_VERSION
  readonly kdf: { readonly name: 'PBKDF2'; readonly hash: 'SHA-256'; readonly iterations: number; readonly salt: string }
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string }
  /** Base64 of ciphertext followed by the 16-byte GCM tag (WebCrypto's layout). */
  readonly ciphertext: string
}

export interface SealOptions {
  /** PBKDF2 iterations (default and minimum {@link MIN_VAULT_ITERATIONS}). */
  readonly iterations?: number
  /** Bytes bound to the record: opening must present the same. */
  readonly associatedData?: Uint8Array
}

/** Refuses passphrases too short to protect a private key at rest. */
export function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new CoreError('decrypt', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters long`)
  }
}

export async function sealSecret(secret: Uint8Array, passphrase: string, options: SealOptions = {}): Promise<VaultRecord> {
  checkPassphrase(passphrase)
  const iterations = options.iterations ?? MIN_VAULT_ITERATIONS
  checkIterations(iterations, 'sealing')
  const salt = randomBytes(SALT_BYTES)
  const iv = randomBytes(IV_BYTES)
  const key = await deriveKey(passphrase, salt, iterations, 'encrypt')
  const sealed = await requireSubtle('encrypting a stored key').encrypt(gcmParams(iv, options.associatedData), key, asBufferSource(secret))
  return {
    format: VAULT_FORMAT,
    version: VAULT_VERSION,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: bytesToBase64(salt) },
    cipher: { name: 'AES-GCM', iv: bytesToBase64(iv) },
    ciphertext: bytesToBase64(new Uint8Array(sealed)),
  }
}

/**
 * The secret in `record`. A wrong passphrase, a tampered record and mismatched associated data
 * are indistinguishable by design (GCM authentication fails): all are `CoreError` `decrypt`.
 */
export async function openSecret(record: VaultRecord, passphrase: string, options: { readonly associatedData?: Uint8Array } = {}): Promise<Uint8Array<ArrayBuffer>> {
  const checked = parseVaultRecord(record)
  const salt = base64ToBytes(checked.kdf.salt, 'vault salt')
  const iv = base64ToBytes(checked.cipher.iv, 'vault IV')
  const key = await deriveKey(passphrase, salt, checked.kdf.iterations, 'decrypt')
  try {
    const plain = await requireSubtle('decrypting a stored key').decrypt(gcmParams(iv, options.associatedData), key, base64ToBytes(checked.ciphertext, 'vault ciphertext'))
    return new Uint8Array(plain)
  } catch (cause) {
    throw new CoreError('decrypt', 'the stored key did not decrypt: wrong passphrase, or the record was altered', { cause })
  }
}

/**
 * Validates an untrusted value (read back from storage) as a {@link VaultRecord}; problems are
 * `CoreError` `format` naming the member.
 */
export function parseVaultRecord(value: unknown, where = 'vault record'): VaultRecord {
  const fail = (path: string, message: string): never => {
    throw new CoreError('format', `${where}: ${message}`, { path })
  }
  if (!isObject(value)) return fail('', 'not an object')
  if (value.format !== VAULT_FORMAT) fail('format', `expected ${JSON.stringify(VAULT_FORMAT)}, found ${JSON.stringify(value.format)}`)
  if (value.version !== VAULT_VERSION) {
    fail('version', `version ${JSON.stringify(value.version)} is not supported (this build reads version ${VAULT_VERSION})`)
  }
  const kdf = value.kdf
  if (!isObject(kdf) || kdf.name !== 'PBKDF2' || kdf.hash !== 'SHA-256') fail('kdf', 'only PBKDF2 with SHA-256 is supported')
  const { iterations, salt } = kdf as Record<string, unknown>
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations)) return fail('kdf.iterations', 'must be an integer')
  checkIterations(iterations, 'opening')
  if (decodedLength(salt) !== SALT_BYTES) fail('kdf.salt', `must be ${SALT_BYTES} bytes of base64`)
  const cipher = value.cipher
  if (!isObject(cipher) || cipher.name !== 'AES-GCM') fail('cipher', 'only AES-GCM is supported')
  if (decodedLength((cipher as Record<string, unknown>).iv) !== IV_BYTES) fail('cipher.iv', `must be ${IV_BYTES} bytes of base64`)
  if ((decodedLength(value.ciphertext) ?? 0) < 16) {
    fail('ciphertext', 'must be base64 of at least the 16-byte authentication tag')
  }
  return value as unknown as VaultRecord
}

function checkIterations(iterations: number, doing: string): void {
  if (!Number.isSafeInteger(iterations) || iterations < MIN_VAULT_ITERATIONS || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new CoreError('format', `${doing} a stored key needs between ${MIN_VAULT_ITERATIONS} and ${MAX_PBKDF2_ITERATIONS} PBKDF2 iterations, not ${iterations}`)
  }
}

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const subtle = requireSubtle('protecting stored keys')
  // NFC, so the same passphrase typed on another keyboard or OS opens the record.
  const base = await subtle.importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey'])
  return subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: asBufferSource(salt), iterations }, base, { name: 'AES-GCM', length: 256 }, false, [usage])
}

function gcmParams(iv: Uint8Array, associatedData: Uint8Array | undefined): AesGcmParams {
  return associatedData === undefined ? { name: 'AES-GCM', iv: asBufferSource(iv) } : { name: 'AES-GCM', iv: asBufferSource(iv), additionalData: asBufferSource(associatedData) }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The byte length of a base64 string, or `undefined` when `value` is not one. */
function decodedLength(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined
  try {
    return base64ToBytes(value).length
  } catch {
    return undefined
  }
}
