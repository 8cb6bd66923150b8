/**
 * Loading key files given on the command line: private keys to sign with (asking for a
 * password when the key is encrypted and the caller allows it) and public keys to check
 * signatures with. Formats are recognized from the content (PEM PKCS#8/PKCS#1/SEC1, encrypted
 * PKCS#8, securesystemslib JSON); `-t/--key-type` is accepted as in in-toto's tools and then
 * requires that kind of key.
 */
import { CoreError } from '../core/errors.ts'
import { importPrivateKey, importPublicKey, PasswordRequiredError } from '../core/keys/import.ts'
import { openPgpPublicKey } from '../core/keys/openpgp-keys.ts'
import type { KeyAlgorithm, OpenPgpPublicKey, PrivateKey, VerificationKey } from '../core/keys/types.ts'
import { importOpenPgpKeys, looksLikeOpenPgpKey, MAX_KEY_FILE_BYTES as MAX_OPENPGP_FILE_BYTES } from '../core/openpgp/import.ts'
import { askPassword } from './password.ts'
import { FileReadError, readRegularFile } from './safe-read.ts'
import { UsageError } from './usage.ts'

export const KEY_TYPES: readonly KeyAlgorithm[] = ['rsa', 'ed25519', 'ecdsa']

/**
 * Largest layout, link or parameters file a command reads (the size link files are limited to):
 * bounded memory when a path names something huge or endless (`/dev/zero`).
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
/** Largest key file: a 16,384-bit RSA key in PEM is about 13 KB; anything near this is not a key. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024

/**
 * Reads a file named on the command line (regular files only, at most `maxBytes`); anything
 * else is a usage error naming it and saying why.
 */
export async function readInputFile(file: string, what: string, maxBytes: number = MAX_DOCUMENT_BYTES): Promise<Uint8Array> {
  try {
    return await readRegularFile(file, { maxBytes, what: `a ${what}` })
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error
    throw new UsageError(`cannot read the ${what} '${file}': ${error.reason}`)
  }
}

/** One key type per key file (`-t` given once per `-k`), or none; each must be rsa, ed25519 or ecdsa. */
export function keyTypesFor(types: readonly string[] | undefined, files: readonly string[]): (KeyAlgorithm | undefined)[] {
  if (types === undefined || types.length === 0) return files.map(() => undefined)
  if (types.length !== files.length) {
    throw new UsageError(`-t/--key-type names ${types.length} type(s) for ${files.length} key file(s); give one per key`)
  }
  return types.map(parseKeyType)
}

export function parseKeyType(type: string): KeyAlgorithm {
  if (!(KEY_TYPES as readonly string[]).includes(type)) throw new UsageError(`unknown key type '${type}' (rsa, ed25519 or ecdsa)`)
  return type as KeyAlgorithm
}

export interface PasswordChoice {
  /** A password given on the command line. */
  readonly password?: string
  /** Ask on the terminal when a key turns out to be encrypted (otherwise that is an error). */
  readonly prompt: boolean
}

/**
 * A private key to sign with. An encrypted key without a password is asked for when
 * `prompt` is set; an empty answer means "no password", as in securesystemslib.
 */
export async function loadSigningKey(file: string, keyType: KeyAlgorithm | undefined, choice: PasswordChoice): Promise<PrivateKey> {
  const bytes = await readInputFile(file, 'key file', MAX_KEY_FILE_BYTES)
  try {
    return await importPrivateKey(bytes, { file, keyType, password: choice.password })
  } catch (error) {
    if (!(error instanceof PasswordRequiredError) || choice.password !== undefined) throw error
    if (!choice.prompt) {
      throw new UsageError(`the key '${file}' is encrypted: give its password with --password, or ask for it with the prompt option`)
    }
    const password = await askPassword(`Enter the password for '${file}': `)
    return importPrivateKey(bytes, { file, keyType, password })
  }
}

/**
 * A public key to check signatures with, from SPKI/PKCS#1 PEM or a securesystemslib JSON key
 * file (an ECDSA PEM key gets the keyid its private key signs with: see importPublicKey), or an
 * exported OpenPGP key (`gpg --export [--armor]`: one key per file).
 */
export async function loadPublicKeyFile(file: string, keyType: KeyAlgorithm | undefined): Promise<VerificationKey> {
  const bytes = await readInputFile(file, 'key file', MAX_OPENPGP_FILE_BYTES)
  const openpgp = await loadOpenPgpKeyBytes(bytes, file)
  if (openpgp !== undefined) return openpgp
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new UsageError(`cannot read the key file '${file}': it is ${bytes.length} bytes, more than a key file has`)
  return importPublicKey(new TextDecoder().decode(bytes), { file, keyType })
}

/** The OpenPGP key in `bytes` when they are an export (`undefined` when they are not OpenPGP at all). */
export async function loadOpenPgpKeyBytes(bytes: Uint8Array, file: string): Promise<OpenPgpPublicKey | undefined> {
  if (!looksLikeOpenPgpKey(bytes)) return undefined
  const certificates = await importOpenPgpKeys(bytes, file)
  if (certificates.length !== 1) {
    throw new CoreError('key', `the file holds ${certificates.length} OpenPGP keys; give one key per file (or name them with --gpg KEYID … --gpg-home)`, { file })
  }
  return openPgpPublicKey(certificates[0]!)
}
