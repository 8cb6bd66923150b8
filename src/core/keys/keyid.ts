/**
 * Keyids exactly as securesystemslib 0.26 computes them (`keys._get_keyid`): the SHA-256 hex of
 * the canonical JSON of `format_keyval_to_metadata(keytype, scheme, {"public": P})`, i.e.
 * `{"keyid_hash_algorithms":["sha256","sha512"],"keytype":K,"keyval":{"public":P},"scheme":S}`.
 *
 * `keyid_hash_algorithms` is always the constant `settings.HASH_ALGORITHMS`, whatever the key
 * object says, and the private part never enters (verifier-semantics §2.2). `public` is hashed
 * verbatim, so PEM line breaks and a trailing newline change the keyid.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '../encoding/hex.ts'
import { utf8 } from '../encoding/utf8.ts'
import { encodeCanonical } from '../json/canonical.ts'
import type { JsonInput } from '../json/value.ts'

/** securesystemslib `settings.HASH_ALGORITHMS`. */
export const KEYID_HASH_ALGORITHMS: readonly string[] = Object.freeze(['sha256', 'sha512'])

/** The canonical JSON text whose SHA-256 is the keyid (exposed for tests and explanations). */
export function keyIdPreimage(keytype: string, scheme: string, publicValue: string): string {
  return encodeCanonical(
    new Map<string, JsonInput>([
      ['keyid_hash_algorithms', KEYID_HASH_ALGORITHMS],
      ['keytype', keytype],
      ['keyval', new Map([['public', publicValue]])],
      ['scheme', scheme],
    ]),
  )
}

/** Lowercase hex keyid; synchronous so UIs can call it while rendering. */
export function computeKeyId(keytype: string, scheme: string, publicValue: string): string {
  return bytesToHex(sha256(utf8(keyIdPreimage(keytype, scheme, publicValue))))
}
