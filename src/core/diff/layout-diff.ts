/**
 * What changed between two layouts, structurally and in words a reviewer reads: steps and
 * inspections added, removed or renamed (a rename is found by content, and `MATCH … FROM` the
 * old name then counts as unchanged), each rule added, removed, changed in place or moved,
 * functionary keys added, removed or rotated (a new key in the old one's place), thresholds
 * ("“build” now needs 2 of 3 signatures, was 1 of 2"), who may sign which step, commands,
 * expiry and readme.
 *
 * Two layouts are equal in substance when the bytes the reference signs are the same
 * (in-toto `Signable.signable_bytes`): envelope, signatures and file formatting do not count.
 * Any other difference invalidates the old layout's signatures.
 */
import { commandText, shortKeyid, thresholdNumber } from '../editor/graph.ts'
import { encodeCanonical } from '../json/canonical.ts'
import type { JsonValue } from '../json/value.ts'
import { layoutToSigned } from '../model/layout.ts'
import type { Inspection, Layout, RuleSource, Step } from '../model/types.ts'
import { formatRule } from '../rules/parse.ts'
import { alignRules, retargetRule, ruleMeaning, type RuleAlignment } from './rule-lists.ts'
import { pushAll } from '../arrays.ts'

export type ItemKind = 'step' | 'inspection'

export type ChangeKind =
  | 'expires'
  | 'readme'
  | 'key-added'
  | 'key-removed'
  | 'key-rotated'
  | 'key-changed'
  | 'item-added'
  | 'item-removed'
  | 'item-renamed'
  | 'items-reordered'
  | 'threshold'
  | 'authorized'
  | 'deauthorized'
  | 'command'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-changed'
  | 'rule-moved'
  | 'rule-rewritten'
  | 'other'

export interface Change {
  readonly kind: ChangeKind
  /** The change as a sentence. */
  readonly sentence: string
  /** The step or inspection it is about (its new name; the old one for a removed item). */
  readonly item?: { readonly kind: ItemKind; readonly name: string }
  readonly keyid?: string
  readonly list?: 'materials' | 'products'
  readonly before?: string
  readonly after?: string
}

export interface ItemDiff {
  readonly kind: ItemKind
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged'
  readonly oldName?: string
  readonly newName?: string
  readonly oldIndex?: number
  readonly newIndex?: number
  /** Rule alignments (old rules retargeted through renames). */
  readonly materials: readonly RuleAlignment[]
  readonly products: readonly RuleAlignment[]
  /** Authorized keyids, old (rotations applied) and new, for a step. */
  readonly pubkeys?: { readonly old: readonly string[]; readonly new: readonly string[] }
}

export interface LayoutDiff {
  /** The signed bytes are the same: nothing a signature covers differs. */
  readonly equal: boolean
  readonly changes: readonly Change[]
  readonly items: readonly ItemDiff[]
  /** Old item name → new, for items matched by content. */
  readonly renames: ReadonlyMap<string, string>
  readonly keys: {
    readonly added: readonly string[]
    readonly removed: readonly string[]
    /** Old keyid → new keyid. */
    readonly rotated: ReadonlyMap<string, string>
    readonly changed: readonly string[]
  }
}

export interface DiffOptions {
  /** Display names of keys (editor metadata) on each side. */
  readonly oldKeyNames?: ReadonlyMap<string, string>
  readonly newKeyNames?: ReadonlyMap<string, string>
}

export const SIGNATURES_NOTE = 'Any change to a layout invalidates its signatures: the changed layout must be signed again by the project owner(s) before it verifies.'

type Item = Step | Inspection

function quoted(text: string): string {
  return `“${text}”`
}

function shortText(text: string, limit = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine
}

