/**
 * The graph the editor draws, derived from the layout alone (the layout is the single source of
 * truth; nothing here is stored). Steps and inspections are nodes; functionaries (the layout's
 * keys) are nodes too, joined to the steps that authorize them. Artifact edges come from the
 * rules, never from list order: every `MATCH … FROM A` in B's rules is an edge A → B labelled
 * with its pattern, so the picture shows where each file comes from.
 */
import type { Inspection, Layout, RuleSource, Step } from '../model/types.ts'
import { parseRule } from '../rules/parse.ts'
import type { ArtifactKind } from '../rules/types.ts'

export type ItemKind = 'step' | 'inspection'
export type RuleListName = 'materials' | 'products'

interface NodeBase {
  /** Stable while the name is unchanged: `step:<name>`, `inspection:<name>`, `key:<keyid>`. */
  readonly id: string
}

export interface ItemNode extends NodeBase {
  readonly kind: ItemKind
  readonly name: string
  /** Index in `layout.steps` or `layout.inspect`. */
  readonly index: number
  readonly materialRules: number
  readonly productRules: number
  /** Steps only: threshold (booleans as Python counts them) and distinct authorized keyids. */
  readonly threshold?: bigint
  readonly keyCount?: number
  /** Steps only: the threshold exceeds the number of keys that can sign. */
  readonly thresholdTooHigh?: boolean
  /** Inspections only: the run command as text. */
  readonly command?: string
}

export interface FunctionaryNode extends NodeBase {
  readonly kind: 'functionary'
  readonly keyid: string
  /** Display name (editor metadata), or the short keyid. */
  readonly label: string
  readonly keytype: string | undefined
  /** Authorized by some step but absent from `layout.keys`. */
  readonly missing: boolean
}

export type GraphNode = ItemNode | FunctionaryNode

/** Where a rule sits: what the Verify panel highlights and the inspector edits. */
export interface RuleRef {
  readonly item: string
  readonly itemKind: ItemKind
  readonly list: RuleListName
  readonly index: number
}

export interface ArtifactEdge {
  readonly id: string
  readonly kind: 'artifact'
  /** The item named after FROM (where the artifacts come from). */
  readonly source: string
  /** The item whose rule it is. */
  readonly target: string
  readonly pattern: string
  /** Which artifacts of the source are compared (`WITH MATERIALS|PRODUCTS`). */
  readonly withKind: ArtifactKind
  readonly label: string
  readonly rule: RuleRef
}

export interface AuthorizationEdge {
  readonly id: string
  readonly kind: 'authorizes'
  readonly source: string
  readonly target: string
}

export type GraphEdge = ArtifactEdge | AuthorizationEdge

export interface LayoutGraphData {
  readonly nodes: readonly GraphNode[]
  readonly edges: readonly GraphEdge[]
}

export function stepNodeId(name: string): string {
  return `step:${name}`
}
export function inspectionNodeId(name: string): string {
  return `inspection:${name}`
}
export function keyNodeId(keyid: string): string {
  return `key:${keyid}`
}
export function itemNodeId(kind: ItemKind, name: string): string {
  return kind === 'step' ? stepNodeId(name) : inspectionNodeId(name)
}

/** `abcdef12…`: how keys are shown when nobody named them. */
export function shortKeyid(keyid: string): string {
  return keyid.length > 8 ? `${keyid.slice(0, 8)}…` : keyid
}

export function thresholdNumber(threshold: bigint | boolean): bigint {
  return typeof threshold === 'boolean' ? (threshold ? 1n : 0n) : threshold
}

