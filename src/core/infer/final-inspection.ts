/**
 * The inspection a layout needs when its last step packs the result into an archive, as the
 * in-toto demo's `untar`: the verifier unpacks the archive it received and checks that what
 * comes out is what the steps produced — the archive itself matches the last step's product,
 * and every file the last step packed from an earlier step matches that step's product.
 *
 * Inspections run in the verifier's working directory (in-toto 1.3.1 `run_all_inspections`
 * records ".", which also holds the layout and its keys), so the lists end with `ALLOW *`
 * instead of `DISALLOW *`; each MATCH is followed by a `DISALLOW` of what it covers, so an
 * artifact it does not consume still fails.
 */
import type { RuleSource } from '../model/types.ts'
import { literalPattern, shortDigest } from './artifacts.ts'
import type { Group } from './generalize.ts'
import { matchRuleFor, type RecordedStep, type Seen } from './step-rules.ts'
import type { ArtifactEvidence, ProposedItem, ProposedRule } from './types.ts'

export interface Unpacking {
  readonly archive: string
  readonly run: readonly string[]
  readonly tool: 'untar' | 'unzip'
}

/** How to unpack `path`, when it is an archive the reference's tools and the app's emulation both handle. */
export function unpackingOf(path: string): Unpacking | undefined {
  const name = path.toLowerCase()
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return { archive: path, run: ['tar', 'xzf', path], tool: 'untar' }
  if (name.endsWith('.tar')) return { archive: path, run: ['tar', 'xf', path], tool: 'untar' }
  if (name.endsWith('.zip')) return { archive: path, run: ['unzip', '-o', '-q', path], tool: 'unzip' }
  return undefined
}

function quoted(text: string): string {
  return `“${text}”`
}

export function finalInspection(
  name: string,
  last: RecordedStep,
  unpacking: Unpacking,
  packed: readonly { readonly from: string; readonly group: Group<Seen> }[],
): ProposedItem & { readonly run: readonly string[] } {
  const archive = unpacking.archive
  const archiveEvidence: ArtifactEvidence = {
    step: last.name,
    file: last.file,
    list: 'products',
    path: archive,
    digest: shortDigest(last.products.get(archive) as ReadonlyMap<string, string>),
  }
  const archiveRules = (list: string): ProposedRule[] => [
    {
      rule: ['MATCH', literalPattern(archive), 'WITH', 'PRODUCTS', 'FROM', last.name],
      reason: `the archive ${quoted(archive)} in the inspection's ${list} must be the one ${quoted(last.name)} produced`,
      evidence: [archiveEvidence],
    },
    { rule: ['DISALLOW', literalPattern(archive)], reason: `any other ${quoted(archive)} fails verification`, evidence: [archiveEvidence] },
  ]
  const rest: ProposedRule = {
    rule: ['ALLOW', '*'],
    reason: 'the verifier’s working directory also holds the layout, its keys and anything else there; they are not evidence of the supply chain',
    evidence: [],
  }
  const content: ProposedRule[] = []
  for (const { from, group } of packed) {
    const members = group.kind === 'directory' ? group.members : [group.member]
    const covered: RuleSource = group.kind === 'directory' ? ['DISALLOW', `${literalPattern(group.directory)}/*`] : ['DISALLOW', literalPattern(group.member.path)]
    const text = group.kind === 'directory' ? `the files under ${quoted(group.directory)}` : quoted(group.member.path)
    const evidence = members.flatMap((member) => [member.value.evidence, member.value.source as ArtifactEvidence])
    content.push(
      { rule: matchRuleFor(group, from), reason: `${text} unpacked from the archive must be what ${quoted(from)} produced and ${quoted(last.name)} packed`, evidence },
      { rule: covered, reason: `unpacked ${text} that differ from ${quoted(from)}'s products fail verification`, evidence },
    )
  }
  return {
    kind: 'inspection',
    name,
    files: [last.file],
    run: unpacking.run,
    materials: [...archiveRules('materials'), rest],
    products: [...archiveRules('products'), ...content, rest],
  }
}
