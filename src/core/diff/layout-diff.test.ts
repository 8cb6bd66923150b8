import { describe, expect, it } from 'vitest'
import * as edit from '../editor/commands.ts'
import { demoChain } from '../editor/templates.ts'
import { computeKeyId } from '../keys/keyid.ts'
import { layoutKeyFromJson, layoutKeyJson } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'
import { diffLayouts, type ChangeKind } from './layout-diff.ts'

const { layout: base, keyNames } = demoChain(new Date('2026-01-01T00:00:00Z'))
const [bob, carl] = [...base.keys.keys()] as [string, string]

function key(hexByte: string) {
  const publicKey = { keytype: 'ed25519', scheme: 'ed25519', public: hexByte.repeat(32) }
  const keyid = computeKeyId(publicKey.keytype, publicKey.scheme, publicKey.public)
  return { keyid, json: layoutKeyJson({ ...publicKey, keyid }) }
}
const dan = key('11')
const erin = key('22')
const names = new Map([...keyNames, [dan.keyid, 'dan']])
const ref = (layout: Layout, name: string) => edit.findItem(layout, name) as edit.ItemRef

function changesOf(after: Layout, before: Layout = base) {
  const diff = diffLayouts(before, after, { oldKeyNames: names, newKeyNames: names })
  return { diff, kinds: diff.changes.map((c) => c.kind), sentences: diff.changes.map((c) => c.sentence) }
}

