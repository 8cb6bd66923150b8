import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addSignatures, createEnvelope, serializeEnvelope } from '../envelope/sign.ts'
import { readEnvelope } from '../envelope/read.ts'
import { generateKeyPair } from '../keys/generate.ts'
import { createInspection } from '../model/layout.ts'
import { createLink } from '../model/link.ts'
import { memoryLinks } from '../links/index.ts'
import { classifyFile } from './classify.ts'
import { splitJsonl } from './jsonl.ts'
import { PrerecordedInspectionRunner } from './prerecorded.ts'
import { triageBundle } from './triage.ts'
import { analyzeBundle } from './verify-bundle.ts'
import { vectorRequest } from '../../../test/support/vector-request.ts'

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures')
const read = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)))
const utf8 = (text: string) => new TextEncoder().encode(text)

describe('classifying dropped files', () => {
  it('tells links, DSSE links, layouts, keys and junk apart by content', () => {
    const vector = 'vectors/sublayout-with-inspection'
    expect(classifyFile('p.link', read(`${vector}/links/package.87a3dd0e.link`))).toMatchObject({ kind: 'link', name: 'package', signers: [expect.stringMatching(/^87a3dd0e/)] })
    expect(classifyFile('b.link', read(`${vector}/links/build.99c9631e.link`)).kind).toBe('layout')
    expect(classifyFile('root.layout', read(`${vector}/layout/root.layout`)).kind).toBe('layout')
    expect(classifyFile('w.link', read('upstream/demo_dsse_files/write-code.776a00e2.link'))).toMatchObject({ kind: 'dsse-link', name: 'write-code' })
    expect(classifyFile('alice.json', read(`${vector}/keys/alice.json`)).kind).toBe('key')
    expect(classifyFile('alice.pub', read('upstream/demo_files/alice.pub')).kind).toBe('key')
    expect(classifyFile('README.txt', utf8('hello'))).toMatchObject({ kind: 'unknown', problem: 'not in-toto metadata or a public key' })
  })

  it('says why a link is not JSON, with file and position', () => {
    const file = classifyFile('broken.link', utf8('{"signed": {"_type": "link",'))
    expect(file.kind).toBe('unknown')
    expect(file.problem).toMatch(/^broken\.link: .*line 1/)
  })
})

describe('triage against the layout', () => {
  it('matches links to steps by file name and signer, down into sublayouts', async () => {
    const analysis = await analyzeBundle(vectorRequest('sublayout-with-inspection'))
    const byPath = Object.fromEntries(analysis.triage.entries.map((entry) => [entry.path, entry]))
    expect(byPath['package.87a3dd0e.link']).toMatchObject({ status: 'matched', step: 'package' })
    expect(byPath['build.99c9631e.link']).toMatchObject({ status: 'sublayout', step: 'build' })
    expect(byPath['build.99c9631e/test.d47817f7.link']).toMatchObject({ status: 'matched', step: 'build.99c9631e/test' })
    expect(analysis.triage.steps.map((step) => `${step.step} ${step.found}/${step.threshold}`)).toEqual([
      'build 1/1',
      'build.99c9631e/compile 1/1',
      'build.99c9631e/test 1/1',
      'package 1/1',
    ])
  })

  it('flags links signed by a key the step does not authorize, and unknown steps', async () => {
    const analysis = await analyzeBundle(vectorRequest('unauthorized-wrong-step'))
    const flagged = analysis.triage.entries.filter((entry) => entry.status !== 'matched')
    expect(flagged.length).toBeGreaterThan(0)
    for (const entry of flagged) expect(['unauthorized', 'unknown-key', 'unmatched']).toContain(entry.status)
  })

  it('flags unsigned links, unknown steps and misnamed links', () => {
    const layoutEnvelope = readEnvelope(read('vectors/rule-allow-pass/layout/root.layout'))
    if (layoutEnvelope.content.type !== 'layout') throw new Error('not a layout')
    const layout = layoutEnvelope.content.layout
    const step = layout.steps[0]!
    const keyid = step.pubkeys[0]!
    const unsigned = utf8(serializeEnvelope(createEnvelope({ type: 'link', link: createLink(step.name) }, 'metablock')))
    const other = utf8(serializeEnvelope(createEnvelope({ type: 'link', link: createLink('no-such-step') }, 'metablock')))
    const triage = triageBundle(layout, [classifyFile(`${step.name}.${keyid.slice(0, 8)}.link`, unsigned), classifyFile('x.link', other), classifyFile('notes.txt', utf8('hi'))])
    expect(triage.entries.map((entry) => entry.status)).toEqual(['unsigned', 'unknown-step', 'other'])
  })
})

describe('attestation bundles (.intoto.jsonl)', () => {
  it('names each envelope as the reference would have written it, one per signer', () => {
    const lines = ['write-code.776a00e2.link', 'package.2f89b927.link'].map((name) =>
      JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'upstream/demo_dsse_files', name), 'utf8'))),
    )
    const { entries, problems } = splitJsonl(utf8(`${lines.join('\n')}\nnot json\n\n`), 'bundle.intoto.jsonl', 'links')
    expect(entries.map((entry) => entry.path)).toEqual(['links/write-code.776a00e2.link', 'links/package.2f89b927.link'])
    expect(problems).toHaveLength(1)
    expect(problems[0]?.message).toMatch(/^bundle\.intoto\.jsonl:3: /)
  })
})

describe('inspections satisfied by a signed inspection link', () => {
  it('accepts a link signed by a layout owner with the exact command, and nothing else', async () => {
    const owner = await generateKeyPair('ed25519')
    const stranger = await generateKeyPair('ed25519')
    const inspection = createInspection('untar', { run: ['tar', 'xzf', 'foo.tar.gz'] })
    const link = createLink('untar', { command: ['tar', 'xzf', 'foo.tar.gz'], byproducts: new Map([['return-value', 0n]]) })
    const signed = async (key: typeof owner, l = link) => utf8(serializeEnvelope(await addSignatures(createEnvelope({ type: 'link', link: l }, 'metablock'), [key])))
    const run = async (bytes: Uint8Array) => new PrerecordedInspectionRunner(memoryLinks([['untar.link', bytes]]), [owner.publicKey]).run(inspection)
    expect(await run(await signed(owner))).toMatchObject({ status: 'ran', how: 'prerecorded' })
    expect(await run(await signed(stranger))).toMatchObject({ status: 'not-run', reason: expect.stringMatching(/no layout owner key signed it/) })
    expect(await run(await signed(owner, { ...link, command: ['true'] }))).toMatchObject({ status: 'not-run', reason: expect.stringMatching(/command differs/) })
  })
})
