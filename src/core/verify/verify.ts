/**
 * The supply-chain verifier: in-toto 1.3.1 `in_toto_verify`, phase for phase, returning a
 * report instead of raising. Phases (verifier-semantics.md §4): layout signatures, expiry,
 * parameter substitution, loading links, link signatures and thresholds, sublayouts,
 * command alignment (warnings), threshold constraints, step rules, inspections, inspection
 * rules. Each phase stops at its first failure, in the reference's order.
 *
 * The same code runs in the page, in a Web Worker and in Node; what differs (reading files,
 * running inspection commands, parallel decoding) comes in through interfaces.
 */
import { CoreError } from '../errors.ts'
import { readEnvelope } from '../envelope/read.ts'
import type { Envelope } from '../envelope/types.ts'
import { verifyEnvelopeSignature } from '../envelope/verify.ts'
import { pythonEquals, type JsonValue } from '../json/value.ts'
import type { PublicKey } from '../keys/types.ts'
import type { ArtifactMap, Inspection, Layout, LayoutKey, Link, Step } from '../model/types.ts'
import { EarlyStepRules, type EarlyTraces } from './early-rules.ts'
import { explainRuleFailure } from './explain.ts'
import { nameKey, stringKey } from './item-keys.ts'
import { sequentialDecoder, toErrorInfo, type DecodeRequest, type DecodeResult, type ErrorInfo, type LinkDecoder } from './decode.ts'
import { packedIdentical } from './packed-artifacts.ts'
import { pythonRepr } from './python-repr.ts'
import {
  REPORT_VERSION,
  type Failure,
  type InspectionTrace,
  type LayoutSignatureTrace,
  type LinkTrace,
  type RuleListTrace,
  type Stage,
  type StepTrace,
  type VerificationReport,
  type Warning,
} from './report.ts'
import { evaluateRuleList, hashDictsEqual } from './rules.ts'
import { noInspections, type InspectionRunner, type LinkSource } from './sources.ts'
import { substituteParameters } from './substitute.ts'
import { toVerificationKey } from './verification-key.ts'

export type Phase = 'layout' | 'links' | 'signatures' | 'sublayouts' | 'rules' | 'inspections' | 'done'

export interface Progress {
  readonly phase: Phase
  /** Nesting depth: 0 for the root layout, 1 for its sublayouts, … */
  readonly depth: number
  readonly done?: number
  readonly total?: number
}

export interface VerifyOptions {
  /** The signed root layout. */
  readonly layout: Envelope
  readonly layoutFile?: string
  /** The project owner's keys: each must have signed the layout. */
  readonly layoutKeys: readonly PublicKey[]
  readonly links: LinkSource
  readonly inspections?: InspectionRunner
  /** The time to check expiry against (default: now). */
  readonly now?: Date
  /** Parameter substitution, as the reference's library API offers it (its CLI does not). */
  readonly parameters?: ReadonlyMap<string, string>
  readonly decoder?: LinkDecoder
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: Progress) => void
}

/** Sublayout nesting beyond this is refused (the reference would recurse until Python's limit). */
const MAX_SUBLAYOUT_DEPTH = 32

/** Verifies a supply chain and reports the verdict with a full trace. Never throws for bad input. */
export async function verifySupplyChain(options: VerifyOptions): Promise<VerificationReport> {
  const run = new Verification(options)
  return run.root()
}

/**
 * Reads the layout file, then verifies. A layout that cannot be read becomes a `format`
 * failure report (the reference fails before checking anything else).
 */
export async function verifyLayoutFile(layoutBytes: Uint8Array, layoutFile: string, options: Omit<VerifyOptions, 'layout' | 'layoutFile'>): Promise<VerificationReport> {
  let layout: Envelope
  try {
    layout = readEnvelope(layoutBytes, layoutFile)
  } catch (error) {
    const info = toErrorInfo(error, layoutFile)
    return failedReport(
      options.now ?? new Date(),
      {
        stage: 'format',
        errorType: errorTypeOf(info),
        message: `The layout could not be read: ${info.message}`,
        file: layoutFile,
        path: info.path,
      },
      { file: layoutFile, signatures: [] },
    )
  }
  return verifySupplyChain({ ...options, layout, layoutFile })
}

/** Raised inside the verifier to stop at a failure; never escapes it. */
class Stop extends Error {
  readonly failure: Failure
  constructor(failure: Failure) {
    super(failure.message)
    this.failure = failure
  }
}

interface LevelResult {
  readonly summary: Link
  readonly steps: StepTrace[]
  readonly inspections: InspectionTrace[]
}

