/**
 * The tightest rules one recorded step's link supports (after the web wizard's
 * `create_layout.py`, with its gaps closed):
 *
 * - materials: `MATCH` every file version an earlier step produced (the nearest such step),
 *   one `MATCH * IN dir WITH PRODUCTS IN dir FROM step` per directory that came whole from
 *   one step; `DELETE` what came from outside the chain and is gone afterwards, `ALLOW` the
 *   rest of what came from outside; then `DISALLOW *`.
 * - products: `CREATE` what is new, `MODIFY` what changed, `ALLOW` what passed through
 *   unchanged, grouped by directory the same way; then `DISALLOW *`.
 *
 * Each rule consumes, in the recorded run, exactly the artifacts it names as evidence, and the
 * groups are disjoint, so a file version swapped between two steps is consumed by nothing and
 * fails at `DISALLOW *`.
 */
import type { ArtifactMap, HashDict, RuleSource } from '../model/types.ts'
import { literalPattern, sameVersion, shortDigest } from './artifacts.ts'
import { groupByDirectory, type Classified, type Group } from './generalize.ts'
import type { ProducerIndex } from './order.ts'
import type { ArtifactEvidence, InferenceNote, ProposedRule } from './types.ts'

/** A step as inference sees it: the one link its rules are inferred from. */
export interface RecordedStep {
  readonly name: string
  readonly file: string
  readonly materials: ArtifactMap
  readonly products: ArtifactMap
}

interface Seen {
  readonly evidence: ArtifactEvidence
  /** For MATCH: the producing step's artifact. */
  readonly source?: ArtifactEvidence
  readonly before?: HashDict
}

export const DISALLOW_ALL: RuleSource = ['DISALLOW', '*']

function evidenceOf(step: RecordedStep, list: 'materials' | 'products', path: string, hashes: HashDict): ArtifactEvidence {
  return { step: step.name, file: step.file, list, path, digest: shortDigest(hashes) }
}

function files(count: number): string {
  return count === 1 ? '1 file' : `${count} files`
}

function quoted(path: string): string {
  return `“${path}”`
}

/** The pattern (or `IN` prefix) a group covers, and how it reads. */
function coverage<T>(group: Group<T>): { pattern: string; text: string; count: number } {
  if (group.kind === 'directory')
    return { pattern: `${literalPattern(group.directory)}/*`, text: `the ${files(group.members.length)} under ${quoted(group.directory)}`, count: group.members.length }
  return { pattern: literalPattern(group.member.path), text: quoted(group.member.path), count: 1 }
}

function membersOf<T>(group: Group<T>): readonly Classified<T>[] {
  return group.kind === 'directory' ? group.members : [group.member]
}

/** `MATCH` for a group matched from `from` (`IN` prefixes when it is a directory). */
export function matchRuleFor<T>(group: Group<T>, from: string): RuleSource {
  if (group.kind === 'directory') return ['MATCH', '*', 'IN', group.directory, 'WITH', 'PRODUCTS', 'IN', group.directory, 'FROM', from]
  return ['MATCH', literalPattern(group.member.path), 'WITH', 'PRODUCTS', 'FROM', from]
}

export interface StepRules {
  readonly materials: ProposedRule[]
  readonly products: ProposedRule[]
  /** The MATCH groups of the materials, by source step (the final inspection reuses them). */
  readonly matched: readonly { readonly from: string; readonly group: Group<Seen> }[]
  readonly notes: InferenceNote[]
}

/**
 * Rules for `ordered[position]`. `producers` indexes the products of `ordered`; a material is
 * matched only from a step placed before this one.
 */
