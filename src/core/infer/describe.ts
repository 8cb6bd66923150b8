/**
 * An inference as text: each proposed step and inspection with its rules, why each was
 * proposed and the link artifacts it rests on (the first few; the count of the rest).
 */
import { formatRule } from '../rules/parse.ts'
import type { ArtifactEvidence, Inference, ProposedRule } from './types.ts'
import { pushAll } from '../arrays.ts'

/** Evidence lines shown per rule before "… and N more". */
const SHOWN_EVIDENCE = 4

function evidenceLine(evidence: ArtifactEvidence): string {
  return `${evidence.file}: ${evidence.list} ${JSON.stringify(evidence.path)} ${evidence.digest}`
}

function ruleLines(rules: readonly ProposedRule[]): string[] {
  const lines: string[] = []
  for (const proposed of rules) {
    lines.push(`    ${formatRule(proposed.rule)}`, `      because ${proposed.reason}`)
    for (const evidence of proposed.evidence.slice(0, SHOWN_EVIDENCE)) lines.push(`      - ${evidenceLine(evidence)}`)
    if (proposed.evidence.length > SHOWN_EVIDENCE) lines.push(`      … and ${proposed.evidence.length - SHOWN_EVIDENCE} more`)
  }
  return lines
}

export function describeInference(inference: Inference): string {
  const lines: string[] = []
  for (const item of inference.items) {
    lines.push(`${item.kind} ${JSON.stringify(item.name)} (from ${item.files.join(', ')})`, '  expected materials:')
    pushAll(lines, ruleLines(item.materials))
    lines.push('  expected products:')
    pushAll(lines, ruleLines(item.products))
  }
  return `${lines.join('\n')}\n`
}
