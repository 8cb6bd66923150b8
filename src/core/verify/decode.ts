/**
 * Reading and checking link files: the expensive part of verification (parsing megabytes of
 * JSON, canonicalizing, hashing). Each file is independent, so this step can run on several
 * threads; results come back as plain data and the verifier replays them in the reference's
 * order, so an eager, parallel run reports exactly what the sequential reference would.
 */
import { CoreError, type ReferenceException } from '../errors.ts'
import { parseEnvelope } from '../envelope/read.ts'
import { rememberSignedBytes } from '../envelope/signed-bytes.ts'
import type { Envelope } from '../envelope/types.ts'
import { checkEnvelopeSignature, type SignatureStatus } from '../envelope/verify.ts'
import { compactJsonBytes } from '../json/canonical.ts'
import { parseJsonBytesWithSpans } from '../json/parse.ts'
import type { VerificationKey } from '../keys/types.ts'
import { readLinkFast, returnLentSignedBytes, type FastLinkOptions } from './fast-link.ts'
import type { ArtifactRegionMemo } from './region-memo.ts'
import type { LinkSource } from './sources.ts'

/** A problem as plain data (errors lose their class across threads). */
export interface ErrorInfo {
  readonly code: string
  /** The reference's exception for it (the report's `errorType`). */
  readonly exception: ReferenceException
  readonly message: string
  readonly detail: string
  readonly file?: string
  readonly path?: string
}

export interface DecodeRequest {
  /** Path relative to the link source. */
  readonly path: string
  /** The key that must have signed it; absent for files the layout does not authorize. */
  readonly key?: VerificationKey
  /** Epoch milliseconds at which an OpenPGP key's expiry and revocation are judged (default: now). */
  readonly now?: number
  /**
   * Files of one group (the links of one step) likely hold the same artifact maps; a parallel
   * decoder gives them to one thread in a row, whose region memo then reads each map once.
   */
  readonly group?: number
}

export type DecodeResult =
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

/**
 * Checks the signature `request` asks for on `envelope` (its key answers to its embedded keyid,
 * as in the reference). Never throws.
 */
export async function checkRequestSignature(envelope: Envelope, request: DecodeRequest): Promise<LinkSignatureResult | undefined> {
  if (request.key === undefined) return undefined
  try {
    const check = await checkEnvelopeSignature(envelope, request.key, request.now !== undefined ? { now: new Date(request.now) } : {})
    return check.reason === undefined ? { status: check.status } : { status: check.status, reason: check.reason }
  } catch (error) {
    return { status: 'error', error: toErrorInfo(error, request.path) }
  }
}

/** Told each result as soon as it is known (in any order), before `decode` resolves. */
export type DecodeListener = (index: number, result: DecodeResult) => void

export interface LinkDecoder {
  decode(requests: readonly DecodeRequest[], source: LinkSource, signal?: AbortSignal, onResult?: DecodeListener): Promise<DecodeResult[]>
}

export function toErrorInfo(error: unknown, file?: string): ErrorInfo {
  if (error instanceof CoreError) {
    const located = error.inFile(file)
    return { code: located.code, exception: located.exception, message: located.message, detail: located.detail, file: located.file, path: located.path }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', exception: 'Error', message, detail: message, file }
}

export interface DecodeOptions {
  /** The file's bytes when the caller has read them already. */
  readonly bytes?: Uint8Array
  /** Artifact maps this caller's earlier files held (region-memo.ts: the caller's own, never shared). */
  readonly memo?: ArtifactRegionMemo
}

/** Reads, parses and checks one file. Never throws: every outcome is data. */
export async function decodeOne(request: DecodeRequest, source: LinkSource, options: DecodeOptions = {}): Promise<DecodeResult> {
  let data: Uint8Array | undefined
  try {
    data = options.bytes ?? (await source.read(request.path))
  } catch (error) {
    return { status: 'error', error: toErrorInfo(error, request.path) }
  }
  if (data === undefined) return { status: 'missing' }
  let envelope: Envelope
  try {
    // The signed bytes are needed only for the check below: borrowed, not copied.
    envelope = readLinkEnvelope(data, request.path, { memo: options.memo, lendSignedBytes: true })
  } catch (error) {
    return { status: 'error', error: toErrorInfo(error, request.path) }
  }
  try {
    const signature = await checkRequestSignature(envelope, request)
    return signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature }
  } finally {
    returnLentSignedBytes(envelope)
  }
}

/**
 * `readEnvelope`, taking a metablock link's signed bytes straight from the file when they are
 * its canonical JSON minus whitespace (files written by in-toto are: sorted keys, ASCII), so
 * the link is not re-serialized to check its signature. Links as in-toto writes them take the
 * fast reader (fast-link.ts), whose artifact maps are packed; it declines anything else.
 */
export function readLinkEnvelope(data: Uint8Array, file: string, options?: FastLinkOptions): Envelope {
  return readLinkFast(data, file, options) ?? readLinkEnvelopeGeneral(data, file)
}

/** {@link readLinkEnvelope} without the fast reader (which must agree with it: fast-link.test.ts). */
export function readLinkEnvelopeGeneral(data: Uint8Array, file: string): Envelope {
  const parsed = parseJsonBytesWithSpans(data, { file })
  const envelope = parseEnvelope(parsed.value, file)
  if (envelope.format !== 'metablock' || envelope.content.type !== 'link' || !(parsed.value instanceof Map)) return envelope
  const span = parsed.members.get('signed')
  const raw = parsed.value.get('signed')
  // The signatures cover the normalized link: equal to the raw object when it has exactly the normalized members.
  if (span?.compactIsCanonical && raw instanceof Map && raw.size === envelope.signed.size && [...raw.keys()].every((key) => envelope.signed.has(key))) {
    rememberSignedBytes(envelope, compactJsonBytes(data, span.start, span.end))
  }
  return envelope
}

/** Decodes on the calling thread, a few files at a time so reads and WebCrypto overlap. */
export const sequentialDecoder: LinkDecoder = {
  async decode(requests, source, signal, onResult) {
    const results: DecodeResult[] = new Array(requests.length)
    const concurrency = 4
    let next = 0
    const worker = async () => {
      while (next < requests.length) {
        signal?.throwIfAborted()
        const index = next++
        const result = await decodeOne(requests[index] as DecodeRequest, source)
        results[index] = result
        onResult?.(index, result)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker))
    return results
  },
}
