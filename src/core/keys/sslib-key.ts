/**
 * securesystemslib JSON key files (`.pub` files, and unencrypted ed25519/ecdsa private key
 * files), read as securesystemslib 0.26 reads them: `util.load_json_file`, then
 * `keys.format_metadata_to_key`, which checks `formats.KEY_SCHEMA` (`keytype` and `scheme`
 * strings, `keyval.public` a string, optional `keyval.private` string, optional `expires`) and,
 * when computing the keyid, `KEYTYPE_SCHEMA`. Any `keyid` or `keyid_hash_algorithms` in the file
 * is ignored for public keys.
 */
import { CoreError } from '../errors.ts'
import { parseJson } from '../json/parse.ts'
import type { JsonObject, JsonValue } from '../json/value.ts'
import { computeKeyId } from './keyid.ts'
import type { PublicKey } from './types.ts'

export interface SslibKeyObject {
  readonly keytype: string
  readonly scheme: string
  readonly public: string
  readonly private: string | undefined
  /** The `keyid` member, when the file has one (private key files do). */
  readonly keyid: unknown
  readonly json: JsonObject
}

/** securesystemslib `formats.KEYTYPE_SCHEMA` (a Python `re.match(... + "$")`, so one trailing newline passes). */
const KEYTYPE = /^(?:rsa|ed25519|ecdsa|ecdsa-sha2-nistp(?:256|384)|sphincs)\n?$/
const ISO8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\n?$/

export function isSslibKeytype(keytype: string): boolean {
  return KEYTYPE.test(keytype)
}

/** Parses and schema-checks a key object; problems are `CoreError` `json` or `key`. */
export function parseSslibKeyObject(text: string, what: string): SslibKeyObject {
  const json = parseKeyJson(text, what)
  if (!(json instanceof Map)) throw new CoreError('key', `${what}: a securesystemslib key file must hold a JSON object`)
  const keytype = json.get('keytype')
  const scheme = json.get('scheme')
  const keyval = json.get('keyval')
  if (typeof keytype !== 'string') throw new CoreError('key', `${what}: "keytype" is missing or not a string`)
  if (typeof scheme !== 'string') throw new CoreError('key', `${what}: "scheme" is missing or not a string`)
  if (!(keyval instanceof Map)) throw new CoreError('key', `${what}: "keyval" is missing or not an object`)
  const publicValue = keyval.get('public')
  const privateValue = keyval.get('private')
  if (typeof publicValue !== 'string') throw new CoreError('key', `${what}: "keyval.public" is missing or not a string`)
  if (privateValue !== undefined && typeof privateValue !== 'string') throw new CoreError('key', `${what}: "keyval.private" is not a string`)
  const expires = json.get('expires')
  if (expires !== undefined && (typeof expires !== 'string' || !ISO8601.test(expires))) {
    throw new CoreError('key', `${what}: "expires" is not an ISO 8601 date`)
  }
  if (!isSslibKeytype(keytype)) throw new CoreError('key', `${what}: unsupported keytype ${JSON.stringify(keytype)}`)
  return { keytype, scheme, public: publicValue, private: privateValue, keyid: json.get('keyid'), json }
}

/** A PEM or other text handed in where a JSON key file belongs should say so, not "invalid number". */
function parseKeyJson(text: string, what: string): JsonValue {
  try {
    return parseJson(text)
  } catch (error) {
    if (!(error instanceof CoreError)) throw error
    const hint = /-----BEGIN /.test(text) ? ' (this is PEM text: is the key type right?)' : ''
    throw new CoreError(error.code, `${what} is not a securesystemslib JSON key${hint}: ${error.detail}`, { path: error.path, cause: error })
  }
}

/** The public key of a key object, keyid recomputed (`format_metadata_to_key`). */
export function publicKeyOfObject(object: SslibKeyObject): PublicKey {
  return Object.freeze({
    keyid: computeKeyId(object.keytype, object.scheme, object.public),
    keytype: object.keytype,
    scheme: object.scheme,
    public: object.public,
  })
}
