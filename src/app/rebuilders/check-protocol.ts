/**
 * Messages between the Rebuilders workspace and its worker. Files travel as Blobs (cloned
 * without copying their bytes); the policy as its file text, which the worker reads with the
 * same strict reader as a loaded file. Results are plain data.
 */
import type { Refusal } from '../../core/bundle/assemble.ts'
import type { UnreadableAttestation } from '../../core/rebuilders/attestation.ts'
import type { PolicyCheck } from '../../core/rebuilders/check.ts'

export interface CheckFile {
  readonly path: string
  readonly file: Blob
  /** With the path and size, what identifies a file whose digests the worker remembers. */
  readonly lastModified: number
}

export interface CheckRequest {
  readonly policy: string
  readonly packages: readonly CheckFile[]
  readonly attestations: readonly CheckFile[]
}

export interface CheckSummary extends PolicyCheck {
  /** How many attestations were read. */
  readonly attestationCount: number
  readonly unreadable: readonly UnreadableAttestation[]
  readonly refusals: readonly Refusal[]
}

export type CheckProgress = { readonly phase: 'reading' } | { readonly phase: 'hashing'; readonly file: string; readonly done: number; readonly total: number }

export type WorkerRequest = { readonly id: number; readonly type: 'check'; readonly request: CheckRequest } | { readonly id: number; readonly type: 'cancel' }

export type WorkerResponse =
  | { readonly id: number; readonly type: 'progress'; readonly progress: CheckProgress }
  | { readonly id: number; readonly type: 'done'; readonly summary: CheckSummary }
  | { readonly id: number; readonly type: 'failed'; readonly message: string }
  | { readonly id: number; readonly type: 'cancelled' }
