/**
 * Link results as messages between threads (Node worker_threads, Web Workers), and the one
 * invariant that makes sending them cheap. Links go with their artifact maps packed
 * (packed-artifacts.ts) and without the metablock's `signed` object, which the receiver
 * rebuilds from the link: it is the same maps again. Everything else is plain data that
 * structured cloning keeps. What cloning would change (a layout, or signature objects with
 * extra members, which may hold values of class types such as JsonFloat) is not sent: the
 * receiver decodes those few files itself.
 *
 * The invariant, kept by {@link DecodingThread}: a decoding thread's region memo
 * (region-memo.ts) hands out the packed lists of a map it read before as the *same* objects,
 * and their buffers were transferred (moved) with the first result that held them. So the
 * memo and a {@link TransferSender} live and die together: one pair per session (one `load`
 * of the host), whose sender sends a repeated list as a reference to the first; and that
 * session's results reach one {@link TransferReceiver}, in the order they were packed.
 */
import type { Envelope } from '../envelope/types.ts'
import { linkToSigned } from '../model/link.ts'
import type { ArtifactMap, Link } from '../model/types.ts'
import { packArtifacts, packedBuffers, unpackArtifacts, type PackedArtifacts } from './packed-artifacts.ts'
import { LinkReader, readFailure } from './reader.ts'
import { ArtifactRegionMemo, type SameBytes } from './region-memo.ts'
import type { LinkRequest, LinkResult } from './types.ts'

type LoadedResult = Extract<LinkResult, { status: 'loaded' }>

/**
 * The decoding side of a thread: one reader (its work buffers live as long as the thread), and
 * per session a fresh region memo paired with a fresh sender. Decode one file at a time, in the
 * order the host asked (the sender must pack in the order its receiver unpacks).
 */
export class DecodingThread {
  private readonly reader = new LinkReader()
  private readonly sameBytes: SameBytes | undefined
  private session: { readonly id: number; readonly sender: TransferSender } | undefined

  /** `sameBytes`: the host's native byte comparison for the memo (region-memo.ts). */
  constructor(options: { readonly sameBytes?: SameBytes } = {}) {
    this.sameBytes = options.sameBytes
  }

  /**
   * Reads (with `read`), parses and checks one file of session `session`, and packs the result
   * for that session's receiver: the message and the buffers to transfer with it.
   */
  async decode(
    session: number,
    request: LinkRequest,
    read: () => Promise<Uint8Array | undefined>,
  ): Promise<{ readonly result: TransferredResult; readonly transfer: ArrayBuffer[] }> {
    if (this.session?.id !== session) {
      this.session = { id: session, sender: new TransferSender() }
      this.reader.memo = new ArtifactRegionMemo({ sameBytes: this.sameBytes })
    }
    const { sender } = this.session
    let result: LinkResult
    try {
      result = await this.reader.decode(request, await read())
    } catch (error) {
      result = readFailure(request, error)
    }
    const packed = sender.pack(result)
    return { result: packed, transfer: transferablesOf(packed) }
  }
}

/**
 * An artifact map as sent: packed (packed-artifacts.ts) with an `id` the sender may refer to
 * later, or a `repeat` of the map it sent under that id (links of one step hold the same
 * maps: region-memo.ts hands the decoding thread the same packed lists again, whose buffers
 * already went to the receiver).
 */
export type TransferredArtifacts = { readonly id: number; readonly artifacts: PackedArtifacts } | { readonly repeat: number }

export interface PackedLink extends Omit<Link, 'materials' | 'products'> {
  readonly materials: TransferredArtifacts
  readonly products: TransferredArtifacts
}

export type TransferredResult =
  | Exclude<LinkResult, LoadedResult>
  /** The receiver must decode this file itself. */
  | { readonly status: 'decode-here' }
  | {
      readonly status: 'loaded-link'
      readonly envelope: Omit<Envelope, 'content' | 'signed'> & { readonly link: PackedLink }
      readonly signature: LoadedResult['signature']
    }

const PLAIN_SIGNATURE_MEMBERS = new Set(['keyid', 'sig'])

/**
 * Packs results for one receiver, in order. Each packed list is sent once; the same list again
 * (the very object) goes as a reference to the first. Its results must reach one
 * {@link TransferReceiver}, in the order packed, and the sender must not read a list's bytes
 * once sent: their buffers are transferred. Paired with a memo by {@link DecodingThread}.
 */
export class TransferSender {
  private readonly ids = new WeakMap<object, number>()
  private nextId = 0

  pack(result: LinkResult): TransferredResult {
    if (result.status !== 'loaded') return result
    const { envelope } = result
    if (envelope.content.type !== 'link') return { status: 'decode-here' }
    for (const signature of envelope.signatures) {
      for (const key of signature.json.keys()) if (!PLAIN_SIGNATURE_MEMBERS.has(key)) return { status: 'decode-here' }
    }
    const { content, ...rest } = envelope
    const withoutSigned = { ...rest } as Record<string, unknown>
    delete withoutSigned.signed
    const link = content.link
    return {
      status: 'loaded-link',
      envelope: {
        ...(withoutSigned as Omit<Envelope, 'content' | 'signed'>),
        link: { ...link, materials: this.artifacts(link.materials), products: this.artifacts(link.products) },
      },
      signature: result.signature,
    }
  }

  private artifacts(map: ArtifactMap): TransferredArtifacts {
    const artifacts = packArtifacts(map)
    const sent = this.ids.get(artifacts)
    if (sent !== undefined) return { repeat: sent }
    const id = this.nextId++
    this.ids.set(artifacts, id)
    return { id, artifacts }
  }
}

/**
 * The buffers to transfer with `transferred` (postMessage's transfer list): the packed artifact
 * bytes, megabytes per link, then move between threads without a copy. The sender must not
 * use the result afterwards.
 */
export function transferablesOf(transferred: TransferredResult): ArrayBuffer[] {
  if (transferred.status !== 'loaded-link') return []
  const { materials, products } = transferred.envelope.link
  return [...new Set([materials, products].flatMap((sent) => ('artifacts' in sent ? packedBuffers(sent.artifacts) : [])))]
}

/** Unpacks what one {@link TransferSender} packed, in the order it packed it. */
export class TransferReceiver {
  private readonly maps = new Map<number, ArtifactMap>()

  /** The decode result a transferred one stands for; `undefined` for `decode-here`. */
  unpack(transferred: TransferredResult): LinkResult | undefined {
    if (transferred.status === 'decode-here') return undefined
    if (transferred.status !== 'loaded-link') return transferred
    const { link: packed, ...rest } = transferred.envelope
    const link: Link = { ...packed, materials: this.artifacts(packed.materials), products: this.artifacts(packed.products) }
    const content = { type: 'link' as const, link }
    const envelope = (rest.format === 'metablock' ? { ...rest, content, signed: linkToSigned(link) } : { ...rest, content }) as Envelope
    return transferred.signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature: transferred.signature }
  }

  private artifacts(sent: TransferredArtifacts): ArtifactMap {
    if ('repeat' in sent) {
      const map = this.maps.get(sent.repeat)
      // Only a sender/receiver mix-up gets here; no link may go on with a wrong map.
      if (map === undefined) throw new Error(`a decoding thread referred to artifacts it never sent (#${sent.repeat})`)
      return map
    }
    const map = unpackArtifacts(sent.artifacts)
    this.maps.set(sent.id, map)
    return map
  }
}
