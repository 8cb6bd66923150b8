/**
 * How a verification report is told to a person: the headline, the per-node colours and
 * labels for the graph, and the CLI command for what a browser cannot run. Pure functions,
 * over the report as the page receives it (without rule traces; a full report is one too).
 */
import type { InspectionSummary, ReportSummary, StepSummary } from './protocol.ts'

export type NodeState = 'pass' | 'fail' | 'not-reached' | 'skipped' | 'not-run'

export interface Headline {
  readonly tone: 'pass' | 'fail' | 'incomplete'
  readonly title: string
  /** The one plain sentence. */
  readonly sentence: string
}

export function headline(report: ReportSummary): Headline {
  if (report.verdict === 'fail') {
    return { tone: 'fail', title: 'Verification failed', sentence: report.failure?.message ?? 'Verification failed.' }
  }
  if (report.verdict === 'incomplete') {
    const names = notRunInspections(report).map((inspection) => `'${inspection.name}'`)
    const list = names.length === 1 ? `inspection ${names[0]}` : `inspections ${names.join(', ')}`
    return {
      tone: 'incomplete',
      title: 'Not fully verified',
      sentence: `Rules and signatures pass; ${list} not run. Run ${names.length === 1 ? 'it' : 'them'} with the command line before trusting the product.`,
    }
  }
  return {
    tone: 'pass',
    title: 'Verification passed',
    sentence: 'Every signature, threshold, artifact rule and inspection passed: the product may be trusted as the layout defines.',
  }
}

/** Inspections not run, at every level (sublayouts run their own inspections). */
export function notRunInspections(report: ReportSummary): InspectionSummary[] {
  return [
    ...report.inspections.filter((inspection) => inspection.status === 'not-run'),
    ...report.steps.flatMap((step) => (step.sublayout ? notRunInspections(step.sublayout) : [])),
  ]
}

/** "2 of 3 valid links": valid signers out of the threshold (extra valid links noted). */
export function thresholdLabel(step: StepSummary): string {
  const threshold = Number(step.threshold)
  const counted = Math.min(step.validSigners, threshold)
  const extra = step.validSigners - counted
  return `${counted} of ${step.threshold} valid link${threshold === 1 ? '' : 's'}${extra > 0 ? ` (+${extra})` : ''}`
}

export function stepState(step: StepSummary, report: ReportSummary): NodeState {
  if (step.status === 'not-run') return 'not-run'
  if (step.status === 'not-reached' && report.verdict === 'fail') return 'skipped'
  return step.status
}

export function inspectionState(inspection: InspectionSummary, report: ReportSummary): NodeState {
  if (inspection.status === 'not-reached' && report.verdict === 'fail') return 'skipped'
  return inspection.status
}

export function inspectionHow(inspection: InspectionSummary): string {
  switch (inspection.how) {
    case 'emulated':
      return 'emulated in the browser'
    case 'prerecorded':
      return 'satisfied by a signed inspection link'
    case 'executed':
      return 'executed'
    default:
      return inspection.status === 'not-reached' ? 'not reached' : 'not run'
  }
}

/** Graph status by step/inspection name. */
export function graphStatus(report: ReportSummary): Map<string, { state: NodeState; label?: string }> {
  const status = new Map<string, { state: NodeState; label?: string }>()
  for (const step of report.steps) status.set(step.name, { state: stepState(step, report), label: thresholdLabel(step) })
  for (const inspection of report.inspections) status.set(inspection.name, { state: inspectionState(inspection, report), label: inspectionHow(inspection) })
  return status
}

/** The failing rule to highlight on the graph, if the failure is a rule. */
export function failingRule(report: ReportSummary): { item: string; list: 'materials' | 'products'; index: number } | undefined {
  const failure = report.failure
  if (!failure || failure.ruleList === undefined || failure.ruleIndex === undefined) return undefined
  const item = failure.step ?? failure.inspection
  return item === undefined ? undefined : { item, list: failure.ruleList, index: failure.ruleIndex }
}

/**
 * The CLI command that runs everything, inspections included, in a directory holding the product files, the
 * layout and the owner key files as dropped here, with the links in `links/`. `-k` recognizes every key file
 * the app exports; inspections see the layout and keys there, which lint's verifier-directory check covers.
 */
export function cliCommand(layoutName: string, keyNames: readonly string[]): string {
  const quote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)
  return `layout-studio verify -l ${quote(layoutName)} -k ${keyNames.map(quote).join(' ') || 'OWNER_KEY.pub'} --link-dir links`
}

/** `KEY=VALUE` lines into substitution parameters; throws with the line number on a bad line. */
export function parseParameters(text: string): [string, string][] {
  const out: [string, string][] = []
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (!line) continue
    const equals = line.indexOf('=')
    if (equals <= 0) throw new Error(`line ${index + 1}: expected KEY=VALUE, found '${line}'`)
    out.push([line.slice(0, equals), line.slice(equals + 1)])
  }
  return out
}
