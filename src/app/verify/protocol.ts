/**
 * Messages between the Verify panel and its worker. Files travel as Blobs (cloned without
 * copying their bytes); results are plain data.
 */
import type { BundleAnalysis, BundleVerification } from '../../core/bundle/verify-bundle.ts'
import type { Progress } from '../../core/verify/verify.ts'

export interface WorkerFile {
  readonly path: string
  readonly file: Blob
}

export interface WorkerRequest {
  readonly kind: 'analyze' | 'verify'
  readonly layout?: WorkerFile
  readonly ownerKeys: readonly WorkerFile[]
  readonly links: readonly WorkerFile[]
  readonly products: readonly WorkerFile[]
  readonly parameters?: readonly (readonly [string, string])[]
  readonly notRunHint?: string
}

export type WorkerResponse =
  | { readonly type: 'progress'; readonly progress: Progress }
  | { readonly type: 'analyzed'; readonly analysis: BundleAnalysis }
  | { readonly type: 'verified'; readonly result: BundleVerification }
  | { readonly type: 'failed'; readonly message: string }
