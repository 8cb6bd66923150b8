/**
 * Named edits of a layout: pure functions from one layout to the next, shared by the buttons,
 * the keyboard shortcuts, the graph (connect, delete) and the tests. Each returns a new layout
 * (or the same object when nothing changes, which the store treats as a no-op); nothing is
 * mutated, so undo is keeping the previous value.
 *
 * Items are addressed by kind and index: names may be duplicated while someone is typing, and
 * the signed layout itself is a list.
 */
import type { JsonObject, JsonValue } from '../json/value.ts'
import { createInspection, createStep, layoutKeyFromJson } from '../model/layout.ts'
import type { Inspection, Layout, LayoutKey, RuleSource, Step } from '../model/types.ts'
import { quoteRuleToken, splitRuleText } from '../rules/parse.ts'
import { matchOf, type ItemKind, type RuleListName } from './graph.ts'

export interface ItemRef {
  readonly kind: ItemKind
  readonly index: number
}

export function getItem(layout: Layout, ref: ItemRef): Step | Inspection | undefined {
  return ref.kind === 'step' ? layout.steps[ref.index] : layout.inspect[ref.index]
}

/** The first step or inspection called `name`. */
export function findItem(layout: Layout, name: string): ItemRef | undefined {
  const step = layout.steps.findIndex((s) => s.name === name)
  if (step >= 0) return { kind: 'step', index: step }
  const inspection = layout.inspect.findIndex((i) => i.name === name)
  return inspection >= 0 ? { kind: 'inspection', index: inspection } : undefined
}

