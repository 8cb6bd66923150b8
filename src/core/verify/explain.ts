/**
 * Plain-language explanations of rule failures: which step, which rule, which artifact, and
 * what was expected versus found. The reference prints a raw queue trace
 * (in-toto/in-toto#228 asked for better); we name the rule that *would* have consumed the
 * artifact and why it did not.
 */
import type { HashDict, Link } from '../model/types.ts'
import type { RuleListTrace } from './report.ts'

export interface ExplainContext {
  /** `step` or `inspection`. */
  readonly itemKind: string
  readonly link: Link
  readonly links: { get(name: string): Link | undefined }
}

export function explainRuleFailure(trace: RuleListTrace, context: ExplainContext): string {
  const index = trace.failedRule as number
  const rule = trace.rules[index]
  if (rule === undefined || rule.failure === undefined) return `${capitalize(context.itemKind)} '${trace.item}' failed its ${singular(trace.kind)} rules.`
  const where = `${capitalize(context.itemKind)} '${trace.item}', ${singular(trace.kind)} rule ${index + 1} '${rule.text}'`
  const failure = rule.failure
  switch (failure.kind) {
    case 'malformed':
      return `${where} is malformed: ${failure.message}`
    case 'path-rebuild':
      return `${where}: the artifact '${failure.artifact}' becomes '${failure.rebuilt}' once its IN prefix is re-joined, and no ${trace.kind === 'materials' ? 'material' : 'product'} has that name (the reference fails with KeyError here).`
    case 'required-missing':
      return `${where}: '${failure.artifact}' is required but is not among the ${trace.kind} still to be checked${
        trace.queue.includes(failure.artifact) ? ' (an earlier rule already consumed it)' : ''
      }.`
    case 'disallowed': {
      const names = failure.artifacts
      const shown =
        names
          .slice(0, 3)
          .map((n) => `'${n}'`)
          .join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '')
      const first = names[0] as string
      const reason = whyNotConsumed(trace, index, first, context)
      return `${where} forbids ${shown}: no earlier rule accepted ${names.length === 1 ? 'it' : 'them'}.${reason ? ` ${reason}` : ''}`
    }
  }
}

/** The most useful reason an earlier MATCH rule did not consume `artifact`, if any rule tried. */
function whyNotConsumed(trace: RuleListTrace, before: number, artifact: string, context: ExplainContext): string | undefined {
  for (const rule of trace.rules.slice(0, before).reverse()) {
    const miss = rule.misses?.find((candidate) => candidate.artifact === artifact)
    if (miss === undefined) continue
    const destinationStep = rule.source.at(-1) ?? ''
    const kindWord = (rule.source.at(-3) ?? '').toLowerCase() === 'materials' ? 'materials' : 'products'
    if (miss.reason === 'not-in-destination') {
      return `Rule ${rule.index + 1} '${rule.text}' looked for '${miss.destination}' among the ${kindWord} of '${destinationStep}' and did not find it.`
    }
    const source = (trace.kind === 'materials' ? context.link.materials : context.link.products).get(artifact)
    const destinationLink = context.links.get(destinationStep)
    const destination = destinationLink ? (kindWord === 'materials' ? destinationLink.materials : destinationLink.products).get(miss.destination) : undefined
    return `Rule ${rule.index + 1} '${rule.text}' compared it with '${miss.destination}' in the ${kindWord} of '${destinationStep}': expected ${formatHashes(destination)}, found ${formatHashes(source)}.`
  }
  const unmatched = trace.rules.slice(0, before).find((rule) => rule.destinationFound === false)
  if (unmatched) return `Rule ${unmatched.index + 1} '${unmatched.text}' had no link to compare with (no step or inspection of that name has one).`
  return undefined
}

function formatHashes(hashes: HashDict | undefined): string {
  if (hashes === undefined) return 'nothing'
  return [...hashes].map(([algorithm, digest]) => `${algorithm} ${digest.length > 16 ? `${digest.slice(0, 16)}…` : digest}`).join(', ')
}

function singular(kind: 'materials' | 'products'): string {
  return kind === 'materials' ? 'material' : 'product'
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