function plural(count: number | bigint, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 || count === 1n ? one : many}`
}

function canonical(value: JsonValue): string {
  try {
    return encodeCanonical(value)
  } catch {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v))
  }
}

function sameArgs(a: readonly JsonValue[], b: readonly JsonValue[]): boolean {
  return canonical(a as JsonValue[]) === canonical(b as JsonValue[])
}

function rulesOf(item: Item, list: 'materials' | 'products'): readonly RuleSource[] {
  return list === 'materials' ? item.expectedMaterials : item.expectedProducts
}

/** How alike two items are, 0…1, with the old one's MATCH targets renamed as known so far. */
function similarity(a: Item, b: Item, renames: ReadonlyMap<string, string>): number {
  const jaccard = (x: readonly RuleSource[], y: readonly RuleSource[]): number => {
    const left = new Set(x.map((rule) => ruleMeaning(retargetRule(rule, renames))))
    const right = new Set(y.map(ruleMeaning))
    if (left.size === 0 && right.size === 0) return 1
    let common = 0
    for (const meaning of left) if (right.has(meaning)) common++
    return common / (left.size + right.size - common)
  }
  const parts = [jaccard(a.expectedMaterials, b.expectedMaterials), jaccard(a.expectedProducts, b.expectedProducts)]
  if (a.type === 'step' && b.type === 'step') {
    parts.push(thresholdNumber(a.threshold) === thresholdNumber(b.threshold) ? 1 : 0, sameArgs(a.expectedCommand, b.expectedCommand) ? 1 : 0)
    const keys = new Set([...a.pubkeys, ...b.pubkeys])
    parts.push(keys.size === 0 ? 1 : a.pubkeys.filter((k) => b.pubkeys.includes(k)).length / keys.size)
  } else if (a.type === 'inspection' && b.type === 'inspection') {
    parts.push(sameArgs(a.run, b.run) ? 1 : 0)
  }
  return parts.reduce((sum, part) => sum + part, 0) / parts.length
}

/** A removed and an added item this alike are one item renamed. */
const RENAME_SIMILARITY = 0.6

interface Pairing {
  readonly pairs: [number, number][]
  readonly removed: number[]
  readonly added: number[]
}

/** Pairs items of one kind: by name first, then the most alike of the rest. */
function pairItems(before: readonly Item[], after: readonly Item[], renames: Map<string, string>): Pairing {
  const pairs: [number, number][] = []
  const usedAfter = new Set<number>()
  const leftBefore: number[] = []
  before.forEach((item, i) => {
    const j = after.findIndex((other, index) => !usedAfter.has(index) && other.name === item.name)
    if (j < 0) leftBefore.push(i)
    else {
      usedAfter.add(j)
      pairs.push([i, j])
    }
  })
  const leftAfter = after.map((_, j) => j).filter((j) => !usedAfter.has(j))
  const candidates: { i: number; j: number; score: number }[] = []
  for (const i of leftBefore) for (const j of leftAfter) candidates.push({ i, j, score: similarity(before[i] as Item, after[j] as Item, renames) })
  candidates.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j)
  const renamedBefore = new Set<number>()
  for (const { i, j, score } of candidates) {
    if (score < RENAME_SIMILARITY || renamedBefore.has(i) || usedAfter.has(j)) continue
    renamedBefore.add(i)
    usedAfter.add(j)
    pairs.push([i, j])
    renames.set((before[i] as Item).name, (after[j] as Item).name)
  }
  return { pairs, removed: leftBefore.filter((i) => !renamedBefore.has(i)), added: after.map((_, j) => j).filter((j) => !usedAfter.has(j)) }
}

export function diffLayouts(before: Layout, after: Layout, options: DiffOptions = {}): LayoutDiff {
  const oldNames = options.oldKeyNames ?? new Map<string, string>()
  const newNames = options.newKeyNames ?? new Map<string, string>()
  const keyLabel = (keyid: string, side: 'old' | 'new'): string => {
    const name = (side === 'old' ? oldNames : newNames).get(keyid) ?? (side === 'old' ? newNames : oldNames).get(keyid)
    return name ? `${name} (${shortKeyid(keyid)})` : shortKeyid(keyid)
  }
  const changes: Change[] = []
  const equal = canonical(layoutToSigned(before)) === canonical(layoutToSigned(after))

  if (before.expires !== after.expires) {
    const direction = before.expires < after.expires ? 'later' : 'earlier'
    changes.push({ kind: 'expires', sentence: `The layout now expires ${after.expires} (${direction}), was ${before.expires}.`, before: before.expires, after: after.expires })
  }
  if (before.readme !== after.readme) {
    const sentence =
      after.readme === ''
        ? `The readme was removed (was ${quoted(shortText(before.readme))}).`
        : before.readme === ''
          ? `A readme was added: ${quoted(shortText(after.readme))}.`
          : `The readme changed from ${quoted(shortText(before.readme))} to ${quoted(shortText(after.readme))}.`
    changes.push({ kind: 'readme', sentence, before: before.readme, after: after.readme })
  }

  // Items: steps with steps, inspections with inspections. Renames found for steps help pair inspections.
  const renames = new Map<string, string>()
  const stepPairing = pairItems(before.steps, after.steps, renames)
  const inspectionPairing = pairItems(before.inspect, after.inspect, renames)

  // Keys: a removed key whose steps (or display name) an added key took over is a rotation.
  const removedKeys = [...before.keys.keys()].filter((keyid) => !after.keys.has(keyid))
  const addedKeys = [...after.keys.keys()].filter((keyid) => !before.keys.has(keyid))
  const stepsSigning = (layout: Layout, keyid: string, rename: boolean): string =>
    JSON.stringify(
      layout.steps
        .filter((step) => step.pubkeys.includes(keyid))
        .map((step) => (rename ? (renames.get(step.name) ?? step.name) : step.name))
        .sort(),
    )
  const rotated = new Map<string, string>()
  for (const oldKey of removedKeys) {
    const oldSteps = stepsSigning(before, oldKey, true)
    const oldName = oldNames.get(oldKey)
    const match = addedKeys.find(
      (newKey) =>
        ![...rotated.values()].includes(newKey) &&
        ((oldName !== undefined && newNames.get(newKey) === oldName) || (oldSteps !== '[]' && stepsSigning(after, newKey, false) === oldSteps)),
    )
    if (match !== undefined) rotated.set(oldKey, match)
  }
  const rotatedTo = new Set(rotated.values())
  for (const [oldKey, newKey] of rotated) {
    const steps = JSON.parse(stepsSigning(after, newKey, false)) as string[]
    const who = newNames.get(newKey) ?? oldNames.get(oldKey)
    changes.push({
      kind: 'key-rotated',
      keyid: newKey,
      sentence: `${who ? `${who}'s key` : 'A functionary key'} was rotated: ${shortKeyid(oldKey)} is replaced by ${shortKeyid(newKey)}${steps.length > 0 ? ` (for ${steps.map(quoted).join(', ')})` : ''}.`,
      before: oldKey,
      after: newKey,
    })
  }
  const changedKeys: string[] = []
  for (const keyid of addedKeys) {
    if (rotatedTo.has(keyid)) continue
    const key = after.keys.get(keyid)
    changes.push({ kind: 'key-added', keyid, sentence: `Key ${keyLabel(keyid, 'new')}${key?.keytype ? ` (${key.keytype})` : ''} was added to the layout.` })
  }
  for (const keyid of removedKeys) {
    if (rotated.has(keyid)) continue
    changes.push({ kind: 'key-removed', keyid, sentence: `Key ${keyLabel(keyid, 'old')} was removed from the layout.` })
  }
  for (const [keyid, key] of after.keys) {
    const old = before.keys.get(keyid)
    if (old === undefined || canonical(old.json) === canonical(key.json)) continue
    changedKeys.push(keyid)
    const fields = [...new Set([...old.json.keys(), ...key.json.keys()])].filter((field) => canonical(old.json.get(field) ?? null) !== canonical(key.json.get(field) ?? null))
    changes.push({ kind: 'key-changed', keyid, sentence: `The key object of ${keyLabel(keyid, 'new')} changed (${fields.join(', ')}), under the same keyid.` })
  }

  const items: ItemDiff[] = []
  const diffKind = (kind: ItemKind, list: readonly Item[], newList: readonly Item[], pairing: Pairing): void => {
    const label = kind === 'step' ? 'Step' : 'Inspection'
    for (const i of pairing.removed) {
      const item = list[i] as Item
      changes.push({ kind: 'item-removed', item: { kind, name: item.name }, sentence: `${label} ${quoted(item.name)} was removed.` })
      items.push({
        kind,
        status: 'removed',
        oldName: item.name,
        oldIndex: i,
        materials: alignRules(
          item.expectedMaterials.map((rule) => retargetRule(rule, renames)),
          [],
        ),
        products: alignRules(
          item.expectedProducts.map((rule) => retargetRule(rule, renames)),
          [],
        ),
        ...(item.type === 'step' ? { pubkeys: { old: item.pubkeys.map((k) => rotated.get(k) ?? k), new: [] } } : {}),
      })
    }
    for (const j of pairing.added) {
      const item = newList[j] as Item
      const keys = item.type === 'step' ? new Set(item.pubkeys).size : 0
      const what =
        item.type === 'step'
          ? keys === 0
            ? 'nobody may sign it yet'
            : `${thresholdNumber(item.threshold)} of ${plural(keys, 'functionary', 'functionaries')} must sign it`
          : `it runs ${quoted(commandText(item.run))}`
      changes.push({
        kind: 'item-added',
        item: { kind, name: item.name },
        sentence: `New ${kind} ${quoted(item.name)}: ${what}; ${plural(item.expectedMaterials.length, 'materials rule')}, ${plural(item.expectedProducts.length, 'products rule')}.`,
      })
      items.push({
        kind,
        status: 'added',
        newName: item.name,
        newIndex: j,
        materials: alignRules([], item.expectedMaterials),
        products: alignRules([], item.expectedProducts),
        ...(item.type === 'step' ? { pubkeys: { old: [], new: item.pubkeys } } : {}),
      })
    }
    for (const [i, j] of pairing.pairs) {
      const old = list[i] as Item
      const neu = newList[j] as Item
      const start = changes.length
      const at = { kind, name: neu.name }
      if (old.name !== neu.name)
        changes.push({ kind: 'item-renamed', item: at, sentence: `${label} ${quoted(old.name)} was renamed to ${quoted(neu.name)}.`, before: old.name, after: neu.name })
      let pubkeys: ItemDiff['pubkeys']
      if (old.type === 'step' && neu.type === 'step') {
        const oldKeys = [...new Set(old.pubkeys.map((k) => rotated.get(k) ?? k))]
        const newKeys = [...new Set(neu.pubkeys)]
        pubkeys = { old: oldKeys, new: newKeys }
        const oldThreshold = thresholdNumber(old.threshold)
        const newThreshold = thresholdNumber(neu.threshold)
        if (oldThreshold !== newThreshold || oldKeys.length !== newKeys.length) {
          changes.push({
            kind: 'threshold',
            item: at,
            sentence:
              newKeys.length === 0
                ? `Nobody may sign ${quoted(neu.name)} any more (it needed ${oldThreshold} of ${oldKeys.length}).`
                : `${quoted(neu.name)} now needs ${newThreshold} of ${plural(newKeys.length, 'signature')}, was ${oldThreshold} of ${oldKeys.length}.`,
            before: `${oldThreshold} of ${oldKeys.length}`,
            after: `${newThreshold} of ${newKeys.length}`,
          })
        } else if (old.threshold !== neu.threshold) {
          changes.push({
            kind: 'threshold',
            item: at,
            sentence: `${quoted(neu.name)}'s threshold is written differently (${String(old.threshold)} → ${String(neu.threshold)}), with the same meaning.`,
          })
        }
        for (const keyid of newKeys)
          if (!oldKeys.includes(keyid)) changes.push({ kind: 'authorized', item: at, keyid, sentence: `${keyLabel(keyid, 'new')} may now sign ${quoted(neu.name)}.` })
        for (const keyid of oldKeys)
          if (!newKeys.includes(keyid)) changes.push({ kind: 'deauthorized', item: at, keyid, sentence: `${keyLabel(keyid, 'old')} may no longer sign ${quoted(neu.name)}.` })
        const sameKeys = oldKeys.length === newKeys.length && oldKeys.every((k) => newKeys.includes(k))
        if (sameKeys && canonical(old.pubkeys.map((k) => rotated.get(k) ?? k)) !== canonical([...neu.pubkeys])) {
          changes.push({
            kind: 'authorized',
            item: at,
            sentence: `${quoted(neu.name)}'s functionaries are listed in another order (with a threshold of 1, the link of the first listed is the one checked).`,
          })
        }
        if (!sameArgs(old.expectedCommand, neu.expectedCommand)) {
          const was = old.expectedCommand.length === 0 ? 'none' : quoted(commandText(old.expectedCommand))
          const now = neu.expectedCommand.length === 0 ? 'no expected command' : quoted(commandText(neu.expectedCommand))
          changes.push({
            kind: 'command',
            item: at,
            sentence: `${quoted(neu.name)} is now expected to run ${now}, was ${was}.`,
            before: commandText(old.expectedCommand),
            after: commandText(neu.expectedCommand),
          })
        }
      } else if (old.type === 'inspection' && neu.type === 'inspection' && !sameArgs(old.run, neu.run)) {
        changes.push({
          kind: 'command',
          item: at,
          sentence: `Inspection ${quoted(neu.name)} now runs ${quoted(commandText(neu.run))}, was ${quoted(commandText(old.run))}.`,
          before: commandText(old.run),
          after: commandText(neu.run),
        })
      }
      const alignments = { materials: [] as RuleAlignment[], products: [] as RuleAlignment[] }
      for (const list of ['materials', 'products'] as const) {
        const alignment = alignRules(
          rulesOf(old, list).map((rule) => retargetRule(rule, renames)),
          rulesOf(neu, list),
        )
        alignments[list] = alignment
        pushAll(changes, ruleChanges(alignment, at, list, label))
      }
      const changed = changes.length > start || canonical(itemSigned(old, renames)) !== canonical(itemSigned(neu, new Map()))
      items.push({
        kind,
        status: changed ? 'changed' : 'unchanged',
        oldName: old.name,
        newName: neu.name,
        oldIndex: i,
        newIndex: j,
        ...alignments,
        ...(pubkeys ? { pubkeys } : {}),
      })
    }
    const byOld = [...pairing.pairs].sort(([a], [b]) => a - b).map(([, j]) => j)
    const byNew = [...byOld].sort((a, b) => a - b)
    if (byOld.some((j, index) => j !== byNew[index])) {
      const names = (order: number[]) => order.map((j) => quoted((newList[j] as Item).name)).join(', ')
      changes.push({ kind: 'items-reordered', sentence: `The ${kind === 'step' ? 'steps' : 'inspections'} are now in the order ${names(byNew)} (were ${names(byOld)}).` })
    }
  }
  diffKind('step', before.steps, after.steps, stepPairing)
  diffKind('inspection', before.inspect, after.inspect, inspectionPairing)

  if (!equal && changes.length === 0) {
    changes.push({
      kind: 'other',
      sentence: `The layouts are written differently in ${firstDifference(layoutToSigned(before), layoutToSigned(after))}, with no difference this comparison knows how to describe.`,
    })
  }
  return {
    equal,
    changes,
    items,
    renames,
    keys: { added: addedKeys.filter((k) => !rotatedTo.has(k)), removed: removedKeys.filter((k) => !rotated.has(k)), rotated, changed: changedKeys },
  }
}

