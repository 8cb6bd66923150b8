import { writeFileSync } from 'node:fs'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import { cli, layoutDocument, tempWorkdir } from '../../../test/support/cli.ts'

let alice: PrivateKey
let bob: PrivateKey
let work: ReturnType<typeof tempWorkdir>
beforeAll(async () => {
  alice = await generateKeyPair('ed25519')
  bob = await generateKeyPair('ed25519')
})
beforeEach(() => {
  work = tempWorkdir('diff')
})
afterEach(() => work.dispose())

const steps = (threshold = 1, pubkeys = () => [alice.publicKey.keyid]) => [
  {
    name: 'build',
    pubkeys: pubkeys(),
    threshold,
    command: ['make'],
    products: [
      ['CREATE', 'app'],
      ['DISALLOW', '*'],
    ],
  },
]

describe('layout-studio diff', () => {
  it('exits 0 for layouts equal in substance: a signed file and its unsigned, differently formatted copy', async () => {
    const document = layoutDocument([alice.publicKey, bob.publicKey], steps(), '2030-01-01T00:00:00Z')
    writeFileSync('old.json', JSON.stringify(document, null, 2))
    writeFileSync('plain.layout', JSON.stringify({ signed: document, signatures: [] }))
    const result = await cli('diff', 'old.json', 'plain.layout')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('old.json (unsigned) → plain.layout (unsigned)\nThe layouts are equal in substance: the bytes a signature covers are the same.\n')
  })

  it('exits 1 and says what changed, with the note about signatures', async () => {
    writeFileSync('old.json', JSON.stringify(layoutDocument([alice.publicKey, bob.publicKey], steps(), '2030-01-01T00:00:00Z')))
    writeFileSync(
      'new.json',
      JSON.stringify(
        layoutDocument(
          [alice.publicKey, bob.publicKey],
          steps(2, () => [alice.publicKey.keyid, bob.publicKey.keyid]),
          '2031-01-01T00:00:00Z',
        ),
      ),
    )
    const text = await cli('diff', 'old.json', 'new.json')
    expect(text.code).toBe(1)
    expect(text.stdout).toBe(
      [
        'old.json (unsigned) → new.json (unsigned): 3 changes',
        '- The layout now expires 2031-01-01T00:00:00Z (later), was 2030-01-01T00:00:00Z.',
        '- “build” now needs 2 of 2 signatures, was 1 of 1.',
        `- ${bob.publicKey.keyid.slice(0, 8)}… may now sign “build”.`,
        'Any change to a layout invalidates its signatures: the changed layout must be signed again by the project owner(s) before it verifies.',
        '',
      ].join('\n'),
    )
    const json = await cli('diff', 'old.json', 'new.json', '--format', 'json')
    expect(json.code).toBe(1)
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ old: 'old.json', new: 'new.json', equal: false, signatures: { old: 0, new: 0 } })
    expect(report.changes.map((c: { kind: string }) => c.kind)).toEqual(['expires', 'threshold', 'authorized'])
    expect(report.changes[1]).toEqual({
      kind: 'threshold',
      item: { kind: 'step', name: 'build' },
      sentence: '“build” now needs 2 of 2 signatures, was 1 of 1.',
      before: '1 of 1',
      after: '2 of 2',
    })
  })

  it('exits 2 on usage errors and on files that are not layouts, so that 1 always means "they differ"', async () => {
    writeFileSync('old.json', JSON.stringify(layoutDocument([alice.publicKey], steps())))
    writeFileSync('a.link', JSON.stringify({ signed: { _type: 'link', name: 'x' }, signatures: [] }))
    writeFileSync('broken.json', '{"_type": "layout", ')
    expect((await cli('diff', 'old.json')).code).toBe(2)
    expect((await cli('diff', 'old.json', 'old.json', '--format', 'yaml')).code).toBe(2)
    const link = await cli('diff', 'old.json', 'a.link')
    expect([link.code, link.stderr]).toEqual([2, 'layout-studio: a.link: this is a link, not a layout\n'])
    const broken = await cli('diff', 'broken.json', 'old.json')
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain('broken.json')
    expect((await cli('diff', 'missing.json', 'old.json')).code).toBe(2)
  })
})