/** Mutable trace of one layout level while it is being verified. */
interface LevelTrace {
  layout: VerificationReport['layout']
  steps: StepTraceDraft[]
  inspections: InspectionTrace[]
}

type StepTraceDraft = { -readonly [K in keyof StepTrace]: StepTrace[K] }

class Verification {
  private readonly options: VerifyOptions
  private readonly now: Date
  private readonly decoder: LinkDecoder
  private readonly runner: InspectionRunner
  private readonly warnings: Warning[] = []
  private readonly timings: Record<string, number> = {}
  private readonly usedPaths = new Set<string>()
  private inspectionsNotRun = 0

  constructor(options: VerifyOptions) {
    this.options = options
    this.now = options.now ?? new Date()
    this.decoder = options.decoder ?? sequentialDecoder
    this.runner = options.inspections ?? noInspections
  }

  async root(): Promise<VerificationReport> {
    const trace: LevelTrace = { layout: { file: this.options.layoutFile, format: this.options.layout.format, signatures: [] }, steps: [], inspections: [] }
    let failure: Failure | undefined
    try {
      await this.level(this.options.layout, this.options.layoutKeys, '', undefined, 0, trace)
      await this.warnUnusedLinks()
    } catch (error) {
      if (!(error instanceof Stop)) throw error
      failure = error.failure
    }
    this.progress('done', 0)
    const verdict = failure ? 'fail' : this.inspectionsNotRun > 0 ? 'incomplete' : 'pass'
    return {
      version: REPORT_VERSION,
      verdict,
      failure,
      warnings: this.warnings,
      layout: trace.layout,
      steps: trace.steps,
      inspections: trace.inspections,
      verifiedAt: this.now.toISOString(),
      timings: this.timings,
    }
  }