export function inferStepRules(ordered: readonly RecordedStep[], position: number, producers: ProducerIndex): StepRules {
  const step = ordered[position] as RecordedStep
  const notes: InferenceNote[] = []

  const materialEntries: Classified<Seen>[] = []
  for (const [path, hashes] of step.materials) {
    const evidence = evidenceOf(step, 'materials', path, hashes)
    const at = producers.nearestBefore(position, path, hashes)
    if (at !== undefined) {
      const producer = ordered[at] as RecordedStep
      const produced = producer.products.get(path) as HashDict
      materialEntries.push({ path, cls: `match:${at}`, value: { evidence, source: evidenceOf(producer, 'products', path, produced) } })
      continue
    }
    const earlier = ordered.slice(0, position).findLast((other) => other.products.has(path))
    if (earlier !== undefined) {
      notes.push({
        severity: 'warning',
        step: step.name,
        file: step.file,
        message: `${quoted(path)} in ${quoted(step.name)}'s materials (${shortDigest(hashes)}) is not what ${quoted(earlier.name)} produced (${shortDigest(earlier.products.get(path) as HashDict)}): it was changed between the two steps or by a step without a link, so it is only allowed, not matched`,
      })
    }
    materialEntries.push({ path, cls: step.products.has(path) ? 'allow' : 'delete', value: { evidence } })
  }

  const productEntries: Classified<Seen>[] = []
  for (const [path, hashes] of step.products) {
    const evidence = evidenceOf(step, 'products', path, hashes)
    const before = step.materials.get(path)
    const cls = before === undefined ? 'create' : sameVersion(before, hashes) ? 'unchanged' : 'modify'
    productEntries.push({ path, cls, value: before === undefined ? { evidence } : { evidence, before } })
  }

  const materialGroups = groupByDirectory(materialEntries)
  const productGroups = groupByDirectory(productEntries)
  const matched: { from: string; group: Group<Seen> }[] = []
  const materials: ProposedRule[] = []
  const byClass = (groups: Group<Seen>[], cls: string) => groups.filter((group) => group.cls === cls)

  // MATCH groups in flow order of their source, each group in path order.
  const sources = [...new Set(materialGroups.map((group) => group.cls).filter((cls) => cls.startsWith('match:')))].sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)))
  for (const cls of sources) {
    const producer = ordered[Number(cls.slice(6))] as RecordedStep
    for (const group of byClass(materialGroups, cls)) {
      const members = membersOf(group)
      const { text } = coverage(group)
      matched.push({ from: producer.name, group })
      materials.push({
        rule: matchRuleFor(group, producer.name),
        reason: `${text} in ${quoted(step.name)}'s materials ${members.length === 1 ? 'is' : 'are'} exactly what ${quoted(producer.name)} produced`,
        evidence: members.flatMap((member) => [member.value.evidence, member.value.source as ArtifactEvidence]),
      })
    }
  }
  for (const group of byClass(materialGroups, 'delete')) {
    const { pattern, text } = coverage(group)
    materials.push({
      rule: ['DELETE', pattern],
      reason: `${text} came from outside the recorded steps and ${membersOf(group).length === 1 ? 'is' : 'are'} gone after ${quoted(step.name)}`,
      evidence: membersOf(group).map((member) => member.value.evidence),
    })
  }
  for (const group of byClass(materialGroups, 'allow')) {
    const { pattern, text } = coverage(group)
    materials.push({
      rule: ['ALLOW', pattern],
      reason: `${text} came from outside the recorded steps (no earlier step produced ${membersOf(group).length === 1 ? 'it' : 'them'})`,
      evidence: membersOf(group).map((member) => member.value.evidence),
    })
  }
  materials.push(closing(step, 'materials'))

  const products: ProposedRule[] = []
  const productWording: Record<string, { type: string; reason: (text: string, one: boolean) => string }> = {
    create: { type: 'CREATE', reason: (text, one) => `${text} ${one ? 'is' : 'are'} new: in ${quoted(step.name)}'s products, not its materials` },
    modify: {
      type: 'MODIFY',
      reason: (text, one) => `${text} changed in ${quoted(step.name)} (${one ? 'its materials and products differ' : 'each differs between its materials and products'})`,
    },
    unchanged: { type: 'ALLOW', reason: (text, one) => `${text} passed through ${quoted(step.name)} unchanged (the same in ${one ? 'its' : 'their'} materials and products)` },
  }
  for (const cls of ['create', 'modify', 'unchanged']) {
    const wording = productWording[cls] as (typeof productWording)[string]
    for (const group of byClass(productGroups, cls)) {
      const { pattern, text, count } = coverage(group)
      products.push({
        rule: [wording.type, pattern],
        reason: wording.reason(text, count === 1),
        evidence: membersOf(group).map((member) => member.value.evidence),
      })
    }
  }
  products.push(closing(step, 'products'))
  return { materials, products, matched, notes }
}

function closing(step: RecordedStep, list: 'materials' | 'products'): ProposedRule {
  const artifacts = list === 'materials' ? step.materials : step.products
  return {
    rule: DISALLOW_ALL,
    reason:
      artifacts.size === 0
        ? `${quoted(step.name)} recorded no ${list}: anything there fails verification`
        : `nothing else was among ${quoted(step.name)}'s ${list}: any other artifact fails verification`,
    evidence: [],
  }
}

export type { Seen }
