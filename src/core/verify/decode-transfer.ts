/**
 * Decode results as messages between threads (Node worker_threads, Web Workers). Links go
 * with their artifact maps packed (packed-artifacts.ts) and without the metablock's `signed`
 * object, which the receiver rebuilds from the link: it is the same maps again. Everything
 * else is plain data that structured cloning keeps. What cloning would change (a layout, or
 * signature objects with extra members, which may hold values of class types such as
 * JsonFloat) is not sent: the receiver decodes those few files itself.
 */
import type { Envelope } from '../envelope/types.ts'
import { linkToSigned } from '../model/link.ts'
import type { Link } from '../model/types.ts'
import type { DecodeResult } from './decode.ts'
import { packArtifacts, packedBuffers, unpackArtifacts, type PackedArtifacts } from './packed-artifacts.ts'

type LoadedResult = Extract<DecodeResult, { status: 'loaded' }>

export interface PackedLink extends Omit<Link, 'materials' | 'products'> {
  readonly materials: PackedArtifacts
  readonly products: PackedArtifacts
}

export type TransferredResult =
  | Exclude<DecodeResult, LoadedResult>
  /** The receiver must decode this file itself. */
  | { readonly status: 'decode-here' }
  | {
      readonly status: 'loaded-link'
      readonly envelope: Omit<Envelope, 'content' | 'signed'> & { readonly link: PackedLink }
      readonly signature: LoadedResult['signature']
    }

const PLAIN_SIGNATURE_MEMBERS = new Set(['keyid', 'sig'])

export function packDecodeResult(result: DecodeResult): TransferredResult {
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
    envelope: { ...(withoutSigned as Omit<Envelope, 'content' | 'signed'>), link: { ...link, materials: packArtifacts(link.materials), products: packArtifacts(link.products) } },
    signature: result.signature,
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
  return [...new Set([...packedBuffers(materials), ...packedBuffers(products)])]
}

/** The decode result a transferred one stands for; `undefined` for `decode-here`. */
export function unpackDecodeResult(transferred: TransferredResult): DecodeResult | undefined {
  if (transferred.status === 'decode-here') return undefined
  if (transferred.status !== 'loaded-link') return transferred
  const { link: packed, ...rest } = transferred.envelope
  const link: Link = { ...packed, materials: unpackArtifacts(packed.materials), products: unpackArtifacts(packed.products) }
  const content = { type: 'link' as const, link }
  const envelope = (rest.format === 'metablock' ? { ...rest, content, signed: linkToSigned(link) } : { ...rest, content }) as Envelope
  return transferred.signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature: transferred.signature }
}
