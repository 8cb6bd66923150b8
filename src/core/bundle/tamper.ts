/**
 * Tamper simulation: after a verification, what would the layout's rules say if a link had
 * recorded other artifacts, or the product files were other files? The step rules (and the
 * inspection rules where the inspection's link is known) run again over the links the
 * verification chose, with the person's edits applied (tamper-edits.ts) — the rule engine and
 * the failure sentences are the verifier's own (verify/item-rules.ts,
 * verify/inspection-outcome.ts), so a simulated failure reads exactly as the real one would.
 *
 * It is a simulation, never a verdict: nothing is signed or checked for signatures — an
 * edited link is taken as if an authorized functionary had signed it, which is what a
 * functionary's stolen key or a compromised build machine could do, and what artifact rules
 * are there to catch. Thresholds, expiry and sublayout contents are not re-checked (a
 * sublayout step is checked against its summary link, as the verifier does).
 *
 * Inspections: one whose signed link came with the bundle (`prerecorded`) is checked against
 * that link, which edits may change. The others run again, emulated, over the product files
 * (as edited) whenever product files were edited or the verification stopped before running
 * them; otherwise the link the verification recorded is reused.
 */
import { toErrorInfo } from '../errors.ts'
import type { ArtifactHasher } from '../hashing/artifact-hasher.ts'
import type { Inspection, Layout, Link } from '../model/types.ts'
import { referencedUnavailable, returnValueFailure, returnValueOf, runErrorFailure, unavailableNote } from '../verify/inspection-outcome.ts'
import type { InspectionResult, InspectionRunner } from '../verify/inspection-runner.ts'
import { nameKey } from '../verify/item-keys.ts'
import { checkItemRules } from '../verify/item-rules.ts'
import type { Failure, InspectionTrace, StepTrace, VerificationReport } from '../verify/report.ts'
import { substituteParameters } from '../verify/substitute.ts'
import { EmulatedInspectionRunner } from './emulate.ts'
import type { BundleLimits } from './limits.ts'
import { applyLinkEdits, applyProductEdits, type TamperEdit } from './tamper-edits.ts'

export interface TamperInput {
  /** The root layout as the verification read it (before parameter substitution). */
  readonly layout: Layout
  readonly parameters?: ReadonlyMap<string, string>
  /** The verification whose links are reused. */
  readonly report: VerificationReport
  /** The links it checked rules against: each step's by step name, each inspection's by inspection name. */
  readonly links: ReadonlyMap<string, Link>
  /** The product files it had (the inspections' working directory). */
  readonly products: ReadonlyMap<string, Uint8Array>
  readonly edits: readonly TamperEdit[]
  /** For emulated inspections run again (the platform's fastest; the core's default otherwise). */
  readonly hasher?: ArtifactHasher
  readonly limits?: BundleLimits
  readonly notRunHint?: string
  readonly signal?: AbortSignal
}

export interface TamperSimulation {
  /** What the rules say with the edits: `incomplete` when an inspection could not run here. Not a verdict. */
  readonly outcome: 'pass' | 'fail' | 'incomplete'
  /** The failure a verification would stop at, with the verifier's own sentence. */
  readonly failure?: Failure
  /** Every step, checked against its (edited) link; in the report's shape. */
  readonly steps: readonly StepTrace[]
  readonly inspections: readonly InspectionTrace[]
  /** Items a verification would not get to, stopping at `failure` first (their traces are still shown). */
  readonly unreached: readonly string[]
  /** The links the rules were checked against, edits applied, by item name (for the hashes behind MATCH rules). */
  readonly links: ReadonlyMap<string, Link>
}

/** Why a verification cannot be simulated, or `undefined` when it can. */
export function whyNotSimulated(report: VerificationReport, links: ReadonlyMap<string, Link>): string | undefined {
  if (report.steps.length === 0 && report.failure !== undefined) return `the verification stopped before it read the layout's steps (${report.failure.stage})`
  const missing = report.steps.find((step) => step.usedLink === undefined || !links.has(step.name))
  if (missing !== undefined) {
    return `the verification stopped before it chose a link for step '${missing.name}' (${report.failure?.stage ?? 'no link'}), so there are no links to run the rules over`
  }
  return undefined
}

