/**
 * The supply-chain verifier: in-toto 1.3.1 `verifylib.in_toto_verify`, phase for phase,
 * returning a report instead of raising. The phases are those of its docstring, in its order,
 * one method each ({@link Verification.level}); each stops at its first failure.
 *
 * The same code runs in the page, in a Web Worker and in Node; what differs (reading files,
 * running inspection commands, parallel decoding) comes in through interfaces.
 */
import { readEnvelope } from '../envelope/read.ts'
import type { Envelope } from '../envelope/types.ts'
import { checkEnvelopeSignature } from '../envelope/verify.ts'
import { pythonEquals, type JsonValue } from '../json/value.ts'
import { generationOfKeyid, keyidsOf } from '../keys/keyid-generations.ts'
import { isOpenPgpKey, type VerificationKey } from '../keys/types.ts'
import { type ErrorInfo, toErrorInfo } from '../errors.ts'
import type { LinkResult, Links } from '../links/index.ts'
import { hashDictsEqual, sameArtifacts } from '../model/artifact-index.ts'
import type { ArtifactMap, Inspection, Layout, Link, Step } from '../model/types.ts'
import type { OpenPgpCertificate } from '../openpgp/certificate.ts'
import { indexCertificates, type KnownCertificates } from '../openpgp/verify-signature.ts'
import { EarlyStepRules, type EarlyTraces } from './early-rules.ts'
import { Stop, stageOfError } from './failure.ts'
import { nameKey } from './item-keys.ts'
import { checkItemRules, type ItemRef } from './item-rules.ts'
import { referencedUnavailable, returnValueFailure, returnValueOf, runErrorFailure, unavailableNote } from './inspection-outcome.ts'
import { type Candidate, LinkRequests, linkPath, sublayoutLinkDir } from './link-plan.ts'
import { abbreviated, pythonRepr } from './python-repr.ts'
import {
  REPORT_VERSION,
  type DisagreeingArtifact,
  type Failure,
  type InspectionTrace,
  type LayoutSignatureTrace,
  type LinkTrace,
  type StepTrace,
  type VerificationReport,
  type Warning,
} from './report.ts'
import { noInspections, type InspectionResult, type InspectionRunner } from './inspection-runner.ts'
import { substituteParameters } from './substitute.ts'
import { keyWeakness } from '../keys/weakness.ts'

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
  /**
   * The project owner's keys: each must have signed the layout, under any of its keyids (both
   * keyid generations: keyid-generations.ts; an OpenPGP key also through its subkeys).
   */
  readonly layoutKeys: readonly VerificationKey[]
  /**
   * OpenPGP certificates known besides the owner keys' own (exports of functionary keys, the
   * GnuPG home): a signature by a key one of them revokes, or by a subkey it does not let sign,
   * is refused (openpgp/verify-signature.ts).
   */
  readonly openpgpCertificates?: readonly OpenPgpCertificate[]
  /** The link files, read by the host's means (links/index.ts). */
  readonly links: Links
  readonly inspections?: InspectionRunner
  /** The time to check expiry against (default: now). */
  readonly now?: Date
  /** Parameter substitution, as the reference's library API offers it (its CLI does not). */
  readonly parameters?: ReadonlyMap<string, string>
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
    return layoutReadFailure(toErrorInfo(error, layoutFile), layoutFile, options.now ?? new Date())
  }
  return verifySupplyChain({ ...options, layout, layoutFile })
}

/** The report for a layout file that could not be read (`error`, from reading it). */
export function layoutReadFailure(error: ErrorInfo, layoutFile: string, now: Date): VerificationReport {
  return failedReport(
    now,
    { stage: 'format', errorType: error.exception, message: `The layout could not be read: ${error.message}`, file: layoutFile, path: error.path },
    { file: layoutFile, signatures: [] },
  )
}

type Draft<T> = { -readonly [K in keyof T]: T[K] }
type StepTraceDraft = Draft<StepTrace>
type InspectionTraceDraft = Draft<InspectionTrace>

/** A link file of a step that is validly signed by a key the step authorizes. */
interface VerifiedLink {
  readonly path: string
  readonly keyid: string
  readonly envelope: Envelope
  /** The link; for a sublayout, once verified, its summary link. */
  readonly link: Link
  /** The layout key that verified it (what a sublayout's own signature is checked with). */
  readonly key: VerificationKey
}

/** One step of the level being verified, and what each phase found out about it. */
interface StepRecord {
  /** Its position in the layout's `steps`. */
  readonly index: number
  /** The step as checked (at the root, after parameter substitution). */
  step: Step
  readonly threshold: bigint
  readonly trace: StepTraceDraft
  /** Its link files, in the reference's order (loading links). */
  candidates: readonly Candidate[]
  /** Its link files' traces as the phases update them (`trace.links` gets a copy). */
  readonly links: LinkTrace[]
  /** Its valid links by keyid, in `pubkeys` order (link signatures). */
  readonly verified: Map<string, VerifiedLink>
  /** The link its rules are checked against (choosing links). */
  chosen: Link | undefined
}