  /** Verifies one layout level (the root or a sublayout) and returns its summary link. */
  private async level(envelope: Envelope, keys: readonly PublicKey[], dir: string, summaryName: JsonValue | undefined, depth: number, trace: LevelTrace): Promise<LevelResult> {
    const file = depth === 0 ? this.options.layoutFile : undefined
    const timed = <T>(name: string, work: () => Promise<T>): Promise<T> => this.timed(depth === 0 ? name : `sublayout.${name}`, work)

    // 1. Layout signatures: every key given must have signed (logical AND).
    this.progress('layout', depth)
    if (envelope.content.type !== 'layout') {
      throw new Stop({ stage: 'format', errorType: 'AttributeError', message: 'The layout file holds link metadata, not a layout.', file })
    }
    let layout = envelope.content.layout
    trace.layout = { ...trace.layout, expires: layout.expires }
    this.warnIgnored(envelope, file ?? 'layout')
    trace.steps = layout.steps.map((step) => draftStep(step))
    trace.inspections = layout.inspect.map((inspection) => ({ name: inspection.name, run: inspection.run.map(String), how: 'not-run', status: 'not-reached' }))
    const signatures = await timed('layout-signatures', () => this.checkLayoutSignatures(envelope, keys, file))
    trace.layout = { ...trace.layout, signatures: signatures.traces }
    if (signatures.failure) throw new Stop(signatures.failure)

    // 2. Expiry: valid while now <= expires (second precision, UTC).
    const expires = parseExpires(layout.expires)
    if (expires === undefined || expires < this.now.getTime()) {
      throw new Stop({
        stage: 'expired',
        errorType: 'LayoutExpiredError',
        message: `The layout expired on ${layout.expires.trim()}${depth > 0 ? ' (sublayout)' : ''}; it was checked at ${this.now.toISOString().replace(/\.\d+Z$/, 'Z')}.`,
        file,
        path: 'signed.expires',
      })
    }

    // 3. Parameter substitution (root layout only, as in the reference).
    if (depth === 0 && this.options.parameters !== undefined) {
      try {
        layout = substituteParameters(layout, this.options.parameters)
      } catch (error) {
        const info = toErrorInfo(error)
        throw new Stop({
          stage: 'parameters',
          errorType: /KeyError|IndexError|TypeError/.exec(info.detail)?.[0] ?? 'ValueError',
          message: `Parameter substitution failed: ${info.message}`,
          file,
          path: info.path,
        })
      }
    }

    // 4–5. Load every candidate link file, then check signatures and thresholds.
    const plan = planLinks(layout, dir)
    this.progress('links', depth, 0, plan.requests.length)
    const early = earlyRulesFor(layout, plan)
    const results = await timed('links', () => this.decoder.decode(plan.requests, this.options.links, this.options.signal, (index, result) => early.arrived(index, result)))
    for (const request of plan.requests) this.usedPaths.add(request.path)
    const verified = this.checkLinks(layout, plan, results, trace, depth)

    // 6. Sublayouts: verified links that hold a layout are verified recursively.
    this.progress('sublayouts', depth)
    for (const [stepIndex, step] of layout.steps.entries()) {
      const stepLinks = verified[stepIndex] as Map<string, VerifiedLink>
      for (const [id, entry] of stepLinks) {
        if (entry.envelope.content.type !== 'layout') continue
        stepLinks.set(id, { ...entry, link: await this.sublayout(layout, step, id, entry, dir, depth, trace.steps[stepIndex] as StepTraceDraft) })
      }
    }

    // 7. Command alignment: a mismatch is only a warning.
    for (const [stepIndex, step] of layout.steps.entries()) {
      for (const entry of (verified[stepIndex] as Map<string, VerifiedLink>).values()) {
        if (!pythonEquals(entry.link.command as JsonValue[], step.expectedCommand as JsonValue[])) {
          this.warnings.push({
            kind: 'command-mismatch',
            step: step.name,
            file: entry.path,
            message: `Run command '${pythonRepr(entry.link.command as JsonValue[])}' differs from expected command '${pythonRepr(step.expectedCommand as JsonValue[])}'`,
          })
        }
      }
    }

    // 8. Threshold constraints: with threshold > 1 every valid link must report the same artifacts.
    for (const [stepIndex, step] of layout.steps.entries()) {
      if (thresholdValue(step) <= 1n) continue
      const entries = [...(verified[stepIndex] as Map<string, VerifiedLink>).values()]
      const reference = entries[0]
      if (reference === undefined) continue
      for (const entry of entries) {
        if (!artifactsEqual(reference.link.materials, entry.link.materials) || !artifactsEqual(reference.link.products, entry.link.products)) {
          this.markStep(trace, stepIndex, 'fail')
          throw new Stop({
            stage: 'link-threshold',
            errorType: 'ThresholdVerificationError',
            message: `Step '${step.name}' requires ${step.threshold} functionaries to agree, but '${reference.path}' and '${entry.path}' report different ${artifactsEqual(reference.link.materials, entry.link.materials) ? 'products' : 'materials'}.`,
            step: step.name,
            file: entry.path,
          })
        }
      }
    }

    // 9. Each step is checked against its first valid link, in pubkeys order.
    const reduced = new Map<string, Link>()
    for (const [stepIndex, step] of layout.steps.entries()) {
      const first = [...(verified[stepIndex] as Map<string, VerifiedLink>).values()][0]
      if (first === undefined) {
        this.markStep(trace, stepIndex, 'fail')
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'IndexError',
          message: `Step '${step.name}' has threshold ${step.threshold} and no valid link: there is nothing to check its rules against (the reference crashes here).`,
          step: step.name,
        })
      }
      reduced.set(nameKey(step), first.link)
      ;(trace.steps[stepIndex] as StepTraceDraft).usedLink = first.path
    }

    // 10. Step rules, materials then products, in layout order.
    this.progress('rules', depth)
    await timed('step-rules', async () => {
      for (const [stepIndex, step] of layout.steps.entries()) {
        const link = reduced.get(nameKey(step)) as Link
        this.checkItemRules('step', stepIndex, step, link, reduced, early.take(stepIndex, link, reduced), (materials, products) => {
          const draft = trace.steps[stepIndex] as StepTraceDraft
          draft.materials = materials
          draft.products = products
          draft.status = products?.status === 'pass' ? 'pass' : 'fail'
        })
      }
    })

    // 11. Inspections: all run before any inspection rule is checked.
    this.progress('inspections', depth)
    const inspectionLinks = await timed('inspections', () => this.runInspections(layout, trace))

    // 12. Inspection rules may MATCH against steps and inspections.
    const combined = new Map(reduced)
    for (const [key, link] of inspectionLinks) combined.set(key, link)
    for (const [index, inspection] of layout.inspect.entries()) {
      const link = inspectionLinks.get(nameKey(inspection))
      const draft = trace.inspections[index] as { -readonly [K in keyof InspectionTrace]: InspectionTrace[K] }
      if (link === undefined) continue
      const unavailable = referencedUnavailable(inspection, layout, inspectionLinks)
      if (unavailable !== undefined) {
        draft.status = 'not-run'
        draft.message = `rules not checked: they compare with inspection '${unavailable}', which was not run`
        continue
      }
      this.checkItemRules('inspection', index, inspection, link, combined, undefined, (materials, products) => {
        draft.materials = materials
        draft.products = products
        draft.status = products?.status === 'pass' ? 'pass' : 'fail'
      })
    }

    return { summary: summaryLink(layout, reduced, summaryName), steps: trace.steps, inspections: trace.inspections }
  }

  private async checkLayoutSignatures(envelope: Envelope, keys: readonly PublicKey[], file: string | undefined): Promise<{ traces: LayoutSignatureTrace[]; failure?: Failure }> {
    if (keys.length === 0) {
      return {
        traces: [],
        failure: { stage: 'layout-signature', errorType: 'SignatureVerificationError', message: 'Layout signature verification requires at least one key.', file },
      }
    }
    const traces: LayoutSignatureTrace[] = []
    let failure: Failure | undefined
    for (const key of keys) {
      try {
        const status = await verifyEnvelopeSignature(envelope, key)
        traces.push({ keyid: key.keyid, status })
        if (status !== 'valid' && failure === undefined) {
          failure = {
            stage: 'layout-signature',
            errorType: 'SignatureVerificationError',
            message:
              status === 'missing'
                ? `The layout is not signed by the owner key ${key.keyid} (no signature found for key '${key.keyid}').`
                : `The layout's signature by ${key.keyid} is invalid: the layout was changed after signing, or signed by another key (invalid signature for keyid '${key.keyid}').`,
            file,
          }
        }
      } catch (error) {
        const info = toErrorInfo(error, file)
        traces.push({ keyid: key.keyid, status: 'error', message: info.message })
        failure ??= {
          stage: stageOfError(info, 'layout-signature'),
          errorType: errorTypeOf(info),
          message: `Checking the layout signature by ${key.keyid} failed: ${info.detail}`,
          file,
          path: info.path,
        }
      }
    }
    return { traces, failure }
  }

  /** Replays decoded links in the reference's order: loading (4.4), then signatures (4.5). */
  private checkLinks(layout: Layout, plan: LinkPlan, results: readonly DecodeResult[], trace: LevelTrace, depth: number): Map<string, VerifiedLink>[] {
    const byPath = new Map<string, DecodeResult>()
    plan.requests.forEach((request, index) => byPath.set(request.path, results[index] as DecodeResult))
    const linkTraces: LinkTrace[][] = layout.steps.map(() => [])

    // Loading: a file that cannot be read or parsed ends verification, needed or not.
    for (const [stepIndex, step] of layout.steps.entries()) {
      let found = 0
      for (const candidate of plan.candidates[stepIndex] as Candidate[]) {
        const result = byPath.get(candidate.path) as DecodeResult
        if (result.status === 'missing') {
          ;(linkTraces[stepIndex] as LinkTrace[]).push({ file: candidate.path, keyid: candidate.id, status: 'missing' })
          continue
        }
        if (result.status === 'error') {
          ;(linkTraces[stepIndex] as LinkTrace[]).push({ file: candidate.path, keyid: candidate.id, status: 'error', message: result.error.message })
          this.setLinks(trace, stepIndex, linkTraces[stepIndex] as LinkTrace[], 'fail')
          throw new Stop({
            stage: stageOfError(result.error, 'format'),
            errorType: errorTypeOf(result.error),
            message: `The link file '${candidate.path}' for step '${step.name}' could not be read: ${result.error.detail}`,
            step: step.name,
            file: candidate.path,
            path: result.error.path,
          })
        }
        found++
        this.warnIgnored(result.envelope, candidate.path)
        ;(linkTraces[stepIndex] as LinkTrace[]).push({ file: candidate.path, keyid: candidate.id, status: 'not-checked', ...describeEnvelope(result.envelope) })
      }
      this.setLinks(trace, stepIndex, linkTraces[stepIndex] as LinkTrace[])
      if (BigInt(found) < thresholdValue(step)) {
        this.setLinks(trace, stepIndex, linkTraces[stepIndex] as LinkTrace[], 'fail')
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'LinkNotFoundError',
          message: `Step '${step.name}' requires ${step.threshold} link file(s) but ${found} ${found === 1 ? 'was' : 'were'} found (looked for ${describeCandidates(plan.candidates[stepIndex] as Candidate[])}).`,
          step: step.name,
        })
      }
    }

    // Signatures: only clean signature failures are skipped; anything else ends verification.
    this.progress('signatures', depth)
    const verified: Map<string, VerifiedLink>[] = []
    for (const [stepIndex, step] of layout.steps.entries()) {
      const stepVerified = new Map<string, VerifiedLink>()
      const signers: string[] = []
      const traces = linkTraces[stepIndex] as LinkTrace[]
      for (const candidate of plan.candidates[stepIndex] as Candidate[]) {
        const result = byPath.get(candidate.path) as DecodeResult
        if (result.status !== 'loaded') continue
        const at = traces.findIndex((entry) => entry.file === candidate.path)
        const update = (patch: Partial<LinkTrace>) => {
          traces[at] = { ...(traces[at] as LinkTrace), ...patch }
        }
        if (candidate.authorization === undefined) {
          update({ status: 'unauthorized', message: `keyid ${candidate.id} is not a key of this layout` })
          continue
        }
        if ('error' in candidate.authorization) {
          update({ status: 'error', message: candidate.authorization.error.message })
          this.setLinks(trace, stepIndex, traces, 'fail')
          throw new Stop({
            stage: stageOfError(candidate.authorization.error, 'link-signature'),
            errorType: errorTypeOf(candidate.authorization.error),
            message: `The key authorized to sign '${candidate.path}' for step '${step.name}' is unusable: ${candidate.authorization.error.detail}`,
            step: step.name,
            file: candidate.path,
          })
        }
        const signature = result.signature
        if (signature === undefined) continue
        if (signature.status === 'error') {
          update({ status: 'error', message: signature.error.message })
          this.setLinks(trace, stepIndex, traces, 'fail')
          throw new Stop({
            stage: stageOfError(signature.error, 'link-signature'),
            errorType: errorTypeOf(signature.error),
            message: `Checking the signature of '${candidate.path}' for step '${step.name}' failed: ${signature.error.detail}`,
            step: step.name,
            file: candidate.path,
            path: signature.error.path,
          })
        }
        if (signature.status !== 'valid') {
          update({
            status: 'invalid-signature',
            message:
              signature.status === 'missing'
                ? `not signed by the authorized key ${candidate.authorization.key.keyid}`
                : `the signature by ${candidate.authorization.key.keyid} does not match the content`,
          })
          continue
        }
        const signer = candidate.authorization.key.keyid
        if (signers.includes(signer)) {
          this.warnings.push({
            kind: 'duplicate-signer',
            step: step.name,
            file: candidate.path,
            message: `'${candidate.path}' is signed by the same key as another link of step '${step.name}'; it counts once towards the threshold.`,
          })
        }
        signers.push(signer)
        update({ status: 'valid', signer })
        const link = result.envelope.content.type === 'link' ? result.envelope.content.link : emptyLink()
        stepVerified.set(candidate.id, { path: candidate.path, envelope: result.envelope, link, keyid: candidate.id })
      }
      const distinct = new Set(signers).size
      const draft = trace.steps[stepIndex] as StepTraceDraft
      draft.validSigners = distinct
      this.setLinks(trace, stepIndex, traces)
      if (BigInt(distinct) < thresholdValue(step)) {
        this.setLinks(trace, stepIndex, traces, 'fail')
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'ThresholdVerificationError',
          message: `Step '${step.name}' requires ${step.threshold} link(s) validly signed by different authorized functionaries, but only ${distinct} ${distinct === 1 ? 'is' : 'are'} valid${describeInvalid(traces)}.`,
          step: step.name,
        })
      }
      verified.push(stepVerified)
    }
    return verified
  }

  private async sublayout(layout: Layout, step: Step, id: string, entry: VerifiedLink, dir: string, depth: number, draft: StepTraceDraft): Promise<Link> {
    if (depth + 1 > MAX_SUBLAYOUT_DEPTH) {
      throw new Stop({
        stage: 'sublayout',
        errorType: 'RecursionError',
        message: `Sublayouts nest deeper than ${MAX_SUBLAYOUT_DEPTH} levels at step '${step.name}'.`,
        step: step.name,
      })
    }
    const subTrace: LevelTrace = { layout: { file: entry.path, format: entry.envelope.format, signatures: [] }, steps: [], inspections: [] }
    const finish = (failure?: Failure): VerificationReport => ({
      version: REPORT_VERSION,
      verdict: failure ? 'fail' : 'pass',
      failure,
      warnings: [],
      layout: subTrace.layout,
      steps: subTrace.steps,
      inspections: subTrace.inspections,
      verifiedAt: this.now.toISOString(),
      timings: {},
    })
    try {
      const layoutKey = layout.keys.get(id)
      let keys: PublicKey[]
      try {
        if (layoutKey === undefined) throw new CoreError('format', `there is no key ${id} in the layout`)
        keys = [toVerificationKey(layoutKey, id)]
      } catch (error) {
        const info = toErrorInfo(error)
        throw new Stop({ stage: 'format', errorType: 'FormatError', message: info.message, file: entry.path })
      }
      const result = await this.level(entry.envelope, keys, joinPath(dir, `${step.name}.${prefix8(id)}`), step.rawName ?? step.name, depth + 1, subTrace)
      draft.sublayout = finish()
      return result.summary
    } catch (error) {
      if (!(error instanceof Stop)) throw error
      draft.sublayout = finish(error.failure)
      draft.status = 'fail'
      throw new Stop({
        stage: 'sublayout',
        errorType: error.failure.errorType,
        message: `The sublayout of step '${step.name}' ('${entry.path}') failed: ${error.failure.message}`,
        step: step.name,
        file: entry.path,
        inner: error.failure,
      })
    }
  }

  private checkItemRules(
    itemKind: 'step' | 'inspection',
    itemIndex: number,
    item: Step | Inspection,
    link: Link,
    links: Map<string, Link>,
    /** The traces, if already evaluated while the links arrived (early-rules.ts). */
    evaluated: EarlyTraces | undefined,
    record: (materials: RuleListTrace, products: RuleListTrace | undefined) => void,
  ): void {
    const lookup = { get: (name: string) => links.get(stringKey(name)) }
    const materials = evaluated?.materials ?? evaluateRuleList(item.name, 'materials', item.expectedMaterials, link, lookup)
    const products = evaluated ? evaluated.products : materials.status === 'pass' ? evaluateRuleList(item.name, 'products', item.expectedProducts, link, lookup) : undefined
    record(materials, products)
    const failed = materials.status === 'fail' ? materials : products?.status === 'fail' ? products : undefined
    if (failed === undefined) return
    const rule = failed.rules[failed.failedRule as number]
    const failure = rule?.failure
    throw new Stop({
      stage: failure?.kind === 'malformed' ? 'format' : 'artifact-rule',
      errorType: failure?.kind === 'malformed' ? 'FormatError' : failure?.kind === 'path-rebuild' ? 'KeyError' : 'RuleVerificationError',
      message: explainRuleFailure(failed, { itemKind, link, links: lookup }),
      ...(itemKind === 'step' ? { step: item.name } : { inspection: item.name }),
      ruleList: failed.kind,
      ruleIndex: failed.failedRule,
      path: `${itemKind === 'step' ? 'steps' : 'inspect'}[${itemIndex}].expected_${failed.kind}[${failed.failedRule}]`,
    })
  }

  private async runInspections(layout: Layout, trace: LevelTrace): Promise<Map<string, Link>> {
    const links = new Map<string, Link>()
    for (const [index, inspection] of layout.inspect.entries()) {
      this.options.signal?.throwIfAborted()
      const draft = trace.inspections[index] as { -readonly [K in keyof InspectionTrace]: InspectionTrace[K] }
      const result = await this.runner.run(inspection, this.options.signal)
      if (result.status === 'not-run') {
        this.inspectionsNotRun++
        draft.how = 'not-run'
        draft.status = 'not-run'
        draft.message = result.reason
        this.warnings.push({ kind: 'inspection-not-run', message: `Inspection '${inspection.name}' was not run: ${result.reason}` })
        continue
      }
      if (result.status === 'error') {
        draft.status = 'fail'
        draft.message = result.message
        throw new Stop({
          stage: 'inspection',
          errorType: result.errorType,
          message: `Inspection '${inspection.name}' could not run ${pythonRepr(inspection.run as JsonValue[])}: ${result.message}`,
          inspection: inspection.name,
        })
      }
      draft.how = result.how
      const returnValue = result.link.byproducts.get('return-value')
      draft.returnValue = returnValue === undefined ? undefined : pythonRepr(returnValue)
      if (!isZeroReturnValue(returnValue)) {
        draft.status = 'fail'
        const nonInt = typeof returnValue !== 'bigint' && typeof returnValue !== 'boolean'
        throw new Stop({
          stage: 'inspection',
          errorType: 'BadReturnValueError',
          message: nonInt
            ? `Inspection '${inspection.name}' returned no exit status${inspection.run.length === 0 ? ' because its run command is empty' : ''} (the reference says: Got non-int return value '${returnValue === undefined ? 'None' : pythonRepr(returnValue)}').`
            : `Inspection '${inspection.name}' failed: ${pythonRepr(inspection.run as JsonValue[])} exited with status ${pythonRepr(returnValue as JsonValue)}.`,
          inspection: inspection.name,
        })
      }
      draft.status = 'pass'
      links.set(nameKey(inspection), result.link)
    }
    return links
  }

  private setLinks(trace: LevelTrace, stepIndex: number, links: LinkTrace[], status?: StepTrace['status']): void {
    const draft = trace.steps[stepIndex] as StepTraceDraft
    draft.links = [...links]
    if (status) draft.status = status
  }

  private markStep(trace: LevelTrace, stepIndex: number, status: StepTrace['status']): void {
    ;(trace.steps[stepIndex] as StepTraceDraft).status = status
  }

  private warnIgnored(envelope: Envelope, file: string): void {
    if (envelope.ignoredFields.length === 0) return
    this.warnings.push({
      kind: 'ignored-fields',
      file,
      message: `'${file}' has ${envelope.format === 'metablock' ? 'unsigned ' : ''}fields the verifier ignores: ${envelope.ignoredFields.join(', ')}`,
    })
  }

  private async warnUnusedLinks(): Promise<void> {
    const list = await this.options.links.list?.()
    if (!list) return
    for (const path of list) {
      if (!path.endsWith('.link') || this.usedPaths.has(path)) continue
      this.warnings.push({ kind: 'unused-link', file: path, message: `'${path}' is not used: no step of the layout authorizes a key for that file name.` })
    }
  }

  private progress(phase: Phase, depth: number, done?: number, total?: number): void {
    this.options.signal?.throwIfAborted()
    this.options.onProgress?.({ phase, depth, done, total })
  }

  private async timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      return await work()
    } finally {
      this.timings[name] = (this.timings[name] ?? 0) + Math.round((performance.now() - started) * 10) / 10
    }
  }
}

