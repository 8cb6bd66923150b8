/**
 * The verification report: the verdict, why, and a trace of every phase that the UI draws
 * on the graph and the CLI prints. Plain data only (arrays, records, strings, numbers,
 * booleans), so it survives `postMessage` and `JSON.stringify` unchanged; integers of
 * unbounded size (thresholds) are decimal strings.
 */
import type { ReferenceException } from '../errors.ts'
import type { ArtifactKind } from '../rules/types.ts'

export const REPORT_VERSION = 1

/**
 * Where verification stopped. Stable, machine-readable; UIs branch on these, never on text.
 * `usage` (the command was called wrongly: a missing file, a bad option) and `internal` (a
 * bug) are for reports a command writes when it could not start or finish verifying.
 */
export type Stage =
  | 'format'
  | 'layout-signature'
  | 'expired'
  | 'parameters'
  | 'link-signature'
  | 'link-threshold'
  | 'sublayout'
  | 'artifact-rule'
  | 'inspection'
  | 'usage'
  | 'internal'

/**
 * - `pass`: everything the reference checks passed.
 * - `fail`: verification failed; `failure` says where and why.
 * - `incomplete`: signatures, thresholds and rules pass, but at least one inspection could not
 *   be run here (e.g. in a browser); never to be read as a pass.
 */
export type Verdict = 'pass' | 'fail' | 'incomplete'

export interface Failure {
  readonly stage: Stage
  /** The reference's exception for this failure (`RuleVerificationError`, `LinkNotFoundError`, …). */
  readonly errorType: ReferenceException
  /** One plain sentence: which step, which rule, which artifact, expected vs found. */
  readonly message: string
  readonly step?: string
  readonly inspection?: string
  /** For rule failures: which list and which rule. */
  readonly ruleList?: ArtifactKind
  readonly ruleIndex?: number
  /** File the failure is about (a link file, the layout), and JSON path inside it. */
  readonly file?: string
  readonly path?: string
  /** For `sublayout`: the failure inside the sublayout. */
  readonly inner?: Failure
  /** For a threshold step whose links disagree: which artifacts differ, side by side. */
  readonly disagreement?: ThresholdDisagreement
}

/** Two links of one threshold step that record different artifacts (verifylib.verify_threshold_constraints). */
export interface ThresholdDisagreement {
  readonly side: ArtifactKind
  readonly files: readonly [string, string]
  /** Every path recorded differently, in path order: each link's hash (`algorithm:hex`), absent where the link lacks the path. */
  readonly artifacts: readonly DisagreeingArtifact[]
}

export interface DisagreeingArtifact {
  readonly path: string
  readonly first?: string
  readonly second?: string
}

/**
 * `weak-key`: an owner or functionary key that verifies (as in the reference) but protects
 * nothing (keys/weakness.ts); the verdict is unchanged, the report says so loudly.
 */
export type WarningKind = 'command-mismatch' | 'ignored-fields' | 'unused-link' | 'duplicate-signer' | 'inspection-not-run' | 'weak-key'

export interface Warning {
  readonly kind: WarningKind
  readonly message: string
  readonly step?: string
  readonly file?: string
  /** For `weak-key`: the key's keyid. */
  readonly keyid?: string
}

/** `expired` / `revoked`: an OpenPGP key past its validity, or revoked by its certificate. */
export type SignatureCheckStatus = 'valid' | 'invalid' | 'missing' | 'expired' | 'revoked' | 'error'

export interface LayoutSignatureTrace {
  readonly keyid: string
  readonly status: SignatureCheckStatus
  readonly message?: string
}

/**
 * One candidate link file of a step (one per authorized keyid, in `pubkeys` order).
 * - `missing`: no such file; `unauthorized`: the key is not in the layout's keys;
 * - `invalid-signature`: skipped because its signature did not verify;
 * - `expired` / `revoked`: skipped because the OpenPGP key that signed it has expired (the
 *   reference's `KeyExpirationError`) or is revoked;
 * - `valid`: counted towards the threshold; `error`: reading or checking it failed (fatal);
 * - `not-checked`: verification stopped before this file was checked.
 */
export type LinkStatus = 'missing' | 'unauthorized' | 'invalid-signature' | 'expired' | 'revoked' | 'valid' | 'error' | 'not-checked'