/** One inspection of the level being verified. */
interface InspectionRecord {
  readonly index: number
  /** The inspection as run (at the root, after parameter substitution). */
  inspection: Inspection
  readonly trace: InspectionTraceDraft
  /** What running it recorded; absent until it ran (and when it could not run here). */
  link: Link | undefined
}

/** One layout level (the root or a sublayout) while it is being verified. */
class Level {
  readonly envelope: Envelope
  /** The keys that must all have signed it. */
  readonly keys: readonly VerificationKey[]
  /** Whether its keys are the owner's, which answer to every keyid generation (the root's), or a layout key (a sublayout's). */
  readonly ownerKeys: boolean
  /** Where its links are, relative to the link source. */
  readonly dir: string
  readonly depth: number
  /** The file named in failures (the root layout's). */
  readonly file: string | undefined
  /** The name its summary link gets (the parent's step name). */
  readonly summaryName: JsonValue | undefined
  layoutTrace: VerificationReport['layout']
  /** Set by the first phase, replaced by parameter substitution. */
  layout: Layout | undefined
  steps: StepRecord[] = []
  inspections: InspectionRecord[] = []
  /** Each file's decoded form, by request (loading links). */
  decoded: readonly LinkResult[] = []
  /** Step rules evaluated while the links arrived. */
  early: EarlyStepRules | undefined
  /** The chosen link of each step by name key: what MATCH rules look up. */
  readonly chosen = new Map<string, Link>()

  constructor(envelope: Envelope, keys: readonly VerificationKey[], where: { dir: string; depth: number; file?: string; shownAs?: string; summaryName?: JsonValue }) {
    this.envelope = envelope
    this.keys = keys
    this.ownerKeys = where.depth === 0
    this.dir = where.dir
    this.depth = where.depth
    this.file = where.file
    this.summaryName = where.summaryName
    this.layoutTrace = { file: where.shownAs ?? where.file, format: envelope.format, signatures: [] }
  }

  /** The layout, once the first phase has read it. */
  get checked(): Layout {
    if (this.layout === undefined) throw new Error('the layout of this level has not been read yet')
    return this.layout
  }

  /** This level's trace as the report shows it. */
  report(): Pick<VerificationReport, 'layout' | 'steps' | 'inspections'> {
    return { layout: this.layoutTrace, steps: this.steps.map((record) => record.trace), inspections: this.inspections.map((record) => record.trace) }
  }
}

class Verification {
  private readonly options: VerifyOptions
  private readonly now: Date
  private readonly runner: InspectionRunner
  private readonly warnings: Warning[] = []
  private readonly timings: Record<string, number> = {}
  private readonly usedPaths = new Set<string>()
  /** `<inspection>.link` files the verifier's own inspections write (run-all-inspections). */
  private readonly inspectionLinkNames = new Set<string>()
  private readonly certificates: KnownCertificates
  private inspectionsNotRun = 0
  /** Keys already warned about as weak. */
  private readonly weakKeys = new Set<string>()

  constructor(options: VerifyOptions) {
    this.options = options
    this.now = options.now ?? new Date()
    const owners = options.layoutKeys.flatMap((key) => (isOpenPgpKey(key) && key.certificate ? [key.certificate] : []))
    this.certificates = indexCertificates([...(options.openpgpCertificates ?? []), ...owners])
    this.runner = options.inspections ?? noInspections
  }

  async root(): Promise<VerificationReport> {
    const root = new Level(this.options.layout, this.options.layoutKeys, { dir: '', depth: 0, file: this.options.layoutFile })
    let failure: Failure | undefined
    try {
      await this.level(root)
      await this.warnUnusedLinks()
    } catch (error) {
      if (!(error instanceof Stop)) throw error
      failure = error.failure
    }
    this.progress('done', 0)
    const verdict = failure ? 'fail' : this.inspectionsNotRun > 0 ? 'incomplete' : 'pass'
    const { layout, steps, inspections } = root.report()
    return { version: REPORT_VERSION, verdict, failure, warnings: this.warnings, layout, steps, inspections, verifiedAt: this.now.toISOString(), timings: this.timings }
  }

  /** Verifies one layout level and returns its summary link (what a parent step checks). */
  private async level(level: Level): Promise<Link> {
    await this.layoutSignatures(level)
    this.expiry(level)
    this.parameterSubstitution(level)
    await this.loadingLinks(level)
    await this.linkSignatures(level)
    await this.sublayouts(level)
    this.commandAlignment(level)
    this.thresholdAgreement(level)
    this.choosingLinks(level)
    await this.stepRules(level)
    await this.inspections(level)
    this.inspectionRules(level)
    return summaryLink(level)
  }

