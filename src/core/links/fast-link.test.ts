/**
 * The fast link reader must give exactly what the general decoder gives (envelope, artifact
 * maps, signed bytes), or decline: on every fixture link, on links shaped as in-toto writes
 * them, and on variants breaking each of its conditions, where the public reader must then
 * still give the general decoder's result or error.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FIXTURES, linkFilesIn } from '../../../test/support/fixtures.ts'
import { FULL, inTotoLink, observe } from '../../../test/support/in-toto-link.ts'
import { signedBytesOf } from '../envelope/signed-bytes.ts'
import type { Envelope } from '../envelope/types.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { LinkReader, readLinkEnvelopeGeneral } from './reader.ts'
import { readLinkFast, ScanBuffers } from './fast-link.ts'
import { PackedArtifactMap } from './packed-artifacts.ts'

const encoder = new TextEncoder()

type Outcome = { readonly envelope: ReturnType<typeof observe> } | { readonly error: string }

function outcome(read: () => Envelope): Outcome {
  try {
    return { envelope: observe(read()) }
  } catch (error) {
    return { error: error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error) }
  }
}

/** Where each of `count` NUL-separated entries starts, then one past the end plus one (written out independently of packed-artifacts.ts). */
function entryStartsOf(bytes: Uint8Array, count: number): number[] {
  const starts = [0]
  bytes.forEach((byte, at) => {
    if (byte === 0) starts.push(at + 1)
  })
  return count === 0 ? [1] : [...starts, bytes.length + 1]
}

/** Checks the fast reader against the general one on `bytes`; returns whether it took the file. */
function agrees(bytes: Uint8Array): boolean {
  const general = outcome(() => readLinkEnvelopeGeneral(bytes, 'test.link'))
  expect(outcome(() => new LinkReader().read(bytes, 'test.link'))).toEqual(general)
  const fast = readLinkFast(bytes, 'test.link', new ScanBuffers())
  if (fast === undefined) return false
  expect({ envelope: observe(fast) }).toEqual(general)
  // Where the reader says each path and digest starts is where they start.
  for (const map of fast.content.type === 'link' ? [fast.content.link.materials, fast.content.link.products] : []) {
    if (!(map instanceof PackedArtifactMap)) continue
    expect([...(map.packed.pathStarts ?? [])]).toEqual(entryStartsOf(map.packed.paths, map.packed.count))
    expect([...(map.packed.digestStarts ?? [])]).toEqual(entryStartsOf(map.packed.digests, map.packed.count))
  }
  // The signed bytes remembered are the canonical JSON the reference would sign.
  expect(fast.format === 'metablock' && Buffer.from(signedBytesOf(fast)).equals(Buffer.from(canonicalBytes(fast.signed)))).toBe(true)
  return true
}