/** An item's signed form, for "did anything change at all" (names are compared separately). */
function itemSigned(item: Item, renames: ReadonlyMap<string, string>): JsonValue {
  const retarget = (rules: readonly RuleSource[]) => rules.map((rule) => [...retargetRule(rule, renames)])
  const common: JsonValue[] = [retarget(item.expectedMaterials), retarget(item.expectedProducts), item.rawName ?? null]
  return item.type === 'step' ? [...common, [...item.pubkeys], item.threshold, [...item.expectedCommand]] : [...common, [...item.run]]
}

function ruleChanges(alignment: readonly RuleAlignment[], item: { kind: ItemKind; name: string }, list: 'materials' | 'products', label: string): Change[] {
  const changes: Change[] = []
  const where = `${label === 'Step' ? '' : 'inspection '}${quoted(item.name)}`
  for (const entry of alignment) {
    const oldText = entry.old ? formatRule(entry.old) : ''
    const newText = entry.new ? formatRule(entry.new) : ''
    const position = (entry.newIndex ?? entry.oldIndex ?? 0) + 1
    const base = { item, list, before: oldText, after: newText }
    switch (entry.status) {
      case 'added':
        changes.push({ kind: 'rule-added', ...base, sentence: `New ${list} rule ${position} of ${where}: ${newText}.` })
        break
      case 'removed':
        changes.push({ kind: 'rule-removed', ...base, sentence: `${capital(list)} rule ${(entry.oldIndex ?? 0) + 1} of ${where} was removed: ${oldText}.` })
        break
      case 'changed':
        changes.push({ kind: 'rule-changed', ...base, sentence: `${capital(list)} rule ${position} of ${where} changed from ${oldText} to ${newText}.` })
        break
      case 'rewritten':
        changes.push({
          kind: 'rule-rewritten',
          ...base,
          sentence: `${capital(list)} rule ${position} of ${where} is written differently, with the same meaning: ${oldText} → ${newText}.`,
        })
        break
      case 'moved':
        changes.push({
          kind: 'rule-moved',
          ...base,
          sentence: `${capital(list)} rule ${newText} of ${where} moved from position ${(entry.oldIndex ?? 0) + 1} to ${(entry.newIndex ?? 0) + 1} (rule order decides which rule consumes an artifact).`,
        })
        break
      case 'same':
      case 'moved-away':
        break
    }
  }
  return changes
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The first JSON path where two values differ. */
function firstDifference(a: JsonValue, b: JsonValue, path = ''): string {
  if (a instanceof Map && b instanceof Map) {
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(key)
      const y = b.get(key)
      if (x === undefined || y === undefined) return path === '' ? key : `${path}.${key}`
      if (canonical(x) !== canonical(y)) return firstDifference(x, y, path === '' ? key : `${path}.${key}`)
    }
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i]
      const y = b[i]
      if (x === undefined || y === undefined || canonical(x) !== canonical(y)) return x !== undefined && y !== undefined ? firstDifference(x, y, `${path}[${i}]`) : `${path}[${i}]`
    }
  }
  return path === '' ? 'the layout' : path
}
