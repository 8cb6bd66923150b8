/**
 * Edits of a tamper simulation (tamper.ts): what a person changes to see what the layout's
 * rules make of it. An edit changes either the artifacts a link recorded (a step's link, or a
 * signed inspection link that came with the bundle) or the product files, the working
 * directory the inspections run in here. Edits apply in order, each to what the ones before
 * it left; each is checked against that state, so an edit that cannot apply is refused with
 * its number instead of being ignored.
 */
import { isHex } from '../model/schema.ts'
import type { ArtifactMap, HashDict, Link } from '../model/types.ts'
import { normpath } from '../record/posix-path.ts'
import type { ArtifactKind } from '../rules/types.ts'

export type TamperAction = 'change' | 'remove' | 'add'

/** A change to the `list` of the link `item` (a step, or an inspection whose link was signed) was checked against. */
export type LinkEdit =
  | { readonly on: 'link'; readonly action: 'change' | 'add'; readonly item: string; readonly list: ArtifactKind; readonly path: string; readonly hashes: HashDict }
  | { readonly on: 'link'; readonly action: 'remove'; readonly item: string; readonly list: ArtifactKind; readonly path: string }

/** A change to the product files: `change` replaces a file's content, `add` puts a new file there. */
export type ProductEdit =
  | { readonly on: 'products'; readonly action: 'change' | 'add'; readonly path: string; readonly bytes: Uint8Array }
  | { readonly on: 'products'; readonly action: 'remove'; readonly path: string }

export type TamperEdit = LinkEdit | ProductEdit

/** An edit that cannot apply; `index` is its position in the list (0-based). */
export class TamperEditError extends Error {
  readonly index: number
  constructor(index: number, message: string) {
    super(`Edit ${index + 1}: ${message}`)
    this.name = 'TamperEditError'
    this.index = index
  }
}

/**
 * The links after the link edits among `edits` (by item name; unedited links are the same
 * objects). `editable`: the items whose links may be edited, with why the others may not.
 */
export function applyLinkEdits(links: ReadonlyMap<string, Link>, edits: readonly TamperEdit[], editable: (item: string) => string | undefined): Map<string, Link> {
  const out = new Map(links)
  // Copies made for this simulation, so an edit never changes the verification's own maps.
  const copies = new Map<string, { materials?: Map<string, HashDict>; products?: Map<string, HashDict> }>()
  edits.forEach((edit, index) => {
    if (edit.on !== 'link') return
    const refusal = editable(edit.item)
    if (refusal !== undefined) throw new TamperEditError(index, refusal)
    const link = out.get(edit.item)
    if (link === undefined) throw new TamperEditError(index, `'${edit.item}' has no link in this verification`)
    if (edit.list !== 'materials' && edit.list !== 'products') throw new TamperEditError(index, `there is no artifact list '${String(edit.list)}' (materials or products)`)
    const own = copies.get(edit.item) ?? {}
    copies.set(edit.item, own)
    const artifacts = (own[edit.list] ??= new Map(link[edit.list]))
    const where = `the ${edit.list} of '${edit.item}'`
    if (edit.path === '') throw new TamperEditError(index, 'an artifact needs a path')
    const present = artifacts.has(edit.path)
    if (edit.action === 'remove') {
      if (!present) throw new TamperEditError(index, `'${edit.path}' is not among ${where}`)
      artifacts.delete(edit.path)
    } else {
      if (edit.action === 'change' && !present) throw new TamperEditError(index, `'${edit.path}' is not among ${where} (add it instead)`)
      if (edit.action === 'add' && present) throw new TamperEditError(index, `'${edit.path}' is already among ${where} (change its digest instead)`)
      artifacts.set(edit.path, checkedHashes(edit.hashes, index))
    }
    out.set(edit.item, { ...link, [edit.list]: artifacts })
  })
  return out
}

/** The product files after the product edits among `edits` (`undefined`: there are none). */
export function applyProductEdits(files: ReadonlyMap<string, Uint8Array>, edits: readonly TamperEdit[]): Map<string, Uint8Array> | undefined {
  if (!edits.some((edit) => edit.on === 'products')) return undefined
  const out = new Map(files)
  edits.forEach((edit, index) => {
    if (edit.on !== 'products') return
    const path = checkedProductPath(edit.path, index)
    const present = out.has(path)
    if (edit.action === 'remove') {
      if (!present) throw new TamperEditError(index, `'${path}' is not among the product files`)
      out.delete(path)
      return
    }
    if (edit.action === 'change' && !present) throw new TamperEditError(index, `'${path}' is not among the product files (add it instead)`)
    if (edit.action === 'add' && present) throw new TamperEditError(index, `'${path}' is already among the product files (replace it instead)`)
    if (edit.action === 'add') {
      for (const existing of out.keys()) {
        if (existing.startsWith(`${path}/`)) throw new TamperEditError(index, `'${path}' is a folder of the product files`)
        if (path.startsWith(`${existing}/`)) throw new TamperEditError(index, `'${existing}' is a file, so nothing can be put under it`)
      }
    }
    out.set(path, edit.bytes)
  })
  return out
}

/** Whether any edit changes `item`'s link. */
export function editsLink(edits: readonly TamperEdit[], item: string): boolean {
  return edits.some((edit) => edit.on === 'link' && edit.item === item)
}

/**
 * Hash dicts as a link may hold them (securesystemslib `HASHDICT_SCHEMA`: strings to
 * `HEX_SCHEMA`): a digest that is not hex would make the link unreadable, not a rule fail.
 */
function checkedHashes(hashes: HashDict, index: number): HashDict {
  if (hashes.size === 0) throw new TamperEditError(index, 'an artifact needs at least one digest')
  for (const [algorithm, digest] of hashes) {
    if (algorithm === '') throw new TamperEditError(index, 'a digest needs an algorithm name (e.g. sha256)')
    if (!isHex(digest)) throw new TamperEditError(index, `the ${algorithm} digest must be hexadecimal (a link holding ${JSON.stringify(digest)} would not load)`)
  }
  return new Map(hashes)
}

/** A product file's path as the working directory holds it: relative, normalized, inside. */
function checkedProductPath(path: string, index: number): string {
  const normal = normpath(path)
  if (path === '' || normal === '.' || normal.startsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw new TamperEditError(index, `'${path}' is not a path inside the working directory`)
  }
  return normal
}

/** The artifacts of `list` in `link` (for callers that name lists by kind). */
export function artifactsOf(link: Link, list: ArtifactKind): ArtifactMap {
  return list === 'materials' ? link.materials : link.products
}