/** `base`, or `base-2`, `base-3`… : the first name no step or inspection uses. */
export function freshName(layout: Layout, base: string): string {
  const used = new Set([...layout.steps.map((s) => s.name), ...layout.inspect.map((i) => i.name)])
  if (!used.has(base)) return base
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`
}

function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  const copy = [...list]
  copy[index] = value
  return copy
}

function updateItem(layout: Layout, ref: ItemRef, update: (item: Step | Inspection) => Step | Inspection): Layout {
  const item = getItem(layout, ref)
  if (item === undefined) return layout
  const next = update(item)
  if (next === item) return layout
  return ref.kind === 'step'
    ? { ...layout, steps: replaceAt(layout.steps, ref.index, next as Step) }
    : { ...layout, inspect: replaceAt(layout.inspect, ref.index, next as Inspection) }
}

function updateStep(layout: Layout, index: number, update: (step: Step) => Step): Layout {
  return updateItem(layout, { kind: 'step', index }, (item) => update(item as Step))
}

export function addStep(layout: Layout, name = freshName(layout, 'step'), fields: Parameters<typeof createStep>[1] = {}): Layout {
  return { ...layout, steps: [...layout.steps, createStep(name, fields)] }
}

export function addInspection(layout: Layout, name = freshName(layout, 'inspection'), fields: Parameters<typeof createInspection>[1] = {}): Layout {
  return { ...layout, inspect: [...layout.inspect, createInspection(name, fields)] }
}

/**
 * Renames a step or inspection and every `MATCH … FROM <old name>` that pointed at it, so the
 * artifact flow survives the rename. Other items with the same old name (a duplicate) keep
 * their rules pointing at it.
 */
export function renameItem(layout: Layout, ref: ItemRef, name: string): Layout {
  const item = getItem(layout, ref)
  if (item === undefined || (item.name === name && item.rawName === undefined)) return layout
  const old = item.name
  const stillUsed = [...layout.steps, ...layout.inspect].filter((other) => other !== item && other.name === old).length > 0
  const renamed: Step | Inspection = { ...item, name }
  delete (renamed as { rawName?: unknown }).rawName
  let next = updateItem(layout, ref, () => renamed)
  if (stillUsed) return next
  const retarget = (rules: readonly RuleSource[]): readonly RuleSource[] => {
    let changed = false
    const out = rules.map((rule) => {
      if (matchOf(rule)?.from !== old) return rule
      changed = true
      return [...rule.slice(0, -1), name]
    })
    return changed ? out : rules
  }
  const retargetItem = <T extends Step | Inspection>(it: T): T => {
    const materials = retarget(it.expectedMaterials)
    const products = retarget(it.expectedProducts)
    return materials === it.expectedMaterials && products === it.expectedProducts ? it : { ...it, expectedMaterials: materials, expectedProducts: products }
  }
  next = { ...next, steps: next.steps.map(retargetItem), inspect: next.inspect.map(retargetItem) }
  return next
}

export function deleteItem(layout: Layout, ref: ItemRef): Layout {
  if (getItem(layout, ref) === undefined) return layout
  return ref.kind === 'step' ? { ...layout, steps: layout.steps.filter((_, i) => i !== ref.index) } : { ...layout, inspect: layout.inspect.filter((_, i) => i !== ref.index) }
}

export function setThreshold(layout: Layout, index: number, threshold: bigint): Layout {
  return updateStep(layout, index, (step) => (step.threshold === threshold ? step : { ...step, threshold }))
}

export function setExpectedCommand(layout: Layout, index: number, command: readonly JsonValue[]): Layout {
  return updateStep(layout, index, (step) => (sameArgs(step.expectedCommand, command) ? step : { ...step, expectedCommand: command }))
}

export function setRun(layout: Layout, index: number, run: readonly JsonValue[]): Layout {
  return updateItem(layout, { kind: 'inspection', index }, (item) => (sameArgs((item as Inspection).run, run) ? item : { ...(item as Inspection), run }))
}

function sameArgs(a: readonly JsonValue[], b: readonly JsonValue[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i])
}

export function setExpires(layout: Layout, expires: string): Layout {
  if (layout.expires === expires && !layout.expiresDefaulted) return layout
  const next: Layout = { ...layout, expires }
  delete (next as { expiresDefaulted?: boolean }).expiresDefaulted
  return next
}

export function setReadme(layout: Layout, readme: string): Layout {
  return layout.readme === readme ? layout : { ...layout, readme }
}

function rulesOf(item: Step | Inspection, list: RuleListName): readonly RuleSource[] {
  return list === 'materials' ? item.expectedMaterials : item.expectedProducts
}

function withRules<T extends Step | Inspection>(item: T, list: RuleListName, rules: readonly RuleSource[]): T {
  return list === 'materials' ? { ...item, expectedMaterials: rules } : { ...item, expectedProducts: rules }
}

/** Inserts a rule at `at` (default: the end). */
export function addRule(layout: Layout, ref: ItemRef, list: RuleListName, rule: RuleSource, at?: number): Layout {
  return updateItem(layout, ref, (item) => {
    const rules = [...rulesOf(item, list)]
    rules.splice(at ?? rules.length, 0, [...rule])
    return withRules(item, list, rules)
  })
}

export function replaceRule(layout: Layout, ref: ItemRef, list: RuleListName, index: number, rule: RuleSource): Layout {
  return updateItem(layout, ref, (item) => {
    const rules = rulesOf(item, list)
    const old = rules[index]
    if (old === undefined || (old.length === rule.length && old.every((e, i) => e === rule[i]))) return item
    return withRules(item, list, replaceAt(rules, index, [...rule]))
  })
}

export function removeRule(layout: Layout, ref: ItemRef, list: RuleListName, index: number): Layout {
  return updateItem(layout, ref, (item) => {
    const rules = rulesOf(item, list)
    return index < 0 || index >= rules.length
      ? item
      : withRules(
          item,
          list,
          rules.filter((_, i) => i !== index),
        )
  })
}

/** Moves the rule at `from` to position `to` (rule order matters: the first rule that matches an artifact consumes it). */
export function moveRule(layout: Layout, ref: ItemRef, list: RuleListName, from: number, to: number): Layout {
  return updateItem(layout, ref, (item) => {
    const rules = [...rulesOf(item, list)]
    if (from === to || from < 0 || to < 0 || from >= rules.length || to >= rules.length) return item
    const [moved] = rules.splice(from, 1)
    rules.splice(to, 0, moved as RuleSource)
    return withRules(item, list, rules)
  })
}

function isDisallowAll(rule: RuleSource | undefined): boolean {
  return rule !== undefined && rule.length === 2 && String(rule[0]).toLowerCase() === 'disallow' && rule[1] === '*'
}

/**
 * What drawing an edge from `source` to `target` means: `MATCH <pattern> WITH PRODUCTS FROM
 * <source>` on the target's materials, placed before a trailing `DISALLOW *` so it can
 * still consume artifacts.
 */
export function connectItems(layout: Layout, source: string, target: ItemRef, pattern = '*'): Layout {
  const item = getItem(layout, target)
  if (item === undefined || item.name === source) return layout
  const rule = ['MATCH', pattern, 'WITH', 'PRODUCTS', 'FROM', source]
  const existing = item.expectedMaterials
  if (existing.some((r) => r.length === rule.length && r.every((e, i) => e === rule[i]))) return layout
  const at = isDisallowAll(existing.at(-1)) ? existing.length - 1 : existing.length
  return addRule(layout, target, 'materials', rule, at)
}

/** Adds (or replaces) a functionary key under its keyid. Throws if `json` is not a valid layout key. */
export function addKey(layout: Layout, keyid: string, json: JsonObject): Layout {
  const key: LayoutKey = layoutKeyFromJson(json, `keys[${JSON.stringify(keyid)}]`)
  const keys = new Map(layout.keys)
  keys.set(keyid, key)
  return { ...layout, keys }
}

/** Removes a key from `keys` and from every step that authorized it. */
export function removeKey(layout: Layout, keyid: string): Layout {
  if (!layout.keys.has(keyid) && !layout.steps.some((s) => s.pubkeys.includes(keyid))) return layout
  const keys = new Map(layout.keys)
  keys.delete(keyid)
  return {
    ...layout,
    keys,
    steps: layout.steps.map((step) => (step.pubkeys.includes(keyid) ? { ...step, pubkeys: step.pubkeys.filter((k) => k !== keyid) } : step)),
  }
}

/** Lets the key sign the step's links (connecting a functionary to a step). */
export function authorizeKey(layout: Layout, stepIndex: number, keyid: string): Layout {
  return updateStep(layout, stepIndex, (step) => (step.pubkeys.includes(keyid) ? step : { ...step, pubkeys: [...step.pubkeys, keyid] }))
}

export function revokeKey(layout: Layout, stepIndex: number, keyid: string): Layout {
  return updateStep(layout, stepIndex, (step) => (step.pubkeys.includes(keyid) ? { ...step, pubkeys: step.pubkeys.filter((k) => k !== keyid) } : step))
}

/** An argument list as one line of text, quoting elements with spaces or quotes as JSON strings. */
export function argsToText(args: readonly JsonValue[]): string {
  return args.map((arg) => (typeof arg === 'string' ? quoteRuleToken(arg) : JSON.stringify(typeof arg === 'bigint' ? arg.toString() : arg))).join(' ')
}

/**
 * Parses an argument list typed as one line (the same quoting as rules: `"a b"` is one
 * argument). Throws `CoreError('format')` on an unterminated quote.
 */
export function textToArgs(text: string): string[] {
  return splitRuleText(text)
}
