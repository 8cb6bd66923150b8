/**
 * The layout in plain words, for reviewers who do not read artifact rules: who must sign
 * what and how many of them, which files flow from where, and what the inspections run.
 */
import type { Inspection, Layout, RuleSource, Step } from '../model/types.ts'
import { parseRule } from '../rules/parse.ts'
import type { ArtifactRule } from '../rules/types.ts'
import { commandText, shortKeyid, thresholdNumber } from './graph.ts'

export interface Description {
  readonly summary: readonly string[]
  readonly items: readonly { readonly kind: 'step' | 'inspection'; readonly name: string; readonly sentences: readonly string[] }[]
}

function quote(text: string): string {
  return `“${text}”`
}

function under(prefix: string): string {
  return prefix === '' ? '' : ` under ${quote(prefix)}`
}

/** One rule as a sentence fragment; `kind` says whether it is about materials or products. */
export function describeRule(rule: ArtifactRule, kind: 'materials' | 'products'): string {
  const files = `files matching ${quote(rule.pattern)}`
  switch (rule.type) {
    case 'MATCH':
      return `${files}${under(rule.sourcePrefix)} must be exactly the ${rule.destinationType} of ${quote(rule.destinationStep)}${under(rule.destinationPrefix)}`
    case 'ALLOW':
      return `${files} are allowed`
    case 'DISALLOW':
      return rule.pattern === '*' ? `nothing else is allowed` : `any other ${files} fails verification`
    case 'REQUIRE':
      return `${quote(rule.pattern)} must be among the ${kind}`
    case 'CREATE':
      return `${files} must be newly created`
    case 'DELETE':
      return `${files} must be deleted`
    case 'MODIFY':
      return `${files} must be modified`
  }
}

function describeRules(rules: readonly RuleSource[], kind: 'materials' | 'products'): string {
  if (rules.length === 0) return `No rules for its ${kind}: any ${kind} are accepted.`
  const parts = rules.map((source) => {
    try {
      return describeRule(parseRule(source), kind)
    } catch {
      return `an unreadable rule (${source.join(' ')})`
    }
  })
  const trailing = parts.at(-1) === 'nothing else is allowed' ? '' : `; anything else is accepted`
  return `Its ${kind}, in order: ${parts.join('; ')}${trailing}.`
}

function keyLabel(keyid: string, keyNames: ReadonlyMap<string, string>): string {
  const name = keyNames.get(keyid)
  return name ? `${name} (${shortKeyid(keyid)})` : shortKeyid(keyid)
}

function describeStep(step: Step, layout: Layout, keyNames: ReadonlyMap<string, string>): string[] {
  const keys = [...new Set(step.pubkeys)]
  const threshold = thresholdNumber(step.threshold)
  const sentences: string[] = []
  if (keys.length === 0) sentences.push('Nobody is authorized to sign it yet, so it cannot pass.')
  else {
    const who = keys.map((keyid) => keyLabel(keyid, keyNames)).join(', ')
    sentences.push(
      threshold === 1n && keys.length === 1 ? `It must be signed by ${who}.` : `At least ${threshold} of ${keys.length} functionaries must sign it, with agreeing results: ${who}.`,
    )
    if (threshold > BigInt(keys.length)) sentences.push(`Its threshold (${threshold}) is more than the number of keys that may sign it, so it can never pass.`)
    const unknown = keys.filter((keyid) => !layout.keys.has(keyid))
    if (unknown.length > 0) sentences.push(`Some of those keys are not in the layout: ${unknown.map(shortKeyid).join(', ')}.`)
  }
  if (step.expectedCommand.length > 0) sentences.push(`It is expected to run ${quote(commandText(step.expectedCommand))} (a different command only gives a warning).`)
  sentences.push(describeRules(step.expectedMaterials, 'materials'), describeRules(step.expectedProducts, 'products'))
  return sentences
}

function describeInspection(inspection: Inspection): string[] {
  return [
    inspection.run.length > 0
      ? `The verifier runs ${quote(commandText(inspection.run))} on the final product; it must exit with status 0.`
      : 'It has no command to run, so it always fails.',
    describeRules(inspection.expectedMaterials, 'materials'),
    describeRules(inspection.expectedProducts, 'products'),
  ]
}

export function describeLayout(layout: Layout, keyNames: ReadonlyMap<string, string> = new Map()): Description {
  const summary = [
    `This layout expires on ${layout.expires.trim()} (UTC). It has ${layout.steps.length} step${layout.steps.length === 1 ? '' : 's'} and ${layout.inspect.length} inspection${layout.inspect.length === 1 ? '' : 's'}, and trusts ${layout.keys.size} functionary key${layout.keys.size === 1 ? '' : 's'}${layout.keys.size > 0 ? `: ${[...layout.keys.keys()].map((keyid) => keyLabel(keyid, keyNames)).join(', ')}` : ''}.`,
  ]
  if (layout.readme.trim() !== '') summary.push(`Readme: ${layout.readme.trim()}`)
  const flows: string[] = []
  for (const item of [...layout.steps, ...layout.inspect]) {
    for (const source of [...item.expectedMaterials, ...item.expectedProducts]) {
      try {
        const rule = parseRule(source)
        if (rule.type === 'MATCH') flows.push(`${quote(rule.pattern)} from ${quote(rule.destinationStep)} to ${quote(item.name)}`)
      } catch {
        // Unreadable rules are described (and linted) per item.
      }
    }
  }
  summary.push(flows.length > 0 ? `Files flow: ${flows.join('; ')}.` : 'No rule ties one step’s files to another’s yet.')
  return {
    summary,
    items: [
      ...layout.steps.map((step) => ({ kind: 'step' as const, name: step.name, sentences: describeStep(step, layout, keyNames) })),
      ...layout.inspect.map((inspection) => ({ kind: 'inspection' as const, name: inspection.name, sentences: describeInspection(inspection) })),
    ],
  }
}