describe('the fast link reader', () => {
  it('agrees with the general decoder on every fixture link', () => {
    const files = linkFilesIn(FIXTURES)
    expect(files.length).toBeGreaterThan(50)
    let taken = 0
    for (const file of files) if (agrees(readFileSync(file))) taken++
    // Most fixture links are written by in-toto: the fast reader must take them.
    expect(taken).toBeGreaterThan(files.length / 2)
  })

  it('takes links as in-toto writes them, with packed, sorted artifact maps', () => {
    const bytes = encoder.encode(inTotoLink(FULL))
    expect(agrees(bytes)).toBe(true)
    const link = (readLinkFast(bytes, 'x.link', new ScanBuffers()) as Envelope & { content: { type: 'link' } }).content.link
    expect(link.products).toBeInstanceOf(PackedArtifactMap)
    expect(link.materials.size).toBe(300)
    expect(link.products.get('src/pkg1/file_00001.py')).toEqual(new Map([['sha256', (7919).toString(16).padStart(64, 'f')]]))
    expect(link.products.has('src/pkg1/file_00002.py')).toBe(false)
  })

  const base = inTotoLink(FULL)
  const materialsAt = base.indexOf('"materials": {') + '"materials": {'.length
  const replaceOnce = (from: string, to: string) => {
    expect(base.includes(from)).toBe(true)
    return base.replace(from, to)
  }
  const firstPath = 'src/pkg0/file_00000.py'
  const firstDigest = '0'.repeat(64)

  // [name, text, whether the fast reader should take it]
  const variants: Array<[string, string, boolean]> = [
    ['compact text', JSON.stringify(JSON.parse(base)), true],
    ['tabs and CRLF', base.replace(/\n /g, '\r\n\t'), true],
    ['uppercase hex digests', replaceOnce(firstDigest, 'ABCDEF'.repeat(10) + 'ABCD'), true],
    ['empty artifact maps', inTotoLink({ ...FULL, materials: {}, products: {} }), true],
    // The default `{}` is signed but not written: the signed bytes are not the file's.
    ['no materials member', inTotoLink({ ...FULL, materials: undefined }), false],
    ['float in byproducts', replaceOnce('"return-value": 0', '"return-value": 0.5'), false],
    ['NaN in environment', replaceOnce('"environment": {}', '"environment": {"x": NaN}'), false],
    ['-0 in byproducts', replaceOnce('"return-value": 0', '"return-value": -0'), false],
    ['huge integer', replaceOnce('"return-value": 0', `"return-value": ${'9'.repeat(5000)}`), false],
    ['deep nesting in byproducts', replaceOnce('"stderr": ""', `"stderr": ${'['.repeat(600)}${']'.repeat(600)}`), false],
    ['nesting at the limit in environment', replaceOnce('"environment": {}', `"environment": {"x": ${'['.repeat(490)}${']'.repeat(490)}}`), true],
    ['duplicate artifact path', replaceOnce(`"${firstPath}": {`, `"${firstPath}": {"sha256": "00"}, "${firstPath}": {`), false],
    ['unsorted artifact paths', replaceOnce(`"${firstPath}": {`, `"zzz": {"sha256": "00"}, "${firstPath}": {`), false],
    ['escaped quote in a path', replaceOnce(`"${firstPath}"`, '"a\\"b"'), false],
    ['\\u escape in a path', replaceOnce(`"${firstPath}"`, '"\\u0061"'), false],
    ['\\/ escape in a path', replaceOnce(`"${firstPath}"`, '"a\\/b"'), false],
    ['lone surrogate escape in a path', replaceOnce(`"${firstPath}"`, '"\\ud800"'), false],
    ['raw non-ASCII path', replaceOnce(`"${firstPath}"`, '"café"'), false],
    ['raw control character in a path', replaceOnce(`"${firstPath}"`, '"a\tb"'), false],
    ['two algorithms in a hash dict', replaceOnce(`"sha256": "${firstDigest}"`, `"sha256": "${firstDigest}", "sha512": "ab"`), false],
    ['another algorithm for one artifact', replaceOnce(`"sha256": "${firstDigest}"`, `"sha512": "${firstDigest}"`), false],
    ['empty hash dict', replaceOnce(`"sha256": "${firstDigest}"`, ''), false],
    ['empty digest', replaceOnce(`"${firstDigest}"`, '""'), false],
    ['non-hex digest', replaceOnce(`"${firstDigest}"`, '"xyz"'), false],
    ['digest with an escaped final newline', replaceOnce(`"${firstDigest}"`, '"ab\\n"'), false],
    ['number as digest', replaceOnce(`"${firstDigest}"`, '12'), false],
    ['null hash dict', replaceOnce(`{\n    "sha256": "${firstDigest}"\n   }`, 'null'), false],
    ['materials as a list', inTotoLink({ ...FULL, materials: [] }), false],
    ['materials null', inTotoLink({ ...FULL, materials: null }), false],
    ['duplicate materials member', replaceOnce('"name": "build"', '"materials": {}, "name": "build"'), false],
    ['duplicate signed member', base.replace(/\n}$/, ', "signed": {}\n}'), false],
    ['escaped "signed" key', replaceOnce('"signed": {', '"sign\\u0065d": {'), false],
    ['escaped "materials" key', replaceOnce('"materials": {', '"m\\u0061terials": {'), false],
    ['unknown member in signed', replaceOnce('"name": "build"', '"name": "build", "other": 1'), false],
    ['unknown member beside signed', base.replace(/\n}$/, ', "zzz": [1, 2]\n}'), true],
    ['signature with extra members', replaceOnce('"keyid":', '"cert": "x", "keyid":'), true],
    ['"materials" inside byproducts', replaceOnce('"stdout": "ok"', '"stdout": "ok", "x": {"materials": {"b": {"sha256": "zz"}}}'), true],
    ['escapes in the name', replaceOnce('"name": "build"', '"name": "b\\u00e9\\n"'), false],
    ['quote and backslash escapes in the command', replaceOnce('"make"', '"m\\"a\\\\ke"'), true],
    ['byte order mark', `\ufeff${base}`, false],
    ['trailing data', `${base} x`, false],
    ['truncated in the artifacts', base.slice(0, materialsAt + 100), false],
    ['truncated in a digest', base.slice(0, base.indexOf(firstDigest) + 10), false],
    ['unterminated path at the end', base.slice(0, materialsAt) + '\n   "abc', false],
    ['missing comma between artifacts', base.replace('},\n   "src/pkg1/file_00001.py"', '}\n   "src/pkg1/file_00001.py"'), false],
    ['comma after the last artifact', base.replace(/}\n {2}},\n {2}"name"/, '},\n  },\n  "name"'), false],
    ['root is a list', `[${base}]`, false],
    ['a layout', JSON.stringify({ signatures: [], signed: { _type: 'layout', expires: '2030-01-01T00:00:00Z', keys: {}, readme: '', steps: [], inspect: [] } }), false],
    ['a DSSE envelope', JSON.stringify({ payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [] }), false],
  ]

  it.each(variants)('agrees with the general decoder: %s', (_, text, taken) => {
    expect(agrees(encoder.encode(text))).toBe(taken)
  })
})
