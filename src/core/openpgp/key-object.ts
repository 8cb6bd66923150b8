/**
 * OpenPGP keys as securesystemslib 0.26 writes them into a layout's `keys`
 * (`gpg/common.py:parse_pubkey_payload`, `get_pubkey_bundle`; `formats.py:GPG_PUBKEY_SCHEMA`):
 *
 *     {"type": "rsa"|"dsa"|"eddsa", "method": "pgp+rsa-pkcsv1.5"|"pgp+dsa-fips-180-2"|"pgp+eddsa-ed25519",
 *      "hashes": ["pgp+SHA2"], "keyid": <fingerprint>, "creation_time": <seconds>,
 *      "keyval": {"public": {…}, "private": ""}, "validity_period"?: <seconds>, "subkeys"?: {<fingerprint>: <key>}}
 *
 * with `public` = `{e, n}` (RSA), `{y, p, g, q}` (DSA) or `{q}` (EdDSA: the 32-byte point), each
 * the hex of the MPI's bytes as the packet holds them.
 *
 * The other direction reads such an object from a layout (already schema-checked by
 * `model/schema.ts:checkGpgKeySchema`) into the numbers the verifier needs, with the reference's
 * reading: Python `int(value, 16)` for RSA and DSA numbers (`gpg/rsa.py:create_pubkey`,
 * `gpg/dsa.py:create_pubkey`), `binascii.unhexlify` for the EdDSA point (`gpg/eddsa.py`).
 */
