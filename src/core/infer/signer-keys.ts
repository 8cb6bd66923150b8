/**
 * Which known key made a signature, whatever generation of tools wrote its keyid: in-toto 1.x
 * and 2.x compute different keyids for one key (keys/keyid-generations.ts), and an OpenPGP
 * key signs with its fingerprint or a subkey's. The layout must then list the key under the
 * keyid the links carry, as that generation's tools write the key object, since verifiers look
 * links up by `STEP.KEYID8.link` and match signatures by keyid.
 */
import { isJsonObject, type JsonObject } from '../json/value.ts'
import { generationOfKeyid, keyidsOf, layoutKeyObjectOf } from '../keys/keyid-generations.ts'
import { isOpenPgpKey } from '../keys/types.ts'
import type { KnownKey } from './types.ts'
import { pushAll } from '../arrays.ts'

export interface ResolvedSigner {
  readonly known: KnownKey
  /** The keyid for the step's `pubkeys` and the layout's `keys` (an OpenPGP subkey's master key). */
  readonly keyid: string
  /** The object for `layout.keys[keyid]`. */
  readonly json: JsonObject
}

export class SignerKeys {
  private readonly byKeyid = new Map<string, KnownKey>()

  constructor(keys: readonly KnownKey[]) {
    for (const known of keys) {
      const ids = [...keyidsOf(known.publicKey)]
      if (isOpenPgpKey(known.publicKey)) {
        const subkeys = known.publicKey.keyObject.get('subkeys')
        if (isJsonObject(subkeys)) pushAll(ids, subkeys.keys())
      }
      for (const keyid of ids) if (!this.byKeyid.has(keyid)) this.byKeyid.set(keyid, known)
    }
  }

  /** The known keys, each once. */
  get keys(): KnownKey[] {
    return [...new Set(this.byKeyid.values())]
  }

  resolve(signatureKeyid: string): ResolvedSigner | undefined {
    const known = this.byKeyid.get(signatureKeyid)
    if (known === undefined) return undefined
    const key = known.publicKey
    if (isOpenPgpKey(key)) return { known, keyid: key.keyid, json: known.json ?? key.keyObject }
    if (signatureKeyid === key.keyid && known.json !== undefined) return { known, keyid: signatureKeyid, json: known.json }
    return { known, keyid: signatureKeyid, json: layoutKeyObjectOf(key, generationOfKeyid(key, signatureKeyid) ?? '1.x') }
  }
}
