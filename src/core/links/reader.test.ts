/**
 * The link decoder's shortcut: a metablock link's signed bytes taken from the file
 * (`compactJsonBytes`) must equal its canonical JSON, on every link of the fixtures and on
 * hand-made files that break each precondition.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FIXTURES, linkFilesIn } from '../../../test/support/fixtures.ts'
import { signedBytesOf } from '../envelope/signed-bytes.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { sha256 } from '@noble/hashes/sha2.js'
import { addSignatures, createEnvelope, serializeEnvelope } from '../envelope/sign.ts'
import { publicOf } from '../keys/material.ts'
import { ed25519PrivateMaterial } from '../keys/private-der.ts'
import { createPrivateKey } from '../keys/private-key.ts'
import { publicKeyFor } from '../keys/public-key.ts'
import type { PrivateKey } from '../keys/types.ts'
import { createLink } from '../model/link.ts'
import type { ArtifactMap } from '../model/types.ts'
import { memoryLinks } from './memory.ts'
import { LinkReader } from './reader.ts'

const encoder = new TextEncoder()

/** Reads `text` as a link file and checks the signed bytes against a fresh canonical encoding. */
function signedBytesAgree(text: string | Uint8Array): boolean {
  const envelope = new LinkReader().read(typeof text === 'string' ? encoder.encode(text) : text, 'test.link')
  if (envelope.format !== 'metablock') return true
  return Buffer.from(signedBytesOf(envelope)).equals(Buffer.from(canonicalBytes(envelope.signed)))
}

const link = (signed: string) => `{"signatures": [], "signed": ${signed}}`
const BASE = '"_type": "link", "byproducts": {}, "command": ["make"], "environment": {}'

describe('signed bytes taken from link files', () => {
  const files = linkFilesIn(FIXTURES)

  it('equal the canonical JSON for every fixture link that can be read', () => {
    expect(files.length).toBeGreaterThan(50)
    let checked = 0
    for (const file of files) {
      let agrees: boolean
      try {
        agrees = signedBytesAgree(readFileSync(file))
      } catch {
        continue // unreadable links are other tests' business
      }
      expect(agrees, file).toBe(true)
      checked++
    }
    expect(checked).toBeGreaterThan(50)
  })

  it.each([
    ['sorted, whitespace everywhere', link(`{\n ${BASE},\n "materials": {"a b": {"sha256": "ab"}},\n "name": "x",\n "products": {}\n}`)],
    ['unsorted keys', link(`{"products": {}, ${BASE}, "materials": {"b": {"sha256": "01"}, "a": {"sha256": "02"}}, "name": "x"}`)],
    ['escaped quote and backslash', link(`{${BASE}, "materials": {"q\\"\\\\ \\"": {"sha256": "ab"}}, "name": "x", "products": {}}`)],
    ['\\u escape', link(`{${BASE}, "materials": {"caf\\u00e9": {"sha256": "ab"}}, "name": "x", "products": {}}`)],
    ['\\n and \\/ escapes', link(`{${BASE}, "materials": {"a\\nb\\/c": {"sha256": "ab"}}, "name": "x", "products": {}}`)],
    ['raw UTF-8', link(`{${BASE}, "materials": {"café ✓": {"sha256": "ab"}}, "name": "x", "products": {}}`)],
    ['-0 in byproducts', link(`{"_type": "link", "byproducts": {"return-value": -0}, "command": [], "environment": {}, "materials": {}, "name": "x", "products": {}}`)],
    ['missing members (defaults are signed)', link(`{"_type": "link", "name": "x"}`)],
    ['unknown member (not signed)', link(`{${BASE}, "extra": 1, "materials": {}, "name": "x", "products": {}}`)],
    ['a layout-like name value', link(`{${BASE}, "materials": {}, "name": {"b": [1, 2], "a": null}, "products": {}}`)],
  ])('equal the canonical JSON: %s', (_, text) => {
    expect(signedBytesAgree(text)).toBe(true)
  })
})

describe('signed bytes lent while a link is checked', () => {
  function keyFromSeed(seed: string): PrivateKey {
    const material = ed25519PrivateMaterial(sha256(encoder.encode(seed)))
    return createPrivateKey(material, publicKeyFor(publicOf(material)))
  }
  const digests = (salt: string, count: number): ArtifactMap =>
    new Map(
      Array.from({ length: count }, (_, i) => [
        `src/file_${String(i).padStart(4, '0')}.py`,
        new Map([['sha256', Buffer.from(sha256(encoder.encode(`${salt}${i}`))).toString('hex')]]),
      ]),
    )
  const signedLink = async (name: string, products: ArtifactMap, key: PrivateKey) =>
    encoder.encode(serializeEnvelope(await addSignatures(createEnvelope({ type: 'link', link: createLink(name, { command: ['make'], products }) }, 'metablock'), [key])))

  it('checks every signature right when decodes interleave, and the envelopes keep their signed bytes', async () => {
    const [first, second] = [keyFromSeed('lend 1'), keyFromSeed('lend 2')]
    const a = await signedLink('a', digests('a', 400), first)
    const b = await signedLink('b', digests('b', 300), second)
    // a's text with its last digit changed: same length, same maps but one digest, a's signature.
    const tampered = a.slice()
    const lastDigit = tampered.lastIndexOf(0x22) - 1
    tampered[lastDigit] = (tampered[lastDigit] as number) ^ 1
    const links = memoryLinks([
      ['a.link', a],
      ['b.link', b],
      ['c.link', tampered],
    ])
    const expected: Array<[string, PrivateKey, string]> = [
      ['a.link', first, 'valid'],
      ['b.link', second, 'valid'],
      ['c.link', first, 'invalid'],
      ['a.link', second, 'missing'],
    ]
    const requests = Array.from({ length: 6 }, () => expected).flat()
    const results = await links.load(requests.map(([path, key]) => ({ path, key: key.publicKey })))
    expect(results.map((result) => (result.status === 'loaded' ? result.signature?.status : result.status))).toEqual(requests.map(([, , status]) => status))
    for (const result of results) {
      if (result.status !== 'loaded' || result.envelope.format !== 'metablock') throw new Error('expected a loaded metablock')
      expect(Buffer.from(signedBytesOf(result.envelope)).equals(Buffer.from(canonicalBytes(result.envelope.signed)))).toBe(true)
    }
  })
})
