/** The verification report as text for a terminal: a verdict line, the reason, warnings. */
import type { StepTrace, VerificationReport } from '../core/verify/report.ts'
import { pushAll } from '../core/arrays.ts'

export interface TextOptions {
  readonly verbose?: boolean
}

export function renderReport(report: VerificationReport, options: TextOptions = {}): string {
  const lines: string[] = []
  if (report.verdict === 'pass') lines.push('PASS: the software product passed all verification.')
  else if (report.verdict === 'incomplete') lines.push('INCOMPLETE: signatures, thresholds and rules pass, but not every inspection was run.')
  else if (report.failure) {
    lines.push(`FAIL [${report.failure.stage}] ${report.failure.errorType}: ${report.failure.message}`)
    for (let inner = report.failure.inner; inner; inner = inner.inner) lines.push(`  inside: [${inner.stage}] ${inner.errorType}: ${inner.message}`)
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning.message}`)
  if (options.verbose) pushAll(lines, renderTrace(report, ''))
  return lines.join('\n')
}

function renderTrace(report: VerificationReport, indent: string): string[] {
  const lines: string[] = []
  for (const signature of report.layout.signatures) lines.push(`${indent}layout signature ${signature.keyid.slice(0, 8)}: ${signature.status}`)
  for (const step of report.steps) pushAll(lines, renderStep(step, indent))
  for (const inspection of report.inspections) {
    lines.push(`${indent}inspection '${inspection.name}' (${inspection.how}): ${inspection.status}${inspection.message ? ` — ${inspection.message}` : ''}`)
  }
  return lines
}

function renderStep(step: StepTrace, indent: string): string[] {
  const lines = [`${indent}step '${step.name}': ${step.status}, ${step.validSigners} of ${step.threshold} required valid links`]
  for (const link of step.links) lines.push(`${indent}  ${link.file}: ${link.status}${link.message ? ` (${link.message})` : ''}`)
  for (const list of [step.materials, step.products]) {
    if (!list) continue
    for (const rule of list.rules) {
      lines.push(`${indent}  ${list.kind} rule ${rule.index + 1} '${rule.text}': ${rule.status}, consumed ${rule.consumed.length} of ${rule.queueSize}`)
    }
  }
  if (step.sublayout) pushAll(lines, renderTrace(step.sublayout, `${indent}    `))
  return lines
}