import { bytesToHex, hexToBytes } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import { joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import { bigIntToBytes } from '../encoding/bigint.ts'
import { publicKeyBody, v4Fingerprint, type KeyType, type PublicKeyPacket, type PublicParams } from './public-key.ts'

export const GPG_METHOD: Readonly<Record<KeyType, string>> = Object.freeze({ rsa: 'pgp+rsa-pkcsv1.5', dsa: 'pgp+dsa-fips-180-2', eddsa: 'pgp+eddsa-ed25519' })
export const GPG_HASHES = 'pgp+SHA2'

/** The key object for a primary key and the subkeys kept with it. */
export function gpgKeyObject(primary: PublicKeyPacket, validityPeriod: number | undefined, subkeys: readonly { packet: PublicKeyPacket; validityPeriod?: number }[]): JsonObject {
  const object = keyObjectOf(primary, validityPeriod)
  if (subkeys.length > 0) {
    object.set('subkeys', new Map<string, JsonValue>(subkeys.map((sub) => [sub.packet.fingerprint, keyObjectOf(sub.packet, sub.validityPeriod)])))
  }
  return object
}

function keyObjectOf(key: PublicKeyPacket, validityPeriod: number | undefined): Map<string, JsonValue> {
  const params = key.params!
  const object = new Map<string, JsonValue>([
    ['method', GPG_METHOD[params.type]],
    ['type', params.type],
    ['hashes', [GPG_HASHES]],
    ['creation_time', BigInt(key.created)],
    ['keyid', key.fingerprint],
    [
      'keyval',
      new Map<string, JsonValue>([
        ['private', ''],
        ['public', publicJson(params)],
      ]),
    ],
  ])
  if (validityPeriod !== undefined) object.set('validity_period', BigInt(validityPeriod))
  return object
}

function publicJson(params: PublicParams): JsonObject {
  switch (params.type) {
    case 'rsa':
      return new Map([
        ['e', bytesToHex(params.e)],
        ['n', bytesToHex(params.n)],
      ])
    case 'dsa':
      return new Map([
        ['y', bytesToHex(params.y)],
        ['p', bytesToHex(params.p)],
        ['g', bytesToHex(params.g)],
        ['q', bytesToHex(params.q)],
      ])
    case 'eddsa':
      return new Map([['q', bytesToHex(params.q)]])
  }
}

/** A GPG key object from a layout, typed. `json` is kept: it is signed as it is. */
export interface GpgKey {
  readonly json: JsonObject
  /** The embedded `keyid` (signatures must carry it or a subkey's). */
  readonly keyid: string
  readonly type: KeyType
  readonly creationTime?: number
  readonly validityPeriod?: number
  /** Subkeys by their dict key, in document order. */
  readonly subkeys: ReadonlyMap<string, GpgKey>
  /** Where the object sits, for messages (`keys["…"]`, `keys["…"].subkeys["…"]`). */
  readonly where: string
}

/** Reads a key object that passed `checkGpgKeySchema`. */
export function gpgKeyFromJson(json: JsonObject, where: string): GpgKey {
  const subkeys = new Map<string, GpgKey>()
  const subkeysJson = json.get('subkeys')
  if (subkeysJson instanceof Map) {
    for (const [id, sub] of subkeysJson) if (sub instanceof Map) subkeys.set(id, gpgKeyFromJson(sub, joinPath(joinPath(where, 'subkeys'), id)))
  }
  const number = (value: JsonValue | undefined): number | undefined => (typeof value === 'bigint' ? Number(value) : undefined)
  return {
    json,
    keyid: json.get('keyid') as string,
    type: json.get('type') as KeyType,
    creationTime: number(json.get('creation_time')),
    validityPeriod: number(json.get('validity_period')),
    subkeys,
    where,
  }
}

/**
 * The key's numbers as the reference reads them; throws `CoreError` `key` where it raises
 * (`ValueError` from `int()`, `binascii.Error`, cryptography refusing the key): fatal.
 */
export function publicParamsOf(key: GpgKey): PublicParams {
  const publicValue = (key.json.get('keyval') as JsonObject).get('public') as JsonObject
  const text = (name: string): string => publicValue.get(name) as string
  const number = (name: string): Uint8Array => {
    const value = pythonHexInt(text(name))
    if (value === undefined) throw new CoreError('key', `GPG key ${key.where}: keyval.public.${name} is not a hexadecimal number`)
    if (value < 0n) throw new CoreError('key', `GPG key ${key.where}: keyval.public.${name} is negative`)
    return bigIntToBytes(value)
  }
  switch (key.type) {
    case 'rsa':
      return { type: 'rsa', n: number('n'), e: number('e') }
    case 'dsa':
      return { type: 'dsa', p: number('p'), q: number('q'), g: number('g'), y: number('y') }
    case 'eddsa': {
      const q = hexToBytes(text('q'), `GPG key ${key.where}: keyval.public.q`, 'key')
      if (q.length !== 32) throw new CoreError('key', `GPG key ${key.where}: an Ed25519 public key is 32 bytes, keyval.public.q has ${q.length}`)
      return { type: 'eddsa', q }
    }
  }
}

/**
 * The length (hex digits) securesystemslib pads an RSA signature to: `len(keyval.public.n)` as
 * written (`gpg/rsa.py:verify_signature`).
 */
export function rsaPadLength(key: GpgKey): number {
  return (((key.json.get('keyval') as JsonObject).get('public') as JsonObject).get('n') as string).length
}

/**
 * The fingerprint the key object's own numbers give (a V4 key packet rebuilt from
 * `creation_time` and `keyval.public`), or `undefined` without a creation time or for numbers
 * that do not read. Equal to `keyid` for every object built from a real key.
 */
export function recomputedFingerprint(key: GpgKey): string | undefined {
  if (key.creationTime === undefined) return undefined
  try {
    return v4Fingerprint(publicKeyBody(key.creationTime, publicParamsOf(key)))
  } catch {
    return undefined
  }
}

const PYTHON_SPACE =
  /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g
const PYTHON_HEX_INT = /^([+-]?)(?:0[xX]_?)?([0-9a-fA-F](?:_?[0-9a-fA-F])*)$/

/** Python `int(text, 16)`: surrounding whitespace, a sign, a `0x` prefix and `_` separators allowed. */
export function pythonHexInt(text: string): bigint | undefined {
  const match = PYTHON_HEX_INT.exec(text.replace(PYTHON_SPACE, ''))
  if (!match) return undefined
  const magnitude = BigInt(`0x${match[2]!.replace(/_/g, '')}`)
  return match[1] === '-' ? -magnitude : magnitude
}