interface VerifiedLink {
  readonly path: string
  readonly keyid: string
  readonly envelope: Envelope
  readonly link: Link
}

interface Candidate {
  /** The keyid the file name was built from (a pubkeys entry or one of its subkeys). */
  readonly id: string
  readonly path: string
  /** The key that must have signed it; absent when the id is not authorized for the step. */
  readonly authorization?: { readonly key: PublicKey } | { readonly error: ErrorInfo }
}

interface LinkPlan {
  readonly requests: DecodeRequest[]
  readonly candidates: Candidate[][]
}

/** Which files to read for each step, and with which key to check each (reference 4.4/4.5). */
function planLinks(layout: Layout, dir: string): LinkPlan {
  const requests: DecodeRequest[] = []
  const seen = new Set<string>()
  const candidates = layout.steps.map((step, group) => {
    const ids: string[] = []
    for (const pubkey of step.pubkeys) {
      for (const id of [pubkey, ...subkeyIds(layout.keys.get(pubkey))]) if (!ids.includes(id)) ids.push(id)
    }
    return ids.map((id): Candidate => {
      const path = joinPath(dir, `${step.name}.${prefix8(id)}.link`)
      const authorization = authorize(layout, step, id)
      if (!seen.has(path)) {
        seen.add(path)
        requests.push({ path, key: authorization && 'key' in authorization ? authorization.key : undefined, group })
      }
      return { id, path, authorization }
    })
  })
  return { requests, candidates }
}

