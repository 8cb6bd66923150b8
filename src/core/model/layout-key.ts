/**
 * Entries of a layout's `keys` dict, validated as in-toto 1.3.1 does
 * (securesystemslib `ANY_PUBKEY_DICT_SCHEMA`): dict keys are hex, values match
 * `PUBLIC_KEY_SCHEMA` (only `keytype` and `keyval.public` required; `keyval.private`, if
 * present, empty; optional `keyid_hash_algorithms` from a fixed list and `expires` date;
 * anything else allowed and kept) or an OpenPGP `GPG_PUBKEY_SCHEMA`. Nothing checks that the
 * dict key, the embedded `keyid` and the key's computed keyid agree.
 */
import { ValidationError, type Issue } from '../errors.ts'
import type { JsonObject, JsonValue } from '../json/value.ts'
import { checkAnyPublicKey } from './schema.ts'
import type { LayoutKey } from './types.ts'

/**
 * Validates one key object (`path` is where it sits, e.g. `keys["2f89…"]`) and appends its
 * problems to `issues`. Returns the key when valid.
 */
export function checkLayoutKey(json: JsonValue, path: string, issues: Issue[]): LayoutKey | undefined {
  const kind = checkAnyPublicKey(json, path, issues)
  if (kind === undefined || !(json instanceof Map)) return undefined
  return kind === 'public' ? publicKeyView(json) : gpgKeyView(json)
}

function publicKeyView(json: JsonObject): LayoutKey {
  const keyval = json.get('keyval') as JsonObject
  const scheme = json.get('scheme')
  const keyid = json.get('keyid')
  return {
    json,
    keytype: json.get('keytype') as string,
    scheme: typeof scheme === 'string' ? scheme : undefined,
    keyid: typeof keyid === 'string' ? keyid : undefined,
    public: keyval.get('public') as string,
  }
}

function gpgKeyView(json: JsonObject): LayoutKey {
  return {
    json,
    keytype: json.get('type') as string,
    scheme: json.get('method') as string,
    keyid: json.get('keyid') as string,
    public: '',
    gpg: true,
  }
}

/**
 * A {@link LayoutKey} from a key object (as found in a layout, or a securesystemslib public
 * key file). The object is kept verbatim: it is signed as it is. Throws
 * {@link ValidationError} listing every problem.
 */
export function layoutKeyFromJson(json: JsonValue, path = '', file?: string): LayoutKey {
  const issues: Issue[] = []
  const key = checkLayoutKey(json, path, issues)
  if (key === undefined) throw new ValidationError('key', issues, file)
  return key
}

/** The key object to store in a layout's `keys` for a public key known by its fields. */
export function layoutKeyJson(key: {
  readonly keyid: string
  readonly keytype: string
  readonly scheme: string
  readonly public: string
  readonly keyidHashAlgorithms?: readonly string[]
}): JsonObject {
  return new Map<string, JsonValue>([
    ['keyid', key.keyid],
    ['keyid_hash_algorithms', [...(key.keyidHashAlgorithms ?? ['sha256', 'sha512'])]],
    ['keytype', key.keytype],
    ['keyval', new Map<string, JsonValue>([['public', key.public]])],
    ['scheme', key.scheme],
  ])
}