  /** `verify_layout_signatures`: every key given must have signed the layout (logical AND). */
  private async layoutSignatures(level: Level): Promise<void> {
    this.progress('layout', level.depth)
    const { envelope, file } = level
    if (envelope.content.type !== 'layout') {
      throw new Stop({ stage: 'format', errorType: 'AttributeError', message: 'The layout file holds link metadata, not a layout.', file })
    }
    const layout = envelope.content.layout
    level.layout = layout
    level.layoutTrace = { ...level.layoutTrace, expires: layout.expires }
    this.warnIgnored(envelope, file ?? 'layout')
    this.warnWeakKeys(level, layout)
    level.steps = layout.steps.map((step, index) => ({
      index,
      step,
      threshold: thresholdValue(step),
      trace: { name: step.name, threshold: String(thresholdValue(step)), pubkeys: step.pubkeys, links: [], validSigners: 0, status: 'not-reached' },
      candidates: [],
      links: [],
      verified: new Map(),
      chosen: undefined,
    }))
    for (const inspection of layout.inspect) this.inspectionLinkNames.add(`${inspection.name}.link`)
    level.inspections = layout.inspect.map((inspection, index) => ({
      index,
      inspection,
      trace: { name: inspection.name, run: inspection.run.map(String), how: 'not-run', status: 'not-reached' },
      link: undefined,
    }))
    const signatures = await this.timed(level, 'layout-signatures', () => this.checkLayoutSignatures(envelope, level.keys, level.ownerKeys, file))
    level.layoutTrace = { ...level.layoutTrace, signatures: signatures.traces }
    if (signatures.failure) throw new Stop(signatures.failure)
  }

  /** `verify_layout_expiration`: valid while now <= expires (second precision, UTC). */
  private expiry(level: Level): void {
    const { expires } = level.checked
    const time = parseExpires(expires)
    if (time !== undefined && time >= this.now.getTime()) return
    throw new Stop({
      stage: 'expired',
      errorType: 'LayoutExpiredError',
      message: `The layout expired on ${expires.trim()}${level.depth > 0 ? ' (sublayout)' : ''}; it was checked at ${this.now.toISOString().replace(/\.\d+Z$/, 'Z')}.`,
      file: level.file,
      path: 'signed.expires',
    })
  }

  /** `substitute_parameters`: the root layout only, as in the reference. */
  private parameterSubstitution(level: Level): void {
    if (level.depth > 0 || this.options.parameters === undefined) return
    let layout: Layout
    try {
      layout = substituteParameters(level.checked, this.options.parameters)
    } catch (error) {
      const info = toErrorInfo(error)
      throw new Stop({ stage: 'parameters', errorType: info.exception, message: `Parameter substitution failed: ${info.message}`, file: level.file, path: info.path })
    }
    level.layout = layout
    for (const record of level.steps) record.step = layout.steps[record.index] ?? record.step
    for (const record of level.inspections) record.inspection = layout.inspect[record.index] ?? record.inspection
  }

