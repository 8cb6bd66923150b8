/**
 * Two layouts on one canvas: the new layout plus what the old one had and the new one lost
 * (removed steps, inspections, keys, rules and authorizations), so the graph derived from it
 * (editor/graph.ts) can draw both, with each node and edge marked added, removed or changed.
 * The merged layout exists only to be drawn; it is never signed or saved.
 */
import { deriveGraph, inspectionNodeId, keyNodeId, stepNodeId } from '../editor/graph.ts'
import type { Inspection, Layout, LayoutKey, RuleSource, Step } from '../model/types.ts'
import type { ItemDiff, LayoutDiff } from './layout-diff.ts'
import type { RuleAlignment } from './rule-lists.ts'

export type DiffMarkState = 'added' | 'removed' | 'changed'

export interface DiffMark {
  readonly state: DiffMarkState
  /** A short word or two for the badge: "added", "renamed from build", "rotated". */
  readonly label: string
}

export interface GraphMarks {
  /** By node id of the graph of `layout` (editor/graph.ts). */
  readonly nodes: ReadonlyMap<string, DiffMark>
  /** By edge id of the same graph. */
  readonly edges: ReadonlyMap<string, DiffMark>
}

export interface ComparisonGraph {
  readonly layout: Layout
  readonly keyNames: ReadonlyMap<string, string>
  readonly marks: GraphMarks
}

const RULE_MARK: Partial<Record<RuleAlignment['status'], DiffMarkState>> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  rewritten: 'changed',
  moved: 'changed',
}

/** The rules to draw for one list, and the mark of each by its index in that list. */
function mergedRules(alignment: readonly RuleAlignment[]): { rules: RuleSource[]; marks: Map<number, DiffMarkState> } {
  const rules: RuleSource[] = []
  const marks = new Map<number, DiffMarkState>()
  const push = (rule: RuleSource, state: DiffMarkState | undefined) => {
    if (state !== undefined) marks.set(rules.length, state)
    rules.push(rule)
  }
  for (const entry of alignment) {
    if (entry.status === 'moved-away') continue
    if (entry.status === 'changed' && entry.old !== undefined && entry.new !== undefined) {
      // A changed MATCH may now point elsewhere: draw the old edge as removed, the new as changed.
      const from = (rule: RuleSource) => (String(rule[0]).toLowerCase() === 'match' ? rule.at(-1) : undefined)
      if (from(entry.old) !== from(entry.new)) {
        push(entry.old, 'removed')
        push(entry.new, 'added')
        continue
      }
    }
    push((entry.new ?? entry.old) as RuleSource, RULE_MARK[entry.status])
  }
  return { rules, marks }
}

export function comparisonGraph(
  before: Layout,
  after: Layout,
  diff: LayoutDiff,
  keyNames: { old?: ReadonlyMap<string, string>; new?: ReadonlyMap<string, string> } = {},
): ComparisonGraph {
  const nodeMarks = new Map<string, DiffMark>()
  const ruleMarks = new Map<string, DiffMarkState>()
  const authMarks = new Map<string, DiffMarkState>()
  const steps: Step[] = []
  const inspect: Inspection[] = []

  const rotatedFrom = new Map([...diff.keys.rotated].map(([oldKey, newKey]) => [newKey, oldKey]))
  const ordered = (kind: 'step' | 'inspection'): ItemDiff[] => {
    const items = diff.items.filter((item) => item.kind === kind)
    return [...items.filter((item) => item.status !== 'removed').sort((a, b) => (a.newIndex ?? 0) - (b.newIndex ?? 0)), ...items.filter((item) => item.status === 'removed')]
  }
  for (const kind of ['step', 'inspection'] as const) {
    for (const item of ordered(kind)) {
      const source =
        item.status === 'removed'
          ? (kind === 'step' ? before.steps : before.inspect)[item.oldIndex as number]
          : (kind === 'step' ? after.steps : after.inspect)[item.newIndex as number]
      if (source === undefined) continue
      const name = source.name
      const materials = mergedRules(item.materials)
      const products = mergedRules(item.products)
      for (const [list, merged] of [
        ['materials', materials],
        ['products', products],
      ] as const) {
        for (const [index, state] of merged.marks)
          ruleMarks.set(`${kind}\u0000${name}\u0000${list}\u0000${index}`, item.status === 'removed' ? 'removed' : item.status === 'added' ? 'added' : state)
      }
      const nodeId = kind === 'step' ? stepNodeId(name) : inspectionNodeId(name)
      if (item.status === 'added') nodeMarks.set(nodeId, { state: 'added', label: 'added' })
      else if (item.status === 'removed') nodeMarks.set(nodeId, { state: 'removed', label: 'removed' })
      else if (item.status === 'changed') nodeMarks.set(nodeId, { state: 'changed', label: item.oldName !== item.newName ? `renamed from ${item.oldName}` : 'changed' })
      const fields = { name, expectedMaterials: materials.rules, expectedProducts: products.rules }
      if (source.type === 'step') {
        const oldKeys = item.pubkeys?.old ?? []
        const newKeys = item.pubkeys?.new ?? []
        const pubkeys = [...new Set([...newKeys, ...oldKeys, ...oldKeys.map((keyid) => rotatedFrom.get(keyid) ?? keyid)])]
        for (const keyid of pubkeys) {
          const state: DiffMarkState | undefined = !newKeys.includes(keyid) ? 'removed' : !oldKeys.includes(keyid) || rotatedFrom.has(keyid) ? 'added' : undefined
          if (state !== undefined) authMarks.set(`${keyid}\u0000${steps.length}`, state)
        }
        steps.push({ ...source, ...fields, pubkeys })
      } else inspect.push({ ...source, ...fields })
    }
  }

  const keys = new Map<string, LayoutKey>(after.keys)
  for (const keyid of diff.keys.added) nodeMarks.set(keyNodeId(keyid), { state: 'added', label: 'added' })
  for (const keyid of diff.keys.changed) nodeMarks.set(keyNodeId(keyid), { state: 'changed', label: 'key changed' })
  for (const [oldKey, newKey] of diff.keys.rotated) {
    nodeMarks.set(keyNodeId(newKey), { state: 'changed', label: `rotated from ${oldKey.slice(0, 8)}…` })
    nodeMarks.set(keyNodeId(oldKey), { state: 'removed', label: 'rotated out' })
  }
  for (const keyid of [...diff.keys.removed, ...diff.keys.rotated.keys()]) {
    const key = before.keys.get(keyid)
    if (key !== undefined) keys.set(keyid, key)
    if (!nodeMarks.has(keyNodeId(keyid))) nodeMarks.set(keyNodeId(keyid), { state: 'removed', label: 'removed' })
  }
  const names = new Map([...(keyNames.old ?? []), ...(keyNames.new ?? [])])
  const layout: Layout = { ...after, keys, steps, inspect }

  const edgeMarks = new Map<string, DiffMark>()
  for (const edge of deriveGraph(layout, names).edges) {
    let state: DiffMarkState | undefined
    if (edge.kind === 'artifact') state = ruleMarks.get(`${edge.rule.itemKind}\u0000${edge.rule.item}\u0000${edge.rule.list}\u0000${edge.rule.index}`)
    else {
      const [, keyid, index] = /^auth:(.*):(\d+)$/.exec(edge.id) ?? []
      state = authMarks.get(`${keyid}\u0000${index}`)
    }
    if (state !== undefined) edgeMarks.set(edge.id, { state, label: state })
  }
  return { layout, keyNames: names, marks: { nodes: nodeMarks, edges: edgeMarks } }
}
