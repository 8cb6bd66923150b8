/**
 * What the browser's Verify panel does with dropped files, as data: the request (layout, owner
 * keys, links, product files), the analysis shown before verifying (triage), and the
 * verification. The work is a bundle session's (session.ts): assemble the link bundle and the
 * product files and classify them once, triage them against the layout, then verify with the
 * shared verifier — links from memory, read by classification already, inspections emulated
 * over the product files or satisfied by a signed inspection link.
 */
import type { Link } from '../model/types.ts'
import type { VerificationReport } from '../verify/report.ts'
import type { Progress } from '../verify/verify.ts'
import type { BundleInput, Refusal } from './assemble.ts'
import type { BundleLimits } from './limits.ts'
import { BundleSession, type SessionOptions } from './session.ts'
import type { Triage } from './triage.ts'

export { type BundleFiles, readBundleFiles } from './read-files.ts'

export interface NamedBytes {
  readonly path: string
  readonly bytes: Uint8Array
}

export interface BundleRequest {
  /** The signed layout; absent while the person has not chosen one. */
  readonly layout?: NamedBytes
  readonly ownerKeys: readonly NamedBytes[]
  readonly links: readonly BundleInput[]
  readonly products: readonly BundleInput[]
  readonly parameters?: ReadonlyMap<string, string>
  readonly now?: Date
  readonly limits?: BundleLimits
  /** How to run inspections for real, appended to "not run" reasons. */
  readonly notRunHint?: string
}

export interface KeyInfo {
  readonly path: string
  readonly keyid?: string
  readonly keytype?: string
  readonly problem?: string
}

/** What the panel shows before verification: plain data, safe to post between threads. */
export interface BundleAnalysis {
  readonly layout?: { readonly path: string; readonly problem?: string; readonly steps: number; readonly inspections: number }
  readonly keys: readonly KeyInfo[]
  readonly triage: Triage
  readonly refusals: readonly Refusal[]
  readonly notes: readonly string[]
  readonly products: readonly { readonly path: string; readonly size: number }[]
}

export interface BundleVerification {
  readonly analysis: BundleAnalysis
  /** Absent when nothing could be verified (no layout or no owner key). */
  readonly report?: VerificationReport
  /**
   * The links the root level was checked against, by step or inspection name: with the
   * report, what `collectMatchDetails` needs for the hashes of the rule trace.
   */
  readonly usedLinks?: ReadonlyMap<string, Link>
}

export type BundleOptions = SessionOptions

/** Classifies and triages what was dropped, without verifying (a session of one call: session.ts). */
export async function analyzeBundle(request: BundleRequest, options: BundleOptions = {}): Promise<BundleAnalysis> {
  return new BundleSession(options).analyze(request)
}

/** Analyzes, then verifies with the shared verifier (when there is a layout and an owner key), in a session of one call. */
export async function verifyBundle(
  request: BundleRequest,
  options: BundleOptions & { signal?: AbortSignal; onProgress?: (progress: Progress) => void } = {},
): Promise<BundleVerification> {
  return new BundleSession(options).verify(request, options)
}