describe('diffLayouts', () => {
  it('finds nothing between a layout and itself, or a copy', () => {
    const { diff } = changesOf(structuredClone(base))
    expect(diff.equal).toBe(true)
    expect(diff.changes).toEqual([])
    expect(diff.items.every((item) => item.status === 'unchanged')).toBe(true)
  })

  const cases: [string, (l: Layout) => Layout, ChangeKind[], string[]][] = [
    ['expiry', (l) => edit.setExpires(l, '2028-06-01T00:00:00Z'), ['expires'], ['The layout now expires 2028-06-01T00:00:00Z (later), was 2027-01-01T00:00:00Z.']],
    ['readme', (l) => edit.setReadme(l, 'The demo.'), ['readme'], ['A readme was added: “The demo.”.']],
    [
      'a new step',
      (l) => edit.addStep(l, 'test', { pubkeys: [bob], expectedMaterials: [['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'package']] }),
      ['item-added'],
      ['New step “test”: 1 of 1 functionary must sign it; 1 materials rule, 0 products rules.'],
    ],
    ['a removed inspection', (l) => edit.deleteItem(l, ref(l, 'untar')), ['item-removed'], ['Inspection “untar” was removed.']],
    ['a rename (its MATCH references follow)', (l) => edit.renameItem(l, ref(l, 'write-code'), 'code'), ['item-renamed'], ['Step “write-code” was renamed to “code”.']],
    [
      'a threshold with a new functionary',
      (l) => edit.setThreshold(edit.authorizeKey(edit.addKey(l, dan.keyid, dan.json), 1, dan.keyid), 1, 2n),
      ['key-added', 'threshold', 'authorized'],
      [
        `Key dan (${dan.keyid.slice(0, 8)}…) (ed25519) was added to the layout.`,
        '“package” now needs 2 of 2 signatures, was 1 of 1.',
        `dan (${dan.keyid.slice(0, 8)}…) may now sign “package”.`,
      ],
    ],
    [
      'a functionary no longer authorized',
      (l) => edit.revokeKey(l, 1, carl),
      ['threshold', 'deauthorized'],
      ['Nobody may sign “package” any more (it needed 1 of 1).', `carl (${carl.slice(0, 8)}…) may no longer sign “package”.`],
    ],
    [
      'a rotated key',
      (l) => ({
        ...l,
        keys: new Map([...l.keys].map(([id, k]) => (id === carl ? [erin.keyid, layoutKeyFromJson(erin.json)] : [id, k]))),
        steps: l.steps.map((s) => ({ ...s, pubkeys: s.pubkeys.map((id) => (id === carl ? erin.keyid : id)) })),
      }),
      ['key-rotated'],
      [`carl's key was rotated: ${carl.slice(0, 8)}… is replaced by ${erin.keyid.slice(0, 8)}… (for “package”).`],
    ],
    [
      'a removed key',
      (l) => edit.removeKey(l, carl),
      ['key-removed', 'threshold', 'deauthorized'],
      [
        `Key carl (${carl.slice(0, 8)}…) was removed from the layout.`,
        'Nobody may sign “package” any more (it needed 1 of 1).',
        `carl (${carl.slice(0, 8)}…) may no longer sign “package”.`,
      ],
    ],
    [
      'a key object changed under the same keyid',
      (l) => ({ ...l, keys: new Map([...l.keys].map(([id, k]) => [id, id === bob ? layoutKeyFromJson(new Map([...k.json, ['scheme', 'rsa-pkcs1v15-sha256']])) : k])) }),
      ['key-changed'],
      [`The key object of bob (${bob.slice(0, 8)}…) changed (scheme), under the same keyid.`],
    ],
    ['a rule added', (l) => edit.addRule(l, ref(l, 'package'), 'materials', ['DISALLOW', '*']), ['rule-added'], ['New materials rule 2 of “package”: DISALLOW *.']],
    ['a rule removed', (l) => edit.removeRule(l, ref(l, 'package'), 'products', 1), ['rule-removed'], ['Products rule 2 of “package” was removed: ALLOW foo.py.']],
    [
      'a rule changed in place',
      (l) => edit.replaceRule(l, ref(l, 'package'), 'products', 1, ['ALLOW', '*']),
      ['rule-changed'],
      ['Products rule 2 of “package” changed from ALLOW foo.py to ALLOW *.'],
    ],
    [
      'rules reordered',
      (l) => edit.moveRule(l, ref(l, 'package'), 'products', 1, 0),
      ['rule-moved'],
      ['Products rule ALLOW foo.py of “package” moved from position 2 to 1 (rule order decides which rule consumes an artifact).'],
    ],
    [
      'a rule written in other letters',
      (l) => edit.replaceRule(l, ref(l, 'package'), 'products', 0, ['create', 'foo.tar.gz']),
      ['rule-rewritten'],
      ['Products rule 1 of “package” is written differently, with the same meaning: CREATE foo.tar.gz → create foo.tar.gz.'],
    ],
    [
      'an expected command',
      (l) => edit.setExpectedCommand(l, 1, ['tar', 'czf', 'foo.tar.gz', 'foo.py']),
      ['command'],
      ['“package” is now expected to run “tar czf foo.tar.gz foo.py”, was “tar zcvf foo.tar.gz foo.py”.'],
    ],
    ['an inspection command', (l) => edit.setRun(l, 0, ['tar', 'xzf', 'foo.tar.gz']), ['command'], ['Inspection “untar” now runs “tar xzf foo.tar.gz”, was “tar xfz foo.tar.gz”.']],
    [
      'steps reordered',
      (l) => ({ ...l, steps: [...l.steps].reverse() }),
      ['items-reordered'],
      ['The steps are now in the order “package”, “write-code” (were “write-code”, “package”).'],
    ],
    [
      'a threshold written as true',
      (l) => ({ ...l, steps: l.steps.map((s, i) => (i === 0 ? { ...s, threshold: true } : s)) }),
      ['threshold'],
      ["“write-code”'s threshold is written differently (1 → true), with the same meaning."],
    ],
  ]

  it.each(cases)('describes %s', (_, change, kinds, sentences) => {
    const { diff, kinds: found, sentences: said } = changesOf(change(base))
    expect(diff.equal).toBe(false)
    expect(found).toEqual(kinds)
    expect(said).toEqual(sentences)
  })

  it('says "now needs 2 of 3 signatures, was 1 of 2"', () => {
    const before = edit.authorizeKey(edit.addKey(base, dan.keyid, dan.json), 1, dan.keyid)
    const after = edit.setThreshold(edit.authorizeKey(edit.addKey(before, erin.keyid, erin.json), 1, erin.keyid), 1, 2n)
    expect(changesOf(after, before).sentences).toContain('“package” now needs 2 of 3 signatures, was 1 of 2.')
  })

  it('finds a renamed and edited step by its content, and marks items for the graph', () => {
    let after = edit.renameItem(base, ref(base, 'package'), 'pack')
    after = edit.addRule(after, ref(after, 'pack'), 'materials', ['DISALLOW', '*'])
    after = edit.addStep(after, 'publish')
    const { diff, kinds } = changesOf(after)
    expect(kinds).toEqual(['item-added', 'item-renamed', 'rule-added'])
    expect([...diff.renames]).toEqual([['package', 'pack']])
    expect(diff.items.map((item) => [item.kind, item.status, item.oldName, item.newName])).toEqual([
      ['step', 'added', undefined, 'publish'],
      ['step', 'unchanged', 'write-code', 'write-code'],
      ['step', 'changed', 'package', 'pack'],
      ['inspection', 'unchanged', 'untar', 'untar'],
    ])
    // The inspection's MATCH … FROM package became FROM pack with the rename: nothing else to say about it.
    expect(diff.items[3]?.materials.map((a) => a.status)).toEqual(['same'])
  })

  it('does not mistake unrelated steps for renames', () => {
    let after = edit.deleteItem(base, ref(base, 'package'))
    after = edit.addStep(after, 'deploy', { expectedCommand: ['kubectl', 'apply'], expectedProducts: [['CREATE', 'manifest.yaml']] })
    expect(changesOf(after).kinds).toEqual(['item-removed', 'item-added'])
  })
})