/** Display text of an argument list (`tar zcvf foo.tar.gz foo.py`), quoting what needs it. */
export function commandText(command: readonly unknown[]): string {
  return command.map((arg) => (typeof arg === 'string' && arg !== '' && !/[\s"']/.test(arg) ? arg : JSON.stringify(typeof arg === 'bigint' ? Number(arg) : arg))).join(' ')
}

export function deriveGraph(layout: Layout, keyNames: ReadonlyMap<string, string> = new Map()): LayoutGraphData {
  const nodes: GraphNode[] = []
  const edges: GraphEdge[] = []
  // Duplicate names (a lint error) still get distinct node ids so that nothing disappears.
  const usedIds = new Set<string>()
  const uniqueId = (base: string): string => {
    let id = base
    for (let n = 2; usedIds.has(id); n++) id = `${base}#${n}`
    usedIds.add(id)
    return id
  }
  const idByStep = new Map<string, string>()
  const idByItem = new Map<string, string>()

  const itemIds: string[][] = [[], []]
  layout.steps.forEach((step, index) => {
    const id = uniqueId(stepNodeId(step.name))
    itemIds[0]?.push(id)
    if (!idByStep.has(step.name)) idByStep.set(step.name, id)
    if (!idByItem.has(step.name)) idByItem.set(step.name, id)
    nodes.push(stepNode(step, index, id))
  })
  layout.inspect.forEach((inspection, index) => {
    const id = uniqueId(inspectionNodeId(inspection.name))
    itemIds[1]?.push(id)
    if (!idByItem.has(inspection.name)) idByItem.set(inspection.name, id)
    nodes.push(inspectionNode(inspection, index, id))
  })

  const referenced = new Set<string>()
  layout.steps.forEach((step, index) => {
    for (const keyid of new Set(step.pubkeys)) {
      referenced.add(keyid)
      edges.push({ id: `auth:${keyid}:${index}`, kind: 'authorizes', source: keyNodeId(keyid), target: itemIds[0]?.[index] as string })
    }
  })
  for (const [keyid, key] of layout.keys) {
    nodes.push({ id: keyNodeId(keyid), kind: 'functionary', keyid, label: keyNames.get(keyid) ?? shortKeyid(keyid), keytype: key.keytype, missing: false })
  }
  for (const keyid of referenced) {
    if (!layout.keys.has(keyid))
      nodes.push({ id: keyNodeId(keyid), kind: 'functionary', keyid, label: keyNames.get(keyid) ?? shortKeyid(keyid), keytype: undefined, missing: true })
  }

  const addRuleEdges = (item: Step | Inspection, kind: ItemKind, index: number): void => {
    const target = itemIds[kind === 'step' ? 0 : 1]?.[index] as string
    for (const list of ['materials', 'products'] as const) {
      const rules = list === 'materials' ? item.expectedMaterials : item.expectedProducts
      rules.forEach((source, ruleIndex) => {
        const match = matchOf(source)
        if (match === undefined) return
        // Steps can only match against steps (inspections run later); inspections against either.
        const from = kind === 'step' ? idByStep.get(match.from) : idByItem.get(match.from)
        if (from === undefined) return
        edges.push({
          id: `rule:${target}:${list}:${ruleIndex}`,
          kind: 'artifact',
          source: from,
          target,
          pattern: match.pattern,
          withKind: match.withKind,
          label: match.pattern,
          rule: { item: item.name, itemKind: kind, list, index: ruleIndex },
        })
      })
    }
  }
  layout.steps.forEach((step, index) => addRuleEdges(step, 'step', index))
  layout.inspect.forEach((inspection, index) => addRuleEdges(inspection, 'inspection', index))
  return { nodes, edges }
}

function stepNode(step: Step, index: number, id: string): ItemNode {
  const threshold = thresholdNumber(step.threshold)
  const keyCount = new Set(step.pubkeys).size
  return {
    id,
    kind: 'step',
    name: step.name,
    index,
    materialRules: step.expectedMaterials.length,
    productRules: step.expectedProducts.length,
    threshold,
    keyCount,
    thresholdTooHigh: threshold > BigInt(keyCount),
  }
}

function inspectionNode(inspection: Inspection, index: number, id: string): ItemNode {
  return {
    id,
    kind: 'inspection',
    name: inspection.name,
    index,
    materialRules: inspection.expectedMaterials.length,
    productRules: inspection.expectedProducts.length,
    command: commandText(inspection.run),
  }
}

/** The MATCH parts of a rule, or `undefined` for other and malformed rules. */
export function matchOf(source: RuleSource): { pattern: string; withKind: ArtifactKind; from: string } | undefined {
  if (source.length < 6 || String(source[0]).toLowerCase() !== 'match') return undefined
  try {
    const rule = parseRule(source)
    return rule.type === 'MATCH' ? { pattern: rule.pattern, withKind: rule.destinationType, from: rule.destinationStep } : undefined
  } catch {
    return undefined
  }
}
