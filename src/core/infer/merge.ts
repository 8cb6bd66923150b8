/**
 * Inferred rules for steps of an existing layout, as a change to review rather than a
 * replacement: for each chosen step with a link of the same name, the proposed rule lists
 * aligned with the current ones (diff/rule-lists.ts), each change carrying the provenance of
 * the proposed rule, and accepted one by one. Functionaries, thresholds and commands stay as
 * they are.
 */
import type { RuleAlignment } from '../diff/rule-lists.ts'
import { alignRules, mergeAccepted } from '../diff/rule-lists.ts'
import type { Inspection, Layout, Step } from '../model/types.ts'
import type { Inference, ProposedItem, ProposedRule } from './types.ts'

export interface RuleChange {
  /** Stable within a proposal set: `<kind>:<name>:<list>:<alignment index>`. */
  readonly id: string
  readonly list: 'materials' | 'products'
  readonly alignment: RuleAlignment
  /** Why the proposed rule (absent when the change removes a current rule). */
  readonly proposed?: ProposedRule
}

export interface ItemProposal {
  readonly kind: 'step' | 'inspection'
  readonly name: string
  /** Index in `layout.steps` or `layout.inspect`. */
  readonly index: number
  readonly item: ProposedItem
  readonly materials: readonly RuleAlignment[]
  readonly products: readonly RuleAlignment[]
  /** Every entry that is not an unchanged rule, in list order (a move appears once, at its new place). */
  readonly changes: readonly RuleChange[]
}

function changesOf(kind: string, name: string, list: 'materials' | 'products', alignment: readonly RuleAlignment[], proposed: readonly ProposedRule[]): RuleChange[] {
  const changes: RuleChange[] = []
  alignment.forEach((entry, index) => {
    if (entry.status === 'same' || entry.status === 'moved-away') return
    const rule = entry.newIndex !== undefined ? proposed[entry.newIndex] : undefined
    changes.push({ id: `${kind}:${name}:${list}:${index}`, list, alignment: entry, ...(rule !== undefined && entry.new !== undefined ? { proposed: rule } : {}) })
  })
  return changes
}

/**
 * Proposals for the layout's steps (and inspections) named in `names` that the inference has
 * an item for. Items without a link of their name are left out.
 */
export function proposeForLayout(layout: Layout, inference: Inference, names: ReadonlySet<string>): ItemProposal[] {
  const proposals: ItemProposal[] = []
  const consider = (kind: 'step' | 'inspection', items: readonly (Step | Inspection)[]) => {
    items.forEach((current, index) => {
      if (!names.has(current.name)) return
      const item = inference.items.find((candidate) => candidate.kind === kind && candidate.name === current.name)
      if (item === undefined) return
      const materials = alignRules(
        current.expectedMaterials,
        item.materials.map((proposed) => proposed.rule),
      )
      const products = alignRules(
        current.expectedProducts,
        item.products.map((proposed) => proposed.rule),
      )
      const changes = [...changesOf(kind, current.name, 'materials', materials, item.materials), ...changesOf(kind, current.name, 'products', products, item.products)]
      proposals.push({ kind, name: current.name, index, item, materials, products, changes })
    })
  }
  consider('step', layout.steps)
  consider('inspection', layout.inspect)
  return proposals
}

/** The layout with the accepted changes (ids of `RuleChange`s) taken over; the same object when none is. */
export function applyProposals(layout: Layout, proposals: readonly ItemProposal[], accepted: ReadonlySet<string>): Layout {
  let steps = layout.steps
  let inspect = layout.inspect
  for (const proposal of proposals) {
    const indices = (list: 'materials' | 'products') =>
      new Set(proposal.changes.filter((change) => change.list === list && accepted.has(change.id)).map((change) => Number(change.id.slice(change.id.lastIndexOf(':') + 1))))
    const materialIndices = indices('materials')
    const productIndices = indices('products')
    if (materialIndices.size === 0 && productIndices.size === 0) continue
    const update = <T extends Step | Inspection>(item: T): T => ({
      ...item,
      expectedMaterials: mergeAccepted(proposal.materials, materialIndices),
      expectedProducts: mergeAccepted(proposal.products, productIndices),
    })
    if (proposal.kind === 'step') steps = steps.map((step, index) => (index === proposal.index ? update(step) : step))
    else inspect = inspect.map((inspection, index) => (index === proposal.index ? update(inspection) : inspection))
  }
  return steps === layout.steps && inspect === layout.inspect ? layout : { ...layout, steps, inspect }
}
