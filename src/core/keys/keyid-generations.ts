/**
 * The two generations of keyids (real-world-metadata.md §2):
 *
 * - `1.x` — in-toto 1.x, securesystemslib ≤ 0.26 and in-toto-golang: SHA-256 of the canonical
 *   JSON of `{keytype, scheme, keyid_hash_algorithms: ["sha256","sha512"], keyval: {public}}`
 *   (`keys._get_keyid`), with `public` as securesystemslib 0.26 holds it (an RSA PEM as read,
 *   without its final newline).
 * - `2.x` — Python in-toto 2.x and later (3.0 today), securesystemslib ≥ 0.28: SHA-256 of the
 *   canonical JSON of `{keytype, scheme, keyval: {public}}` (`signer._utils.compute_default_keyid`),
 *   with `public` as `SSlibKey.from_crypto` writes it (cryptography's SPKI PEM, final newline
 *   included; Ed25519 as hex).
 *
 * An OpenPGP key's keyid is its fingerprint in both. Layouts, links and link file names
 * (`STEP.KEYID8.link`) carry the keyid of the generation that wrote them.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '../encoding/hex.ts'
import { utf8 } from '../encoding/utf8.ts'
import { encodeCanonical } from '../json/canonical.ts'
import type { JsonInput, JsonObject, JsonValue } from '../json/value.ts'
import { computeKeyId, KEYID_HASH_ALGORITHMS } from './keyid.ts'
import { loadPublicKeyPem, spkiPem } from './spki.ts'
import { isOpenPgpKey, type PublicKey, type VerificationKey } from './types.ts'

export type KeyidGeneration = '1.x' | '2.x'

export const KEYID_GENERATIONS: readonly KeyidGeneration[] = Object.freeze(['1.x', '2.x'])

/**
 * What a project owner today most likely runs: Python in-toto 3.0 (`--signing-key`,
 * `--verification-keys`), which writes 2.x keyids.
 */
export const DEFAULT_KEYID_GENERATION: KeyidGeneration = '2.x'

/** The canonical JSON whose SHA-256 is a 2.x keyid. */
export function keyIdPreimageV2(keytype: string, scheme: string, publicValue: string): string {
  return encodeCanonical(
    new Map<string, JsonInput>([
      ['keytype', keytype],
      ['keyval', new Map([['public', publicValue]])],
      ['scheme', scheme],
    ]),
  )
}

export function computeKeyIdV2(keytype: string, scheme: string, publicValue: string): string {
  return bytesToHex(sha256(utf8(keyIdPreimageV2(keytype, scheme, publicValue))))
}

/**
 * `keyval.public` as a generation writes it. 1.x: the key's own text (the reference's reading).
 * 2.x: RSA and ECDSA re-serialized as cryptography does; Ed25519 hex unchanged. Text that is
 * not a PEM key stays as it is.
 */
export function publicValueOf(key: PublicKey, generation: KeyidGeneration): string {
  if (generation === '1.x' || key.keytype === 'ed25519') return key.public
  try {
    const material = loadPublicKeyPem(key.public)
    return material.type === 'unsupported' ? key.public : spkiPem(material, true)
  } catch {
    return key.public
  }
}

/** The key's keyid as tools of `generation` compute it. */
export function keyidOf(key: VerificationKey, generation: KeyidGeneration): string {
  if (isOpenPgpKey(key)) return key.keyid
  const publicValue = publicValueOf(key, generation)
  return generation === '1.x' ? computeKeyId(key.keytype, key.scheme, publicValue) : computeKeyIdV2(key.keytype, key.scheme, publicValue)
}

/**
 * Every keyid a signature by `key` may carry: the key's own (as imported), then each
 * generation's, without repeats.
 */
export function keyidsOf(key: VerificationKey): string[] {
  const ids = [key.keyid]
  if (!isOpenPgpKey(key)) for (const generation of KEYID_GENERATIONS) ids.push(keyidOf(key, generation))
  return [...new Set(ids)]
}

/** The generation a keyid of `key` belongs to, if it is one of its keyids. */
export function generationOfKeyid(key: VerificationKey, keyid: string): KeyidGeneration | undefined {
  return KEYID_GENERATIONS.find((generation) => keyidOf(key, generation) === keyid)
}

/**
 * The object a layout's `keys` lists the key under, as a generation's tools write it: 1.x with
 * `keyid_hash_algorithms` (securesystemslib 0.26 importers), 2.x without (`SSlibKey.to_dict`
 * plus the keyid, as in-toto 3.0's layouts hold it). OpenPGP keys: their key object.
 */
export function layoutKeyObjectOf(key: VerificationKey, generation: KeyidGeneration): JsonObject {
  if (isOpenPgpKey(key)) return key.keyObject
  const publicValue = publicValueOf(key, generation)
  const entries: [string, JsonValue][] = [['keyid', keyidOf(key, generation)]]
  if (generation === '1.x') entries.push(['keyid_hash_algorithms', [...KEYID_HASH_ALGORITHMS]])
  entries.push(['keytype', key.keytype], ['keyval', new Map<string, JsonValue>([['public', publicValue]])], ['scheme', key.scheme])
  return new Map(entries)
}
