/**
 * The fast reader with a region memo reads every link exactly as a fresh read does, whatever
 * the memo remembers: repeats of whole maps, maps that differ from a remembered one in a single
 * byte (at its start, middle or end), the same map under the other member, in other
 * whitespace, or at another place in the file. Repeated maps come back as the same packed lists.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { artifacts, FULL, inTotoLink, observe } from '../../../test/support/in-toto-link.ts'
import type { Envelope } from '../envelope/types.ts'
import { readLinkEnvelopeGeneral } from './reader.ts'
import { readLinkFast, ScanBuffers } from './fast-link.ts'
import { PackedArtifactMap } from './packed-artifacts.ts'
import { ArtifactRegionMemo } from './region-memo.ts'

const encoder = new TextEncoder()

function linkOf(envelope: Envelope | undefined) {
  if (envelope?.content.type !== 'link') throw new Error('expected a link')
  return envelope.content.link
}

/** Reads `text` with the memo and checks it against the general decoder; returns the envelope. */
function readsAsFresh(text: string, memo: ArtifactRegionMemo): Envelope {
  const bytes = encoder.encode(text)
  const read = readLinkFast(bytes, 'test.link', new ScanBuffers(), { memo })
  expect(read).toBeDefined()
  expect(observe(read as Envelope)).toEqual(observe(readLinkEnvelopeGeneral(bytes, 'test.link')))
  return read as Envelope
}

/** `text` with the character at `index` replaced by another hex digit. */
function flipHexAt(text: string, index: number): string {
  const next = text[index] === '0' ? '1' : '0'
  return text.slice(0, index) + next + text.slice(index + 1)
}

describe('the region memo', () => {
  const base = inTotoLink(FULL)
  const digestAt = (at: number) => at + '"sha256": "'.length
  // The last character of the materials' last digest (the member before "name") and of the products' (the file's last digest).
  const materialsLastDigit = base.lastIndexOf('"\n   }\n  },\n  "name"') - 1
  const productsLastDigit = digestAt(base.lastIndexOf('"sha256": "')) + 63
  const firstDigest = digestAt(base.indexOf('"sha256": "'))
  const variants: Array<[string, string]> = [
    ['the same link', base],
    ["the materials' last digest changed in its last character", flipHexAt(base, materialsLastDigit)],
    ["the products' last digest changed in its last character", flipHexAt(base, productsLastDigit)],
    ['the first digest changed in its first character', flipHexAt(base, firstDigest)],
    ['a digest in the middle changed', flipHexAt(base, base.indexOf('"sha256"', base.length >> 1) + 20)],
    ['materials and products swapped', inTotoLink({ ...FULL, materials: FULL.products, products: FULL.materials })],
    ['materials equal to products', inTotoLink({ ...FULL, materials: FULL.products })],
    ['another name before the same maps', inTotoLink({ ...FULL, name: 'another-step-name' })],
    ['tabs and CRLF', base.replace(/\n /g, '\r\n\t')],
    ['compact text', JSON.stringify(JSON.parse(base))],
    ['one artifact fewer', inTotoLink({ ...FULL, products: artifacts(499, (i) => (i * 7919).toString(16).padStart(64, 'f')) })],
    ['empty maps', inTotoLink({ ...FULL, materials: {}, products: {} })],
    ['the same link again', base],
  ]

  it.each([1, 2, 4])('reads a sequence of similar links exactly as fresh reads do (capacity %i)', (capacity) => {
    const memo = new ArtifactRegionMemo({ capacity })
    for (const [name, text] of [...variants, ...[...variants].reverse()]) {
      expect(() => readsAsFresh(text, memo), name).not.toThrow()
    }
  })

  it('hands out the same packed lists for maps it has read before', () => {
    const memo = new ArtifactRegionMemo()
    const first = linkOf(readsAsFresh(base, memo))
    const second = linkOf(readsAsFresh(inTotoLink({ ...FULL, name: 'other' }), memo))
    const swapped = linkOf(readsAsFresh(inTotoLink({ ...FULL, materials: FULL.products, products: FULL.materials }), memo))
    expect(first.products).toBeInstanceOf(PackedArtifactMap)
    expect((second.products as PackedArtifactMap).packed).toBe((first.products as PackedArtifactMap).packed)
    expect((swapped.materials as PackedArtifactMap).packed).toBe((first.products as PackedArtifactMap).packed)
    const changed = linkOf(readsAsFresh(flipHexAt(base, productsLastDigit), memo))
    expect((changed.products as PackedArtifactMap).packed).not.toBe((first.products as PackedArtifactMap).packed)
    expect((changed.materials as PackedArtifactMap).packed).toBe((first.materials as PackedArtifactMap).packed)
  })

  it('reads random sequences of slightly different links as fresh reads do', () => {
    const maps = [artifacts(120), artifacts(120, (i) => (i * 31).toString(16).padStart(64, 'a')), artifacts(90)]
    const link = fc.record({
      materials: fc.integer({ min: 0, max: 2 }),
      products: fc.integer({ min: 0, max: 2 }),
      // Where to change one digit of the text (as a fraction of its length), if at all.
      flip: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    })
    fc.assert(
      fc.property(fc.array(link, { minLength: 2, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (links, capacity) => {
        const memo = new ArtifactRegionMemo({ capacity })
        for (const { materials, products, flip } of links) {
          let text = inTotoLink({ ...FULL, materials: maps[materials], products: maps[products] })
          if (flip !== null) {
            // The nearest hex digit inside a digest at that place.
            const at = text.indexOf('"sha256": "', Math.floor(flip * text.length))
            if (at >= 0) text = flipHexAt(text, at + '"sha256": "'.length + Math.floor(flip * 64))
          }
          readsAsFresh(text, memo)
        }
      }),
      { numRuns: 150 },
    )
  })
})
