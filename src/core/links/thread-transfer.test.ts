/**
 * Decode results across a thread boundary: a sender sends each packed list once and repeats by
 * reference; its receiver gives back the same map for a repeat, and refuses a reference to
 * something it never received rather than guess.
 */
import { describe, expect, it } from 'vitest'
import { FULL, inTotoLink, observe } from '../../../test/support/in-toto-link.ts'
import type { Envelope } from '../envelope/types.ts'
import type { LinkResult as DecodeResult } from './types.ts'
import { TransferReceiver, TransferSender, transferablesOf, type TransferredResult } from './thread-transfer.ts'
import { readLinkFast, ScanBuffers } from './fast-link.ts'
import { ArtifactRegionMemo } from './region-memo.ts'

const bytes = new TextEncoder().encode(inTotoLink(FULL))

/** Sends like a worker thread: a structured clone with the packed buffers transferred. */
function cross(transferred: TransferredResult): TransferredResult {
  return structuredClone(transferred, { transfer: transferablesOf(transferred) })
}

const linkOf = (result: DecodeResult | undefined) => (result?.status === 'loaded' && result.envelope.content.type === 'link' ? result.envelope.content.link : undefined)

describe('TransferSender and TransferReceiver', () => {
  it('send a repeated map once and give back the same map for it', () => {
    const memo = new ArtifactRegionMemo()
    const sender = new TransferSender()
    const receiver = new TransferReceiver()
    const read = () => ({ status: 'loaded', envelope: readLinkFast(bytes, 'x.link', new ScanBuffers(), { memo }) as Envelope }) as const
    const first = cross(sender.pack(read()))
    const second = cross(sender.pack(read()))
    expect(transferablesOf(second)).toEqual([])
    const [a, b] = [receiver.unpack(first), receiver.unpack(second)]
    expect(linkOf(b)?.products).toBe(linkOf(a)?.products)
    expect(observe((b as { envelope: Envelope }).envelope)).toEqual(observe(readLinkFast(bytes, 'y.link', new ScanBuffers()) as Envelope))
  })

  it('refuses a repeat of a map the receiver never got', () => {
    const memo = new ArtifactRegionMemo()
    const sender = new TransferSender()
    const read = () => ({ status: 'loaded', envelope: readLinkFast(bytes, 'x.link', new ScanBuffers(), { memo }) as Envelope }) as const
    sender.pack(read())
    const repeat = cross(sender.pack(read()))
    expect(() => new TransferReceiver().unpack(repeat)).toThrow(/never sent/)
  })
})
