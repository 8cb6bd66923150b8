/**
 * The link decoder's shortcut: a metablock link's signed bytes taken from the file
 * (`compactJsonBytes`) must equal its canonical JSON, on every link of the fixtures and on
 * hand-made files that break each precondition.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FIXTURES, linkFilesIn } from '../../../test/core/support/fixtures.ts'
import { signedBytesOf } from '../envelope/signed-bytes.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { readLinkEnvelope } from './decode.ts'

const encoder = new TextEncoder()


/** Reads `text` as a link file and checks the signed bytes against a fresh canonical encoding. */
function signedBytesAgree(text: string | Uint8Array): boolean {
  const envelope = readLinkEnvelope(typeof text === 'string' ? encoder.encode(text) : text, 'test.link')
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