/** Early rule evaluation for the plan's steps, each file in the verifier's order. */
function earlyRulesFor(layout: Layout, plan: LinkPlan): EarlyStepRules {
  const requestOf = new Map(plan.requests.map((request, index) => [request.path, index]))
  const candidates = plan.candidates.map((list) =>
    list.map((candidate) => ({ request: requestOf.get(candidate.path) as number, authorized: candidate.authorization !== undefined && 'key' in candidate.authorization })),
  )
  return new EarlyStepRules(layout, candidates)
}

/** The reference's authorization walk over `step.pubkeys` (verify_link_signature_thresholds). */
function authorize(layout: Layout, step: Step, linkKeyid: string): Candidate['authorization'] {
  const mainKeyForSubkey = new Map<string, LayoutKey>()
  for (const key of layout.keys.values()) for (const sub of subkeyIds(key)) mainKeyForSubkey.set(sub, key)
  for (const authorizedId of step.pubkeys) {
    const authorized = layout.keys.get(authorizedId)
    const main = mainKeyForSubkey.get(authorizedId)
    let chosen: LayoutKey | undefined
    if (authorized && linkKeyid === authorizedId) chosen = authorized
    else if (main && linkKeyid === authorizedId) chosen = main
    else if (authorized && subkeyIds(authorized).includes(linkKeyid)) chosen = authorized
    if (chosen === undefined) continue
    try {
      return { key: toVerificationKey(chosen, authorizedId) }
    } catch (error) {
      return { error: toErrorInfo(error) }
    }
  }
  return undefined
}

