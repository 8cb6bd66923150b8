/** The keys and signed documents of the reference fixtures (test/fixtures), as the key tests read them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hexToBytes } from '../../src/core/encoding/hex.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import { parseJson } from '../../src/core/json/parse.ts'
import type { JsonObject, JsonValue } from '../../src/core/json/value.ts'
import type { PublicKey } from '../../src/core/keys/types.ts'
import { FIXTURES, loadVectors, VECTORS } from './vectors.ts'

export { FIXTURES, VECTORS }
export const DEMO = join(FIXTURES, 'upstream/demo_files')

export function readText(path: string): string {
  return readFileSync(path, 'utf8')
}

/** The reference vectors' names (test/support/vectors.ts reads them). */
export function vectorNames(): string[] {
  return loadVectors().map((vector) => vector.name)
}

export function expectedOf(vector: string): JsonObject {
  return parseJson(readText(join(VECTORS, vector, 'expected.json'))) as JsonObject
}

export interface SignedFile {
  readonly signedBytes: Uint8Array
  readonly signatures: readonly { readonly keyid: string; readonly sig: Uint8Array }[]
  readonly signed: JsonObject
}

/**
 * A metablock written by in-toto 1.3.1: every field is present, so the canonical bytes of the
 * raw `signed` object are exactly the bytes that were signed.
 */
export function readMetablock(path: string): SignedFile {
  const json = parseJson(readText(path)) as JsonObject
  const signed = json.get('signed') as JsonObject
  const signatures = (json.get('signatures') as JsonValue[]).map((entry) => {
    const object = entry as JsonObject
    return { keyid: object.get('keyid') as string, sig: hexToBytes(object.get('sig') as string) }
  })
  return { signed, signatures, signedBytes: canonicalBytes(signed) }
}

/** The `keys` of a layout as verification keys. */
export function layoutKeys(layout: JsonObject): PublicKey[] {
  const keys = layout.get('keys') as JsonObject
  return [...keys.values()].map((value) => {
    const key = value as JsonObject
    return {
      keyid: key.get('keyid') as string,
      keytype: key.get('keytype') as string,
      scheme: key.get('scheme') as string,
      public: (key.get('keyval') as JsonObject).get('public') as string,
    }
  })
}

export function listFiles(dir: string, suffix: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith(suffix))
        .sort()
    : []
}
