/**
 * The verifier's link decoder for a bundle that was classified first: classification already
 * read every link with the verifier's own reader (`readLinkEnvelope`), so parsing the same
 * megabytes again would double the cost of the most expensive phase. Files are recognized by
 * identity — the byte arrays the link source returns are the ones that were classified — so
 * a path the verifier spells differently (`./x.link`) still finds its envelope. Anything
 * classification could not read (or did not try to) is decoded as usual, which also writes
 * the error the verifier reports.
 */
import type { Envelope } from '../envelope/types.ts'
import { checkRequestSignature, decodeOne, type DecodeListener, type DecodeRequest, type DecodeResult, type LinkDecoder } from '../verify/decode.ts'
import type { LinkSource } from '../verify/sources.ts'

/** Files decoded at once: signature checks are asynchronous (WebCrypto), so a few overlap. */
const CONCURRENCY = 4

export class ClassifiedLinkDecoder implements LinkDecoder {
  private readonly envelopes = new WeakMap<Uint8Array, Envelope>()

  /** `files`: each file's bytes and the envelope classification read from them, if any. */
  constructor(files: Iterable<{ readonly bytes: Uint8Array; readonly envelope?: Envelope }>) {
    for (const file of files) if (file.envelope) this.envelopes.set(file.bytes, file.envelope)
  }

  /** The envelope classification read from exactly these bytes. */
  envelopeOf(bytes: Uint8Array): Envelope | undefined {
    return this.envelopes.get(bytes)
  }

  async decode(requests: readonly DecodeRequest[], source: LinkSource, signal?: AbortSignal, onResult?: DecodeListener): Promise<DecodeResult[]> {
    const results: DecodeResult[] = new Array(requests.length)
    let next = 0
    const worker = async () => {
      while (next < requests.length) {
        signal?.throwIfAborted()
        const index = next++
        const result = await this.decodeOne(requests[index] as DecodeRequest, source)
        results[index] = result
        onResult?.(index, result)
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker))
    return results
  }

  /** `decodeOne` (decode.ts), with the envelope taken from classification when there is one. */
  private async decodeOne(request: DecodeRequest, source: LinkSource): Promise<DecodeResult> {
    let bytes: Uint8Array | undefined
    try {
      bytes = await source.read(request.path)
    } catch {
      return decodeOne(request, source)
    }
    const envelope = bytes === undefined ? undefined : this.envelopes.get(bytes)
    if (envelope === undefined) return decodeOne(request, source, { bytes })
    const signature = await checkRequestSignature(envelope, request)
    return signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature }
  }
}