  /**
   * `load_links_for_layout`: every candidate file of every step is read; a file that cannot be
   * read or parsed ends verification, needed or not. Decoding also checks each file's signature
   * (replayed in the next phase) and evaluates step rules early (early-rules.ts).
   */
  private async loadingLinks(level: Level): Promise<void> {
    const requests = new LinkRequests({ now: this.now.getTime(), certificates: this.certificates })
    for (const record of level.steps) record.candidates = requests.candidates(level.checked, record.step, level.dir, record.index)
    this.progress('links', level.depth, 0, requests.list.length)
    const early = new EarlyStepRules(level.steps)
    level.early = early
    level.decoded = await this.timed(level, 'links', () =>
      this.options.links.load(requests.list, { signal: this.options.signal, onResult: (index, result) => early.arrived(index, result) }),
    )
    for (const request of requests.list) this.usedPaths.add(request.path)

    for (const record of level.steps) {
      const { step } = record
      let found = 0
      for (const candidate of record.candidates) {
        const result = decodedOf(level, candidate)
        if (result.status === 'missing') {
          record.links.push({ file: candidate.path, keyid: candidate.id, status: 'missing' })
          continue
        }
        if (result.status === 'error') {
          record.links.push({ file: candidate.path, keyid: candidate.id, status: 'error', message: result.error.message })
          syncLinks(record, 'fail')
          throw new Stop({
            stage: stageOfError(result.error, 'format'),
            errorType: result.error.exception,
            message: `The link file '${candidate.path}' for step '${step.name}' could not be read: ${result.error.detail}`,
            step: step.name,
            file: candidate.path,
            path: result.error.path,
          })
        }
        found++
        this.warnIgnored(result.envelope, candidate.path)
        record.links.push({ file: candidate.path, keyid: candidate.id, status: 'not-checked', ...describeEnvelope(result.envelope) })
      }
      syncLinks(record)
      if (BigInt(found) < record.threshold) {
        syncLinks(record, 'fail')
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'LinkNotFoundError',
          message: `Step '${step.name}' requires ${step.threshold} link file(s) but ${found} ${found === 1 ? 'was' : 'were'} found (looked for ${describeCandidates(record.candidates)}).${await this.otherGenerationHint(level, record)}`,
          step: step.name,
        })
      }
    }
  }

  /**
   * `verify_link_signature_thresholds`: each link must be signed by the key that authorizes it;
   * only clean signature failures are skipped, anything else ends verification. Enough distinct
   * functionaries must remain.
   */
  private async linkSignatures(level: Level): Promise<void> {
    this.progress('signatures', level.depth)
    for (const record of level.steps) {
      const { step } = record
      const signers: string[] = []
      const traces = record.links
      for (const candidate of record.candidates) {
        const result = decodedOf(level, candidate)
        if (result.status !== 'loaded') continue
        // Loading gave every loaded file a trace (the first of its path, if a step lists a path twice).
        const at = traces.findIndex((entry) => entry.file === candidate.path)
        const update = (patch: Partial<LinkTrace>) => {
          const current = traces[at]
          if (current !== undefined) traces[at] = { ...current, ...patch }
        }
        const authorization = candidate.authorization
        if (authorization === undefined) {
          update({ status: 'unauthorized', message: `keyid ${candidate.id} is not a key of this layout` })
          continue
        }
        if ('error' in authorization) {
          update({ status: 'error', message: authorization.error.message })
          syncLinks(record, 'fail')
          throw new Stop({
            stage: stageOfError(authorization.error, 'link-signature'),
            errorType: authorization.error.exception,
            message: `The key authorized to sign '${candidate.path}' for step '${step.name}' is unusable: ${authorization.error.detail}`,
            step: step.name,
            file: candidate.path,
          })
        }
        const signature = result.signature
        if (signature === undefined) continue
        if (signature.status === 'error') {
          update({ status: 'error', message: signature.error.message })
          syncLinks(record, 'fail')
          throw new Stop({
            stage: stageOfError(signature.error, 'link-signature'),
            errorType: signature.error.exception,
            message: `Checking the signature of '${candidate.path}' for step '${step.name}' failed: ${signature.error.detail}`,
            step: step.name,
            file: candidate.path,
            path: signature.error.path,
          })
        }
        const signer = authorization.key.keyid
        if (signature.status === 'expired' || signature.status === 'revoked') {
          // The reference skips a link whose OpenPGP key has expired (KeyExpirationError); a revoked one likewise here.
          update({ status: signature.status, message: `the OpenPGP key ${signer} ${signature.status === 'expired' ? 'has expired' : 'is revoked'}: ${signature.reason}` })
          continue
        }
        if (signature.status !== 'valid') {
          update({
            status: 'invalid-signature',
            message:
              signature.status === 'missing'
                ? `not signed by the authorized key ${signer}`
                : `the signature by ${signer} does not match the content${signature.reason ? ` (${signature.reason})` : ''}`,
          })
          continue
        }
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
        record.verified.set(candidate.id, { path: candidate.path, envelope: result.envelope, link, keyid: candidate.id, key: authorization.key })
      }
      const distinct = new Set(signers).size
      record.trace.validSigners = distinct
      syncLinks(record)
      if (BigInt(distinct) < record.threshold) {
        syncLinks(record, 'fail')
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'ThresholdVerificationError',
          message: `Step '${step.name}' requires ${step.threshold} link(s) validly signed by different authorized functionaries, but only ${distinct} ${distinct === 1 ? 'is' : 'are'} valid${describeInvalid(traces)}.${await this.otherGenerationHint(level, record)}`,
          step: step.name,
        })
      }
    }
  }

  /** `verify_sublayouts`: a valid link that holds a layout is verified recursively and stands for its summary link. */
  private async sublayouts(level: Level): Promise<void> {
    this.progress('sublayouts', level.depth)
    for (const record of level.steps) {
      for (const [id, entry] of record.verified) {
        if (entry.envelope.content.type !== 'layout') continue
        record.verified.set(id, { ...entry, link: await this.sublayout(level, record, id, entry) })
      }
    }
  }

  /** `verify_all_steps_command_alignment`: a command that differs from the expected one is only a warning. */
  private commandAlignment(level: Level): void {
    for (const { step, verified } of level.steps) {
      for (const entry of verified.values()) {
        if (pythonEquals(entry.link.command as JsonValue[], step.expectedCommand as JsonValue[])) continue
        this.warnings.push({
          kind: 'command-mismatch',
          step: step.name,
          file: entry.path,
          message: `Run command '${abbreviated(pythonRepr(entry.link.command as JsonValue[]))}' differs from expected command '${abbreviated(pythonRepr(step.expectedCommand as JsonValue[]))}'`,
        })
      }
    }
  }

  /** `verify_threshold_constraints`: with threshold > 1 every valid link must report the same artifacts. */
  private thresholdAgreement(level: Level): void {
    for (const record of level.steps) {
      if (record.threshold <= 1n) continue
      const entries = [...record.verified.values()]
      const reference = entries[0]
      if (reference === undefined) continue
      for (const entry of entries) {
        const sameMaterials = sameArtifacts(reference.link.materials, entry.link.materials)
        if (sameMaterials && sameArtifacts(reference.link.products, entry.link.products)) continue
        record.trace.status = 'fail'
        const side = sameMaterials ? 'products' : 'materials'
        const artifacts = disagreeingArtifacts(reference.link[side], entry.link[side])
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'ThresholdVerificationError',
          message: `Step '${record.step.name}' requires ${record.step.threshold} functionaries to agree, but '${reference.path}' and '${entry.path}' report different ${side}: ${describeDisagreement(artifacts, reference.path, entry.path)}.`,
          step: record.step.name,
          file: entry.path,
          disagreement: { side, files: [reference.path, entry.path], artifacts },
        })
      }
    }
  }

  /** `reduce_chain_links`: each step is checked against its first valid link, in pubkeys order. */
  private choosingLinks(level: Level): void {
    for (const record of level.steps) {
      const first = record.verified.values().next().value
      if (first === undefined) {
        record.trace.status = 'fail'
        throw new Stop({
          stage: 'link-threshold',
          errorType: 'IndexError',
          message: `Step '${record.step.name}' has threshold ${record.step.threshold} and no valid link: there is nothing to check its rules against (the reference crashes here).`,
          step: record.step.name,
        })
      }
      record.chosen = first.link
      level.chosen.set(nameKey(record.step), first.link)
      record.trace.usedLink = first.path
    }
  }

  /** `verify_all_item_rules` over the steps: materials then products, in layout order. */
  private async stepRules(level: Level): Promise<void> {
    this.progress('rules', level.depth)
    await this.timed(level, 'step-rules', async () => {
      for (const record of level.steps) {
        const link = chosenLink(record)
        const early = level.early?.take(record.index, link, level.chosen)
        this.itemRules({ kind: 'step', index: record.index, item: record.step }, record.trace, link, level.chosen, early)
      }
    })
  }

  /** `run_all_inspections`: all run before any inspection rule is checked. */
  private async inspections(level: Level): Promise<void> {
    this.progress('inspections', level.depth)
    await this.timed(level, 'inspections', async () => {
      for (const record of level.inspections) {
        this.options.signal?.throwIfAborted()
        record.link = await this.runInspection(record)
      }
    })
  }

  /** `verify_all_item_rules` over the inspections, whose MATCH rules may refer to steps and inspections. */
  private inspectionRules(level: Level): void {
    const ran = new Map<string, Link>()
    for (const record of level.inspections) if (record.link !== undefined) ran.set(nameKey(record.inspection), record.link)
    const combined = new Map(level.chosen)
    for (const [key, link] of ran) combined.set(key, link)
    for (const record of level.inspections) {
      const { inspection, trace, link } = record
      if (link === undefined) continue
      const unavailable = referencedUnavailable(
        inspection,
        level.inspections.map((other) => other.inspection),
        ran,
      )
      if (unavailable !== undefined) {
        trace.status = 'not-run'
        trace.message = unavailableNote(unavailable)
        continue
      }
      this.itemRules({ kind: 'inspection', index: record.index, item: inspection }, trace, link, combined)
    }
  }

  private async checkLayoutSignatures(
    envelope: Envelope,
    keys: readonly VerificationKey[],
    ownerKeys: boolean,
    file: string | undefined,
  ): Promise<{ traces: LayoutSignatureTrace[]; failure?: Failure }> {
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
        // An owner key answers to either keyid generation (docs/compatibility.md); a sublayout's key to its embedded keyid, as in the reference.
        const check = await checkEnvelopeSignature(envelope, key, { keyids: ownerKeys ? keyidsOf(key) : [key.keyid], now: this.now })
        const { status } = check
        traces.push({ keyid: key.keyid, status, ...(check.reason ? { message: check.reason } : {}) })
        if (status === 'valid' || failure !== undefined) continue
        failure = { stage: 'layout-signature', ...layoutSignatureFailure(key, check), file }
      } catch (error) {
        const info = toErrorInfo(error, file)
        traces.push({ keyid: key.keyid, status: 'error', message: info.message })
        failure ??= {
          stage: stageOfError(info, 'layout-signature'),
          errorType: info.exception,
          message: `Checking the layout signature by ${key.keyid} failed: ${info.detail}`,
          file,
          path: info.path,
        }
      }
    }
    return { traces, failure }
  }

  /**
   * When a step's links are missing or unsigned, whether a functionary's link is there under the
   * other keyid generation of its key (a functionary on in-toto 2.x+ names links after the 2.x
   * keyid): an exact sentence saying so, or `''`.
   */
  private async otherGenerationHint(level: Level, record: StepRecord): Promise<string> {
    const found: string[] = []
    for (const id of record.step.pubkeys) {
      const layoutKey = level.checked.keys.get(id)
      if (layoutKey === undefined || layoutKey.gpg || layoutKey.scheme === undefined) continue
      const key = { keyid: id, keytype: layoutKey.keytype, scheme: layoutKey.scheme, public: layoutKey.public }
      for (const other of keyidsOf(key)) {
        if (other === id || other.slice(0, 8) === id.slice(0, 8)) continue
        const path = linkPath(level.dir, record.step.name, other)
        let bytes: Uint8Array | undefined
        try {
          bytes = await this.options.links.read(path)
        } catch {
          bytes = undefined
        }
        if (bytes === undefined) continue
        const generation = generationOfKeyid(key, other)
        const listed = generationOfKeyid(key, id)
        found.push(
          `'${path}' is there, named after the in-toto ${generation} keyid of the key the layout lists as ${id.slice(0, 8)}… (${other.slice(0, 8)}…)` +
            `${listed ? `, while the layout uses its in-toto ${listed} keyid` : ''}: functionaries running in-toto ${generation} write links under that keyid.` +
            ` List the key under keyid ${other} in the layout (in Layout Studio: Keys, "Functionaries run in-toto ${generation}"), or record the step with ${generation === '2.x' ? 'in-toto 1.x or in-toto-golang' : 'Python in-toto 2.x or later'}.`,
        )
      }
    }
    return found.length === 0 ? '' : ` ${found.join(' ')}`
  }

  /** Verifies the sublayout `entry` of `record`'s step, signed by layout key `id`; returns its summary link. */
  private async sublayout(parent: Level, record: StepRecord, id: string, entry: VerifiedLink): Promise<Link> {
    const { step } = record
    if (parent.depth + 1 > MAX_SUBLAYOUT_DEPTH) {
      throw new Stop({
        stage: 'sublayout',
        errorType: 'RecursionError',
        message: `Sublayouts nest deeper than ${MAX_SUBLAYOUT_DEPTH} levels at step '${step.name}'.`,
        step: step.name,
      })
    }
    const where = { dir: sublayoutLinkDir(parent.dir, step.name, id), depth: parent.depth + 1, shownAs: entry.path, summaryName: step.rawName ?? step.name }
    let level = new Level(entry.envelope, [], where)
    try {
      // The key that verified the link; for a sublayout signed by a subkey of an authorized key
      // that is the main key (the reference looks up the subkey's id in `keys`, finds nothing and
      // fails with a FormatError: docs/compatibility.md).
      level = new Level(entry.envelope, [entry.key], where)
      const summary = await this.level(level)
      record.trace.sublayout = this.sublayoutReport(level)
      return summary
    } catch (error) {
      if (!(error instanceof Stop)) throw error
      record.trace.sublayout = this.sublayoutReport(level, error.failure)
      record.trace.status = 'fail'
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

  private sublayoutReport(level: Level, failure?: Failure): VerificationReport {
    const { layout, steps, inspections } = level.report()
    return { version: REPORT_VERSION, verdict: failure ? 'fail' : 'pass', failure, warnings: [], layout, steps, inspections, verifiedAt: this.now.toISOString(), timings: {} }
  }

  /** Checks an item's rules (item-rules.ts) into its trace; stops at a failing rule. */
  private itemRules(ref: ItemRef, trace: StepTraceDraft | InspectionTraceDraft, link: Link, links: ReadonlyMap<string, Link>, evaluated?: EarlyTraces): void {
    const { materials, products, failure } = checkItemRules(ref, link, links, evaluated)
    trace.materials = materials
    trace.products = products
    trace.status = products?.status === 'pass' ? 'pass' : 'fail'
    if (failure) throw new Stop(failure)
  }

  /** Runs one inspection; its link, or `undefined` when it could not run here. */
  private async runInspection(record: InspectionRecord): Promise<Link | undefined> {
    const { inspection, trace } = record
    const result = await runGuarded(this.runner, inspection, this.options.signal)
    if (result.status === 'not-run') {
      this.inspectionsNotRun++
      trace.how = 'not-run'
      trace.status = 'not-run'
      trace.message = result.reason
      this.warnings.push({ kind: 'inspection-not-run', message: `Inspection '${inspection.name}' was not run: ${result.reason}` })
      return undefined
    }
    if (result.status === 'error') {
      trace.status = 'fail'
      trace.message = result.message
      throw new Stop(runErrorFailure(inspection, result))
    }
    trace.how = result.how
    trace.returnValue = returnValueOf(result.link)
    const failure = returnValueFailure(inspection, result.link)
    if (failure) {
      trace.status = 'fail'
      throw new Stop(failure)
    }
    trace.status = 'pass'
    return result.link
  }

  /** Owner keys (root level) and the layout's keys that verify but protect nothing (keys/weakness.ts), each named once. */
  private warnWeakKeys(level: Level, layout: Layout): void {
    const warn = (keyid: string, role: string, weakness: string | undefined) => {
      if (weakness === undefined || this.weakKeys.has(keyid)) return
      this.weakKeys.add(keyid)
      this.warnings.push({
        kind: 'weak-key',
        keyid,
        file: level.file,
        message: `WEAK KEY: ${role} ${keyid} is weak: ${weakness}. The verdict is the reference's, which accepts it, but what this key signs proves nothing.`,
      })
    }
    if (level.ownerKeys) {
      for (const key of level.keys) {
        const weakness = isOpenPgpKey(key) ? keyWeakness({ keytype: openPgpType(key), public: '', openpgp: key.keyObject }) : keyWeakness(key)
        warn(key.keyid, 'the layout owner key', weakness)
      }
    }
    for (const [keyid, key] of layout.keys) {
      warn(
        keyid,
        `the functionary key${level.depth > 0 ? ' of a sublayout' : ''}`,
        keyWeakness({ keytype: key.keytype, public: key.public, openpgp: key.gpg ? key.json : undefined }),
      )
    }
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
      // The inspections' own links (`untar.link`), which running them wrote where the links are, are not foreign files.
      if (!path.endsWith('.link') || this.usedPaths.has(path) || this.inspectionLinkNames.has(path)) continue
      this.warnings.push({ kind: 'unused-link', file: path, message: `'${path}' is not used: no step of the layout authorizes a key for that file name.` })
    }
  }

  private progress(phase: Phase, depth: number, done?: number, total?: number): void {
    this.options.signal?.throwIfAborted()
    this.options.onProgress?.({ phase, depth, done, total })
  }

  /** Runs `work`, adding its duration to timing `name` (`sublayout.name` below the root). */
  private async timed<T>(level: Level, name: string, work: () => Promise<T>): Promise<T> {
    const key = level.depth === 0 ? name : `sublayout.${name}`
    const started = performance.now()
    try {
      return await work()
    } finally {
      this.timings[key] = (this.timings[key] ?? 0) + Math.round((performance.now() - started) * 10) / 10
    }
  }
}

