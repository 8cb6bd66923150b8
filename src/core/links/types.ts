/**
 * The link files of a verification, as one interface: where they are, how they are read, and
 * every speed trick of reading them (threads, classification done beforehand, memos) behind it.
 * Reading a file is the expensive part of verification (parsing megabytes of JSON,
 * canonicalizing, hashing); each file is independent, so a host may read them in any order, on
 * any thread. Results are plain data, and the verifier replays them in the reference's order, so
 * an eager, parallel host reports exactly what the sequential reference would.
 */
import type { SignatureStatus } from '../envelope/verify.ts'
import type { Envelope } from '../envelope/types.ts'
import type { ErrorInfo } from '../errors.ts'
import type { VerificationKey } from '../keys/types.ts'

export interface LinkRequest {
  /** Path relative to the link directory (`/`-separated; may be absolute). */
  readonly path: string
  /** The key that must have signed it; absent for files the layout does not authorize. */
  readonly key?: VerificationKey
  /** Epoch milliseconds at which an OpenPGP key's expiry and revocation are judged (default: now). */
  readonly now?: number
  /**
   * Files of one group (the links of one step) likely hold the same artifact maps; a host
   * with threads gives them to one thread in a row, whose region memo then reads each map once.
   */
  readonly group?: number
}

export type LinkResult =
  | { readonly status: 'missing' }
  | { readonly status: 'error'; readonly error: ErrorInfo }
  | {
      readonly status: 'loaded'
      readonly envelope: Envelope
      /** Absent when no key was given. */
      readonly signature?: LinkSignatureResult
    }

/** A link's signature check: its status (with why, for OpenPGP keys), or the error that ended it. */
export type LinkSignatureResult = { readonly status: SignatureStatus; readonly reason?: string } | { readonly status: 'error'; readonly error: ErrorInfo }

/** Told each result as soon as it is known (in any order), before `load` resolves. */
export type ResultListener = (index: number, result: LinkResult) => void

export interface LoadOptions {
  readonly signal?: AbortSignal
  readonly onResult?: ResultListener
}

export interface Links {
  /**
   * Reads, parses and checks the signature of every requested file; the results in request
   * order. A file that is missing or cannot be read is a result, not an error: `load` rejects
   * only when aborted or when the host itself fails (a thread died).
   */
  load(requests: readonly LinkRequest[], options?: LoadOptions): Promise<LinkResult[]>
  /** A file's bytes, or `undefined` when there is no such file (or it is a directory). */
  read(path: string): Promise<Uint8Array | undefined>
  /** Every file path under the link directory, for "unused link" warnings; optional. */
  list?(): Promise<readonly string[]>
}