function subkeyIds(key: LayoutKey | undefined): string[] {
  const subkeys = key?.json.get('subkeys')
  return subkeys instanceof Map ? [...subkeys.keys()] : []
}

/** Python `'{:.8}'.format(keyid)`: the first 8 characters (code points). */
function prefix8(keyid: string): string {
  return [...keyid].slice(0, 8).join('')
}

/** `os.path.join(dir, name)` on POSIX. */
function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`
}

function thresholdValue(step: Step): bigint {
  return typeof step.threshold === 'boolean' ? (step.threshold ? 1n : 0n) : step.threshold
}

function artifactsEqual(a: ArtifactMap, b: ArtifactMap): boolean {
  if (a === b || packedIdentical(a, b)) return true
  if (a.size !== b.size) return false
  for (const [path, hashes] of a) {
    const other = b.get(path)
    if (other === undefined || !hashDictsEqual(hashes, other)) return false
  }
  return true
}

const EXPIRES = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z\n?$/

function parseExpires(expires: string): number | undefined {
  const match = EXPIRES.exec(expires)
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)
}

function isZeroReturnValue(value: JsonValue | undefined): boolean {
  return value === 0n || value === false
}

/** The link a sublayout contributes to its parent (in-toto 1.3.1 `get_summary_link`). */
function summaryLink(layout: Layout, reduced: Map<string, Link>, name: JsonValue | undefined): Link {
  const first = layout.steps[0]
  const last = layout.steps.at(-1)
  if (first === undefined || last === undefined) return { ...emptyLink(), name: null }
  const firstLink = reduced.get(nameKey(first)) as Link
  const lastLink = reduced.get(nameKey(last)) as Link
  return {
    type: 'link',
    name: name ?? null,
    command: lastLink.command,
    materials: firstLink.materials,
    products: lastLink.products,
    byproducts: lastLink.byproducts,
    environment: new Map(),
  }
}

function emptyLink(): Link {
  return { type: 'link', name: null, command: [], materials: new Map(), products: new Map(), byproducts: new Map(), environment: new Map() }
}

/** If the inspection's MATCH rules refer to an inspection that was not run, its name. */
function referencedUnavailable(inspection: Inspection, layout: Layout, ran: Map<string, Link>): string | undefined {
  const notRun = layout.inspect.filter((other) => !ran.has(nameKey(other))).map((other) => other.name)
  if (notRun.length === 0) return undefined
  for (const rule of [...inspection.expectedMaterials, ...inspection.expectedProducts]) {
    if (rule[0]?.toLowerCase() !== 'match') continue
    const destination = rule.at(-1)
    if (destination !== undefined && notRun.includes(destination)) return destination
  }
  return undefined
}

function draftStep(step: Step): StepTraceDraft {
  return { name: step.name, threshold: String(thresholdValue(step)), pubkeys: step.pubkeys, links: [], validSigners: 0, status: 'not-reached' }
}

function describeEnvelope(envelope: Envelope): Partial<LinkTrace> {
  const content = envelope.content
  const kind = content.type === 'layout' ? 'sublayout' : envelope.format === 'dsse' && envelope.statement ? 'statement' : 'link'
  return {
    kind,
    format: envelope.format,
    ...(content.type === 'link' ? { materials: content.link.materials.size, products: content.link.products.size } : {}),
  }
}

function describeCandidates(candidates: readonly Candidate[]): string {
  if (candidates.length === 0) return 'no file: the step authorizes no keys'
  return candidates.map((candidate) => `'${candidate.path}'`).join(', ')
}

function describeInvalid(traces: readonly LinkTrace[]): string {
  const skipped = traces.filter((trace) => trace.status === 'invalid-signature' || trace.status === 'unauthorized')
  if (skipped.length === 0) return ''
  return `; skipped: ${skipped.map((trace) => `'${trace.file}' (${trace.message ?? trace.status})`).join(', ')}`
}

/** The reference's exception name for an error, as the report's `errorType`. */
export function errorTypeOf(error: ErrorInfo): string {
  switch (error.code) {
    case 'json':
      return 'JSONDecodeError'
    case 'canonical':
      return /surrogate/.test(error.detail) ? 'UnicodeEncodeError' : 'FormatError'
    case 'unsupported-algorithm':
      return 'UnsupportedAlgorithmError'
    case 'key':
    case 'decrypt':
      return 'CryptoError'
    case 'signature-format':
      return 'FormatError'
    case 'format':
      return 'FormatError'
    default:
      return 'Error'
  }
}

/** Malformed documents are `format` failures wherever found; crypto problems belong to their phase. */
function stageOfError(error: ErrorInfo, phase: Stage): Stage {
  return error.code === 'json' || error.code === 'format' || error.code === 'canonical' ? 'format' : phase
}

function failedReport(now: Date, failure: Failure, layout: VerificationReport['layout']): VerificationReport {
  return { version: REPORT_VERSION, verdict: 'fail', failure, warnings: [], layout, steps: [], inspections: [], verifiedAt: now.toISOString(), timings: {} }
}