/** The decoded form of a candidate's file (loading links decoded every candidate). */
function decodedOf(level: Level, candidate: Candidate): LinkResult {
  const result = level.decoded[candidate.request]
  if (result === undefined) throw new Error(`link file '${candidate.path}' was planned but not decoded`)
  return result
}

/** The link choosingLinks chose for a step (it chose one for every step, or stopped). */
function chosenLink(record: StepRecord): Link {
  if (record.chosen === undefined) throw new Error(`no link was chosen for step '${record.step.name}'`)
  return record.chosen
}

/** Copies a step's link traces into its trace, and sets its status. */
function syncLinks(record: StepRecord, status?: StepTrace['status']): void {
  record.trace.links = [...record.links]
  if (status) record.trace.status = status
}

function thresholdValue(step: Step): bigint {
  return typeof step.threshold === 'boolean' ? (step.threshold ? 1n : 0n) : step.threshold
}

/** A hash dict as one comparable word: `sha256:…` for the first algorithm in sorted order, then the others. */
function hashWord(hashes: ReadonlyMap<string, string> | undefined): string | undefined {
  if (hashes === undefined) return undefined
  return [...hashes]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([algorithm, hex]) => `${algorithm}:${hex}`)
    .join(' ')
}

/** The paths two links record differently, in path order (the UI shows them side by side). */
function disagreeingArtifacts(first: ArtifactMap, second: ArtifactMap): DisagreeingArtifact[] {
  const paths = [...new Set([...first.keys(), ...second.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const rows: DisagreeingArtifact[] = []
  for (const path of paths) {
    const a = first.get(path)
    const b = second.get(path)
    if (a !== undefined && b !== undefined && hashDictsEqual(a, b)) continue
    const firstWord = hashWord(a)
    const secondWord = hashWord(b)
    rows.push({ path, ...(firstWord !== undefined ? { first: firstWord } : {}), ...(secondWord !== undefined ? { second: secondWord } : {}) })
  }
  return rows
}

/** The first few differences in words: `alice only in a.link`, `hello.txt: sha256 1a2b3c4d… vs 5e6f7a8b…`. */
function describeDisagreement(rows: readonly DisagreeingArtifact[], firstFile: string, secondFile: string): string {
  const short = (word: string) => word.split(' ')[0]!.replace(/^([^:]+):(.{8}).*$/, '$1 $2…')
  const shown = rows.slice(0, 3).map((row) => {
    if (row.first === undefined) return `'${row.path}' only in '${secondFile}'`
    if (row.second === undefined) return `'${row.path}' only in '${firstFile}'`
    return `'${row.path}' ${short(row.first)} vs ${short(row.second)}`
  })
  return rows.length > 3 ? `${shown.join(', ')} and ${rows.length - 3} more` : shown.join(', ')
}

const EXPIRES = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z\n?$/

function parseExpires(expires: string): number | undefined {
  const match = EXPIRES.exec(expires)
  if (!match) return undefined
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map(Number)
  return Date.UTC(y, mo - 1, d, h, mi, s)
}

/** The link a sublayout contributes to its parent (in-toto 1.3.1 `get_summary_link`). */
function summaryLink(level: Level): Link {
  const firstStep = level.steps[0]
  const lastStep = level.steps.at(-1)
  if (firstStep === undefined || lastStep === undefined) return { ...emptyLink(), name: null }
  const first = chosenLink(firstStep)
  const last = chosenLink(lastStep)
  return {
    type: 'link',
    name: level.summaryName ?? null,
    command: last.command,
    materials: first.materials,
    products: last.products,
    byproducts: last.byproducts,
    environment: new Map(),
  }
}

function emptyLink(): Link {
  return { type: 'link', name: null, command: [], materials: new Map(), products: new Map(), byproducts: new Map(), environment: new Map() }
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

/** The failure for an owner (or sublayout) key whose signature on the layout is not valid. */
function layoutSignatureFailure(key: VerificationKey, check: { status: string; reason?: string }): Pick<Failure, 'errorType' | 'message'> {
  switch (check.status) {
    case 'missing':
      return { errorType: 'SignatureVerificationError', message: `The layout is not signed by the owner key ${key.keyid} (no signature found for key '${key.keyid}').` }
    case 'expired':
      return { errorType: 'KeyExpirationError', message: `The owner key ${key.keyid} has expired: ${check.reason}.` }
    case 'revoked':
      return {
        errorType: 'KeyRevokedError',
        message: `The owner key ${key.keyid} is revoked: ${check.reason}. A revoked key's signature is not accepted (the reference does not check revocations).`,
      }
    default:
      return {
        errorType: 'SignatureVerificationError',
        message: `The layout's signature by ${key.keyid} is invalid: ${check.reason ?? 'the layout was changed after signing, or signed by another key'} (invalid signature for keyid '${key.keyid}').`,
      }
  }
}

function describeInvalid(traces: readonly LinkTrace[]): string {
  const skipped = traces.filter((trace) => trace.status === 'invalid-signature' || trace.status === 'unauthorized' || trace.status === 'expired' || trace.status === 'revoked')
  if (skipped.length === 0) return ''
  return `; skipped: ${skipped.map((trace) => `'${trace.file}' (${trace.message ?? trace.status})`).join(', ')}`
}

function failedReport(now: Date, failure: Failure, layout: VerificationReport['layout']): VerificationReport {
  return { version: REPORT_VERSION, verdict: 'fail', failure, warnings: [], layout, steps: [], inspections: [], verifiedAt: now.toISOString(), timings: {} }
}

/**
 * Runs one inspection; whatever a runner throws (a bug, an I/O error it did not expect) fails
 * the inspection instead of escaping the verifier. Aborts still end verification.
 */
async function runGuarded(runner: InspectionRunner, inspection: Inspection, signal: AbortSignal | undefined): Promise<InspectionResult> {
  try {
    return await runner.run(inspection, signal)
  } catch (error) {
    if (signal?.aborted) throw error
    const info = toErrorInfo(error)
    return { status: 'error', errorType: info.exception, message: info.message }
  }
}

/** An OpenPGP key's algorithm as its key object names it (`rsa`, `dsa`, `eddsa`). */
function openPgpType(key: { readonly keyObject: ReadonlyMap<string, JsonValue> }): string {
  const type = key.keyObject.get('type')
  return typeof type === 'string' ? type : ''
}