export async function simulateTampering(input: TamperInput): Promise<TamperSimulation> {
  const { report } = input
  const refusal = whyNotSimulated(report, input.links)
  if (refusal !== undefined) throw new Error(`Nothing to simulate: ${refusal}.`)
  // The verifier checks the substituted layout (substitution succeeded, or there would be no links).
  const layout = input.parameters ? substituteParameters(input.layout, input.parameters) : input.layout
  if (layout.steps.length !== report.steps.length || layout.inspect.length !== report.inspections.length) {
    throw new Error('Nothing to simulate: the layout is not the one this verification checked.')
  }
  const how = new Map(report.inspections.map((trace) => [trace.name, trace.how]))
  const links = applyLinkEdits(input.links, input.edits, (item) => {
    if (layout.steps.some((step) => step.name === item)) return undefined
    const inspectionHow = how.get(item)
    if (inspectionHow === 'prerecorded') return undefined
    if (inspectionHow === undefined) return `there is no step or inspection '${item}'`
    return `inspection '${item}' is ${inspectionHow === 'not-run' ? 'not run here' : 'run by the verifier itself'}: change the product files it records instead`
  })
  const products = applyProductEdits(input.products, input.edits)
  const failures: { readonly failure: Failure; readonly order: number }[] = []

  // Step rules, in layout order, each against its chosen link (`verify_all_item_rules`).
  const chosen = new Map<string, Link>()
  for (const step of layout.steps) chosen.set(nameKey(step), links.get(step.name) as Link)
  const steps = layout.steps.map((step, index): StepTrace => {
    const trace = report.steps[index] as StepTrace
    const rules = checkItemRules({ kind: 'step', index, item: step }, links.get(step.name) as Link, chosen)
    if (rules.failure) failures.push({ failure: rules.failure, order: index })
    return { ...trace, materials: rules.materials, products: rules.products, status: rules.failure ? 'fail' : 'pass' }
  })

  // Inspections: run (or taken as recorded), then their rules (`run_all_inspections`, then the rules).
  const stepCount = layout.steps.length
  const runs = await inspectionRuns(layout.inspect, input, links, products)
  const inspections: InspectionTrace[] = []
  const ran = new Map<string, Link>()
  layout.inspect.forEach((inspection, index) => {
    const result = runs[index] as InspectionResult
    const base = report.inspections[index] as InspectionTrace
    // As the verifier's trace: the command as written, before substitution.
    const trace = { name: base.name, run: base.run }
    if (result.status === 'not-run') {
      inspections.push({ ...trace, how: 'not-run', status: 'not-run', message: result.reason })
      return
    }
    if (result.status === 'error') {
      failures.push({ failure: runErrorFailure(inspection, result), order: stepCount + index })
      inspections.push({ ...trace, how: base.how, status: 'fail', message: result.message })
      return
    }
    const failure = returnValueFailure(inspection, result.link)
    const returnValue = returnValueOf(result.link)
    if (failure) {
      failures.push({ failure, order: stepCount + index })
      inspections.push({ ...trace, how: result.how, status: 'fail', returnValue })
      return
    }
    ran.set(nameKey(inspection), result.link)
    links.set(inspection.name, result.link)
    inspections.push({ ...trace, how: result.how, status: 'pass', returnValue })
  })
  const combined = new Map(chosen)
  for (const [key, link] of ran) combined.set(key, link)
  // Rules come after every inspection has run: their failures order after all run failures.
  const rulesOrder = stepCount + layout.inspect.length
  layout.inspect.forEach((inspection, index) => {
    const link = ran.get(nameKey(inspection))
    const trace = inspections[index] as InspectionTrace
    if (link === undefined) return
    const unavailable = referencedUnavailable(inspection, layout.inspect, ran)
    if (unavailable !== undefined) {
      inspections[index] = { ...trace, status: 'not-run', message: unavailableNote(unavailable) }
      return
    }
    const rules = checkItemRules({ kind: 'inspection', index, item: inspection }, link, combined)
    if (rules.failure) failures.push({ failure: rules.failure, order: rulesOrder + index })
    inspections[index] = { ...trace, materials: rules.materials, products: rules.products, status: rules.failure ? 'fail' : 'pass' }
  })

  const first = failures.reduce<(typeof failures)[number] | undefined>((best, next) => (best === undefined || next.order < best.order ? next : best), undefined)
  // Sublayouts are not simulated: an inspection their verification could not run here still counts.
  const notRun = inspections.some((trace) => trace.status === 'not-run') || steps.some((step) => step.sublayout !== undefined && notRunWithin(step.sublayout))
  return {
    outcome: first ? 'fail' : notRun ? 'incomplete' : 'pass',
    failure: first?.failure,
    steps,
    inspections,
    unreached: first ? unreachedAfter(first.order, layout, stepCount) : [],
    links,
  }
}

