/**
 * Messages between the page and the hashing worker. Files travel as Blobs (cloned without
 * copying their bytes); digests and match results come back as plain arrays.
 */
import type { HashAlgorithm } from '../../core/hash.ts'

export interface HashFile {
  /** Relative, `/`-separated (a dropped folder's paths keep the folder's name). */
  readonly path: string
  readonly file: Blob
}

export type DigestPairs = readonly (readonly [HashAlgorithm | string, string])[]

/** The link to compare with: a link file to read in the worker, or products already known (a verified step). */
export type LinkChoice =
  | { readonly kind: 'file'; readonly file: HashFile }
  | { readonly kind: 'products'; readonly name: string; readonly products: readonly (readonly [string, DigestPairs])[] }

export interface MatchSettings {
  readonly paths?: readonly string[]
  readonly excludePatterns?: readonly string[]
  readonly lstripPaths?: readonly string[]
}

export type HashCall =
  | { readonly kind: 'hash-files'; readonly files: readonly HashFile[]; readonly algorithms: readonly HashAlgorithm[] }
  | { readonly kind: 'match-products'; readonly files: readonly HashFile[]; readonly link: LinkChoice; readonly settings: MatchSettings }

export interface DifferingArtifact {
  readonly path: string
  readonly expected: DigestPairs
  readonly actual: DigestPairs
}

export interface MatchOutcome {
  /** The link's step name as the link records it (or the verified step's name). */
  readonly linkName: string
  readonly onlyInProducts: readonly string[]
  readonly notInProducts: readonly string[]
  readonly differ: readonly DifferingArtifact[]
  readonly matching: number
  /** How many local files were recorded (after excludes). */
  readonly recorded: number
}

export interface CallResults {
  readonly 'hash-files': readonly (readonly [string, DigestPairs])[]
  readonly 'match-products': MatchOutcome
}

export interface HashProgress {
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly filesDone: number
  readonly filesTotal: number
}

export type HashRequest = { readonly id: number; readonly type: 'call'; readonly call: HashCall } | { readonly id: number; readonly type: 'cancel' }

export type HashResponse =
  | { readonly id: number; readonly type: 'progress'; readonly progress: HashProgress }
  | { readonly id: number; readonly type: 'done'; readonly value: CallResults[HashCall['kind']] }
  | { readonly id: number; readonly type: 'failed'; readonly message: string }
