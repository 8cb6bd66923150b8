/**
 * Reading and checking one link file. A {@link LinkReader} belongs to one thread and owns what
 * makes reading fast there: the fast reader's work buffers, the signed bytes it lends for a
 * moment, and the region memo of the artifact maps it read (region-memo.ts). Nothing of it is
 * shared between readers, so nothing in this module is global.
 */
import { parseEnvelope } from '../envelope/read.ts'
import { rememberSignedBytes } from '../envelope/signed-bytes.ts'
import type { Envelope } from '../envelope/types.ts'
import { checkEnvelopeSignature } from '../envelope/verify.ts'
import { toErrorInfo } from '../errors.ts'
import { compactJsonBytes } from '../json/canonical.ts'
import { parseJsonBytesWithSpans } from '../json/parse.ts'
import { readLinkFast, ScanBuffers } from './fast-link.ts'
import type { ArtifactRegionMemo } from './region-memo.ts'
import type { LinkRequest, LinkResult, LinkSignatureResult } from './types.ts'

export class LinkReader {
  private readonly buffers = new ScanBuffers()
  /**
   * Artifact maps this reader's earlier files held: files it reads share them. Results whose
   * maps cross threads need the memo paired with a sender (thread-transfer.ts `DecodingThread`).
   */
  memo: ArtifactRegionMemo | undefined

  constructor(options: { readonly memo?: ArtifactRegionMemo } = {}) {
    this.memo = options.memo
  }

  /**
   * `readEnvelope`, taking a metablock link's signed bytes straight from the file when they are
   * its canonical JSON minus whitespace (files written by in-toto are: sorted keys, ASCII), so
   * the link is not re-serialized to check its signature. Links as in-toto writes them take the
   * fast reader (fast-link.ts), whose artifact maps are packed; it declines anything else.
   * Throws what `readEnvelope` throws.
   */
  read(data: Uint8Array, file: string): Envelope {
    return readLinkFast(data, file, this.buffers, { memo: this.memo }) ?? readLinkEnvelopeGeneral(data, file)
  }

  /**
   * Parses `data` (the file's bytes; `undefined`: there is no such file) and checks its
   * signature by `request.key`. Never throws: every outcome is data.
   */
  async decode(request: LinkRequest, data: Uint8Array | undefined): Promise<LinkResult> {
    if (data === undefined) return { status: 'missing' }
    let envelope: Envelope
    try {
      // The signed bytes are needed only for the check below: borrowed, not copied.
      envelope = readLinkFast(data, request.path, this.buffers, { memo: this.memo, lendSignedBytes: true }) ?? readLinkEnvelopeGeneral(data, request.path)
    } catch (error) {
      return { status: 'error', error: toErrorInfo(error, request.path) }
    }
    try {
      const signature = await checkRequestSignature(envelope, request)
      return signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature }
    } finally {
      this.buffers.returnLent(envelope)
    }
  }
}

/**
 * Checks the signature `request` asks for on `envelope` (its key answers to its embedded keyid,
 * as in the reference); `undefined` when it names no key. Never throws.
 */
export async function checkRequestSignature(envelope: Envelope, request: LinkRequest): Promise<LinkSignatureResult | undefined> {
  if (request.key === undefined) return undefined
  try {
    const check = await checkEnvelopeSignature(envelope, request.key, request.now !== undefined ? { now: new Date(request.now) } : {})
    return check.reason === undefined ? { status: check.status } : { status: check.status, reason: check.reason }
  } catch (error) {
    return { status: 'error', error: toErrorInfo(error, request.path) }
  }
}

/** The result for a file whose reading failed (too large, unreadable): the error, naming it. */
export function readFailure(request: LinkRequest, error: unknown): LinkResult {
  return { status: 'error', error: toErrorInfo(error, request.path) }
}

/** {@link LinkReader.read} without the fast reader (which must agree with it: fast-link.test.ts). */
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
