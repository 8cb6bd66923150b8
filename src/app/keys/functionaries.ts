/**
 * Layout edits about functionary keys, as pure functions for `applyEdit`: authorize a key in
 * `layout.keys`, rotate it (a new key takes the old one's place everywhere), and which steps a
 * key may sign.
 */
import { addKey } from '../../core/editor/commands.ts'
import { layoutKeyFromJson, layoutKeyJson } from '../../core/model/layout-key.ts'
import type { Layout, LayoutKey } from '../../core/model/types.ts'
import type { PublicKey } from '../../core/keys/types.ts'

export interface LayoutEdit {
  readonly layout: Layout
  readonly keyNames: ReadonlyMap<string, string>
}

function layoutKeyOf(publicKey: PublicKey): LayoutKey {
  return layoutKeyFromJson(layoutKeyJson(publicKey), `keys[${JSON.stringify(publicKey.keyid)}]`)
}

/** Adds `publicKey` to `layout.keys` under its keyid with a display name; an existing entry only gets the name. */
export function addFunctionary(layout: Layout, keyNames: ReadonlyMap<string, string>, publicKey: PublicKey, name: string): LayoutEdit {
  const names = new Map(keyNames).set(publicKey.keyid, name)
  if (layout.keys.has(publicKey.keyid)) return { layout, keyNames: names }
  return { layout: addKey(layout, publicKey.keyid, layoutKeyJson(publicKey)), keyNames: names }
}

/**
 * Replaces the key `oldKeyid` by `replacement` in `layout.keys` (same position) and in every
 * step's `pubkeys` (same position; no duplicate when the replacement is already listed). The
 * display name moves to the new key unless it already has one.
 */
export function rotateFunctionary(layout: Layout, keyNames: ReadonlyMap<string, string>, oldKeyid: string, replacement: PublicKey): LayoutEdit {
  const newKeyid = replacement.keyid
  if (!layout.keys.has(oldKeyid)) throw new Error(`key ${oldKeyid.slice(0, 8)}… is not a functionary of this layout`)
  if (oldKeyid === newKeyid) return { layout, keyNames }
  const keys = new Map<string, LayoutKey>()
  for (const [keyid, key] of layout.keys) {
    if (keyid === oldKeyid) keys.set(newKeyid, layout.keys.get(newKeyid) ?? layoutKeyOf(replacement))
    else if (keyid !== newKeyid) keys.set(keyid, key)
    // An existing entry for newKeyid is moved into oldKeyid's place above.
  }
  const steps = layout.steps.map((step) => {
    if (!step.pubkeys.includes(oldKeyid)) return step
    const pubkeys = step.pubkeys.map((keyid) => (keyid === oldKeyid ? newKeyid : keyid)).filter((keyid, index, all) => all.indexOf(keyid) === index)
    return { ...step, pubkeys }
  })
  const names = new Map(keyNames)
  const oldName = names.get(oldKeyid)
  names.delete(oldKeyid)
  if (oldName !== undefined && !names.has(newKeyid)) names.set(newKeyid, oldName)
  return { layout: { ...layout, keys, steps }, keyNames: names }
}

/** Names of the steps whose `pubkeys` authorize `keyid`, in layout order. */
export function stepsSignableBy(layout: Layout, keyid: string): string[] {
  return layout.steps.filter((step) => step.pubkeys.includes(keyid)).map((step) => step.name)
}
