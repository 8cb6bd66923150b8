/**
 * Messages between the Verify panel and its worker. Files travel as Blobs (cloned without
 * copying their bytes). The worker keeps what it read and what it found, and sends the page
 * only what the page shows: a verification report of 10,000 artifacts per link holds tens of
 * megabytes of artifact paths in its rule traces, and receiving those would block the page
 * for a second. The traces come one step at a time, when someone opens one; the full report
 * comes as a file, when someone downloads it.
 */
import type { MatchDetails } from '../../core/bundle/match-details.ts'
import type { TamperSimulation } from '../../core/bundle/tamper.ts'
import type { LinkEdit } from '../../core/bundle/tamper-edits.ts'
import type { ArtifactKind } from '../../core/rules/types.ts'
import type { BundleAnalysis } from '../../core/bundle/verify-bundle.ts'
import type { InspectionTrace, RuleListTrace, StepTrace, VerificationReport } from '../../core/verify/report.ts'
import type { Progress } from '../../core/verify/verify.ts'
import type { ResultGraph } from './result-graph.ts'

export interface WorkerFile {
  readonly path: string
  readonly file: Blob
}

/** What the person chose: everything the worker needs to triage or verify. */
export interface WorkerInputs {
  readonly layout?: WorkerFile
  readonly ownerKeys: readonly WorkerFile[]
  readonly links: readonly WorkerFile[]
  readonly products: readonly WorkerFile[]
  readonly parameters?: readonly (readonly [string, string])[]
  readonly notRunHint?: string
}

/** A report without the rule traces of its steps and inspections (at every sublayout level). */
export interface ReportSummary extends Omit<VerificationReport, 'steps' | 'inspections'> {
  readonly steps: readonly StepSummary[]
  readonly inspections: readonly InspectionSummary[]
}

export type InspectionSummary = Omit<InspectionTrace, 'materials' | 'products'>

export interface StepSummary extends Omit<StepTrace, 'materials' | 'products' | 'sublayout'> {
  readonly sublayout?: ReportSummary
}

export interface VerificationSummary {
  readonly analysis: BundleAnalysis
  /** Absent when nothing could be verified (no layout or no owner key). */
  readonly report?: ReportSummary
  /** The verified layout's graph, laid out; absent when the layout is not readable. */
  readonly graph?: ResultGraph
  /** With a report: why it cannot be simulated (tamper simulation), or absent when it can. */
  readonly simulationRefusal?: string
}

/** Which artifacts a tamper edit changes: the list of the link an item was checked against, or the product files. */
export type TamperTarget = { readonly kind: 'link'; readonly item: string; readonly list: ArtifactKind } | { readonly kind: 'products' }

/** A tamper edit as the page sends it (core/bundle/tamper-edits.ts): product files travel as Blobs. */
export type WorkerTamperEdit =
  | LinkEdit
  | { readonly on: 'products'; readonly action: 'change' | 'add'; readonly path: string; readonly file: Blob }
  | { readonly on: 'products'; readonly action: 'remove'; readonly path: string }

export type DigestList = readonly (readonly [string, string])[]

/** Some artifacts of a target, in their order there: those whose path contains the filter, up to a limit. */
export interface ArtifactPage {
  /** How many artifacts the target has in all, and how many the filter keeps. */
  readonly total: number
  readonly matching: number
  readonly entries: readonly (readonly [string, DigestList])[]
}

/** A tamper simulation without its rule traces (which come one item at a time). */
export interface SimulationSummary extends Omit<TamperSimulation, 'steps' | 'inspections' | 'links'> {
  readonly steps: readonly StepSummary[]
  readonly inspections: readonly InspectionSummary[]
}

/** The rule trace of one step or inspection of the root layout, with the hashes of its MATCH rules. */
export interface ItemTrace {
  readonly materials?: RuleListTrace
  readonly products?: RuleListTrace
  readonly matches: MatchDetails
}

export type WorkerCall =
  /** Read and classify the files (kept for `verify`), and triage them. */
  | { readonly kind: 'analyze'; readonly inputs: WorkerInputs }
  | { readonly kind: 'verify'; readonly inputs: WorkerInputs }
  /** Of the last verification. */
  | { readonly kind: 'trace'; readonly item: string }
  /** The last verification's report as the CLI writes it with `--format json`. */
  | { readonly kind: 'report-file' }
  /** The products of the link a step of the root layout was verified with (for checking files against it). */
  | { readonly kind: 'link-products'; readonly item: string }
  /** Tamper simulation: the rules of the last verification again, with these edits. */
  | { readonly kind: 'simulate'; readonly edits: readonly WorkerTamperEdit[] }
  /** The rule trace of one item of the last simulation. */
  | { readonly kind: 'simulation-trace'; readonly item: string }
  /** Artifacts a tamper edit may change, as the last verification had them. */
  | { readonly kind: 'tamper-artifacts'; readonly target: TamperTarget; readonly filter: string; readonly limit: number }

/** What each call resolves to. */
export interface CallResults {
  readonly analyze: BundleAnalysis
  readonly verify: VerificationSummary
  readonly trace: ItemTrace
  readonly 'report-file': Blob
  readonly 'link-products': readonly (readonly [string, readonly (readonly [string, string])[]])[]
  readonly simulate: SimulationSummary
  readonly 'simulation-trace': ItemTrace
  readonly 'tamper-artifacts': ArtifactPage
}

export interface WorkerRequest {
  readonly id: number
  readonly call: WorkerCall
}

export type WorkerResponse =
  | { readonly id: number; readonly type: 'progress'; readonly progress: Progress }
  | { readonly id: number; readonly type: 'done'; readonly value: CallResults[WorkerCall['kind']] }
  | { readonly id: number; readonly type: 'failed'; readonly message: string }