/**
 * How each inspection ran for the simulation: a signed inspection link as edited, the
 * verification's own recording, or an emulated run over the (edited) product files.
 */
async function inspectionRuns(
  inspect: readonly Inspection[],
  input: TamperInput,
  links: ReadonlyMap<string, Link>,
  editedProducts: ReadonlyMap<string, Uint8Array> | undefined,
): Promise<InspectionResult[]> {
  const traces = input.report.inspections
  const prerecorded = (index: number) => traces[index]?.how === 'prerecorded'
  const recorded = (inspection: Inspection, index: number): InspectionResult | undefined => {
    const trace = traces[index]
    const link = input.links.get(inspection.name)
    if (trace === undefined) return undefined
    if (trace.how === 'prerecorded') return link ? { status: 'ran', how: 'prerecorded', link: links.get(inspection.name) ?? link } : undefined
    if (trace.how === 'not-run') return trace.status === 'not-run' ? { status: 'not-run', reason: trace.message ?? `inspection '${inspection.name}' was not run` } : undefined
    return link ? { status: 'ran', how: trace.how, link } : undefined
  }
  const fromVerification = inspect.map(recorded)
  // The working directory is shared, in order: run every inspection again, or none.
  if (editedProducts === undefined && fromVerification.every((result) => result !== undefined)) return fromVerification as InspectionResult[]
  const runner = new EmulatedInspectionRunner(editedProducts ?? input.products, { limits: input.limits, notRunHint: input.notRunHint, hasher: input.hasher })
  const results: InspectionResult[] = []
  for (const [index, inspection] of inspect.entries()) {
    input.signal?.throwIfAborted()
    results.push(prerecorded(index) ? (fromVerification[index] as InspectionResult) : await runGuarded(runner, inspection, input.signal))
  }
  return results
}

/** The names a verification stopping at the failure of order `order` would not get to. */
function unreachedAfter(order: number, layout: Layout, stepCount: number): string[] {
  const count = layout.inspect.length
  // A step failure: the later steps and every inspection; an inspection's run: the later runs and all rules; a rule: the later rules.
  if (order < stepCount) return [...layout.steps.slice(order + 1).map((step) => step.name), ...layout.inspect.map((inspection) => inspection.name)]
  if (order < stepCount + count) return layout.inspect.map((inspection) => inspection.name).filter((_, index) => index !== order - stepCount)
  return layout.inspect.slice(order - stepCount - count + 1).map((inspection) => inspection.name)
}

/** Whether an inspection of `report` or of its sublayouts was not run. */
function notRunWithin(report: VerificationReport): boolean {
  return report.inspections.some((trace) => trace.status === 'not-run') || report.steps.some((step) => step.sublayout !== undefined && notRunWithin(step.sublayout))
}

/** As the verifier's `runGuarded`: whatever a runner throws fails the inspection; aborts still end it. */
async function runGuarded(runner: InspectionRunner, inspection: Inspection, signal: AbortSignal | undefined): Promise<InspectionResult> {
  try {
    return await runner.run(inspection, signal)
  } catch (error) {
    if (signal?.aborted) throw error
    const info = toErrorInfo(error)
    return { status: 'error', errorType: info.exception, message: info.message }
  }
}
