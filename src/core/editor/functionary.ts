/**
 * Turning a public key file into a layout `keys` entry exactly as the reference's
 * `Layout.add_functionary_key_from_path` / securesystemslib's importers write it, so a
 * layout built here is byte-identical to one built with in-toto's Python API:
 *
 * - PEM public keys (`import_rsakey_from_public_pem`, `import_ecdsakey_from_public_pem`):
 *   `keytype`, `scheme`, `keyid`, `keyid_hash_algorithms` and `keyval: {public, private: ""}`;
 * - securesystemslib JSON key files (`format_metadata_to_key`): `keyval` as in the file (a
 *   private key file's secret is never copied: only `public`, plus `private: ""` if present),
 *   the keyid recomputed.
 */
import type { JsonObject, JsonValue } from '../json/value.ts'
import { importPublicKey } from '../keys/import.ts'
import { parseSslibKeyObject } from '../keys/sslib-key.ts'
import { layoutKeyFromJson } from '../model/layout.ts'

/** securesystemslib `settings.HASH_ALGORITHMS`. */
const KEYID_HASH_ALGORITHMS = ['sha256', 'sha512']

export interface FunctionaryKey {
  readonly keyid: string
  /** The object to store in `layout.keys[keyid]`. */
  readonly json: JsonObject
  /** A display name suggested by the file name (`alice.pub` → `alice`). */
  readonly suggestedName: string
}

/** Reads a public key file. Throws `CoreError` naming `fileName` when it is not a usable public key. */
export function functionaryKeyFromFile(text: string, fileName: string): FunctionaryKey {
  const key = importPublicKey(text, { file: fileName })
  let keyval: JsonObject
  if (text.trim().startsWith('{')) {
    const object = parseSslibKeyObject(text, fileName)
    keyval = new Map<string, JsonValue>([['public', key.public]])
    if (object.private === '') keyval.set('private', '')
  } else {
    keyval = new Map<string, JsonValue>([
      ['public', key.public],
      ['private', ''],
    ])
  }
  const json: JsonObject = new Map<string, JsonValue>([
    ['keyid', key.keyid],
    ['keyid_hash_algorithms', [...KEYID_HASH_ALGORITHMS]],
    ['keytype', key.keytype],
    ['keyval', keyval],
    ['scheme', key.scheme],
  ])
  layoutKeyFromJson(json, `keys[${JSON.stringify(key.keyid)}]`, fileName)
  return { keyid: key.keyid, json, suggestedName: suggestedName(fileName) }
}

function suggestedName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName
  // alice.pub.pem → alice: strip every key-file extension, not only the last.
  let stem = base
  while (/\.(pub|pem|json|key)$/i.test(stem)) stem = stem.replace(/\.(pub|pem|json|key)$/i, '')
  return stem || base
}