export interface LinkTrace {
  readonly file: string
  /** The `pubkeys` entry this file was looked up for. */
  readonly keyid: string
  readonly status: LinkStatus
  /** `sublayout` when the file holds a signed layout. */
  readonly kind?: 'link' | 'sublayout' | 'statement'
  readonly format?: 'metablock' | 'dsse'
  /** The embedded keyid of the key that verified it. */
  readonly signer?: string
  readonly message?: string
  /** Numbers of materials and products it reports. */
  readonly materials?: number
  readonly products?: number
}

export interface MatchMiss {
  /** The source artifact (full path) the MATCH pattern selected. */
  readonly artifact: string
  /** The path looked up in the destination. */
  readonly destination: string
  readonly reason: 'not-in-destination' | 'hash-differs'
}

export type RuleFailure =
  | { readonly kind: 'disallowed'; readonly artifacts: readonly string[] }
  | { readonly kind: 'required-missing'; readonly artifact: string }
  | { readonly kind: 'malformed'; readonly message: string }
  /** MATCH with IN rebuilt a source path that is not among the artifacts (reference: KeyError). */
  | { readonly kind: 'path-rebuild'; readonly artifact: string; readonly rebuilt: string }

export interface RuleTrace {
  readonly index: number
  /** The rule as written in the layout. */
  readonly source: readonly string[]
  /** The rule as one line of text. */
  readonly text: string
  readonly status: 'pass' | 'fail' | 'not-reached'
  /** Queue length just before this rule (the queue itself: `queueBeforeRule`). */
  readonly queueSize: number
  /** Artifacts this rule consumed (removed from the queue). */
  readonly consumed: readonly string[]
  /** MATCH only: whether the destination step had a link. */
  readonly destinationFound?: boolean
  /** MATCH only: artifacts the pattern selected that were not consumed, and why. */
  readonly misses?: readonly MatchMiss[]
  readonly failure?: RuleFailure
}

export interface RuleListTrace {
  readonly item: string
  readonly kind: ArtifactKind
  /** The queue before the first rule: every material (or product) path, in link order. */
  readonly queue: readonly string[]
  /** What no rule consumed (implicitly allowed); absent when the list failed. */
  readonly remaining?: readonly string[]
  readonly rules: readonly RuleTrace[]
  readonly status: 'pass' | 'fail'
  readonly failedRule?: number
}

export type ItemStatus = 'pass' | 'fail' | 'not-reached' | 'not-run'

export interface StepTrace {
  readonly name: string
  readonly threshold: string
  readonly pubkeys: readonly string[]
  readonly links: readonly LinkTrace[]
  /** Distinct authorized functionaries with a valid link. */
  readonly validSigners: number
  /** The link the rules were checked against (the first valid one, in `pubkeys` order). */
  readonly usedLink?: string
  readonly status: ItemStatus
  readonly materials?: RuleListTrace
  readonly products?: RuleListTrace
  readonly sublayout?: VerificationReport
}

export interface InspectionTrace {
  readonly name: string
  readonly run: readonly string[]
  /**
   * How the inspection's result was obtained: `executed` (a subprocess, in Node),
   * `emulated` (a built-in safe implementation, in the browser), `prerecorded` (a signed
   * inspection link supplied with the bundle), or `not-run`.
   */
  readonly how: 'executed' | 'emulated' | 'prerecorded' | 'not-run'
  readonly status: ItemStatus
  readonly returnValue?: string
  readonly message?: string
  readonly materials?: RuleListTrace
  readonly products?: RuleListTrace
}

export interface VerificationReport {
  readonly version: typeof REPORT_VERSION
  readonly verdict: Verdict
  readonly failure?: Failure
  readonly warnings: readonly Warning[]
  readonly layout: {
    readonly file?: string
    readonly format?: 'metablock' | 'dsse'
    readonly expires?: string
    readonly signatures: readonly LayoutSignatureTrace[]
  }
  readonly steps: readonly StepTrace[]
  readonly inspections: readonly InspectionTrace[]
  /** ISO time the verification was made for. */
  readonly verifiedAt: string
  /** Phase durations in milliseconds, for people curious where time went. */
  readonly timings: Readonly<Record<string, number>>
}

/** The report of a verification that stopped before it began (or failed outside the verifier). */
export function failureReport(failure: Failure, now: Date): VerificationReport {
  return { version: REPORT_VERSION, verdict: 'fail', failure, warnings: [], layout: { signatures: [] }, steps: [], inspections: [], verifiedAt: now.toISOString(), timings: {} }
}
