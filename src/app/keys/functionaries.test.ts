import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importPublicKey } from '../../core/keys/import.ts'
import { layoutToSigned } from '../../core/model/layout.ts'
import { validateLayout } from '../../core/model/layout.ts'
import { demoChain } from '../../core/editor/templates.ts'
import { addFunctionary, rotateFunctionary, stepsSignableBy } from './functionaries.ts'

const demo = (name: string) => readFileSync(new URL(`../../../test/fixtures/upstream/demo_files/${name}`, import.meta.url), 'utf8')
const BOB = '776a00e29f3559e0141b3b096f696abc6cfb0c657ab40f441132b345b08453f5'
const CARL = '2f89b9272acfc8f4a0a0f094d789fdb0ba798b0fe41f2f5f417c12f0085ff498'
const alice = importPublicKey(demo('alice.pub'))
const danny = importPublicKey(demo('danny.pub'))

/** The editor's demo chain: bob (write-code) and carl (package), the upstream demo keys. */
const chain = demoChain(new Date())

describe('functionary edits', () => {
  it('adds a key under its keyid, as securesystemslib writes key objects, with a display name', () => {
    const layout = chain.layout
    const { layout: next, keyNames } = addFunctionary(layout, chain.keyNames, danny, 'danny')
    expect([...next.keys.keys()]).toEqual([BOB, CARL, danny.keyid])
    expect(keyNames.get(danny.keyid)).toBe('danny')
    const json = layoutToSigned(next).get('keys') as Map<string, Map<string, unknown>>
    expect([...json.get(danny.keyid)!.keys()]).toEqual(['keyid', 'keyid_hash_algorithms', 'keytype', 'keyval', 'scheme'])
    expect(validateLayout(next)).toEqual([])
    expect(layout.keys.has(danny.keyid)).toBe(false)
    // Adding it again only renames.
    const again = addFunctionary(next, keyNames, danny, 'Danny D.')
    expect(again.layout).toBe(next)
    expect(again.keyNames.get(danny.keyid)).toBe('Danny D.')
  })

  it('lists the steps a key may sign', () => {
    const layout = chain.layout
    expect(stepsSignableBy(layout, BOB)).toEqual(['write-code'])
    expect(stepsSignableBy(layout, CARL)).toEqual(['package'])
    expect(stepsSignableBy(layout, alice.keyid)).toEqual([])
  })

  it('rotates a key everywhere it is used, keeping positions and the display name', () => {
    const layout = chain.layout
    const { layout: next, keyNames } = rotateFunctionary(layout, chain.keyNames, BOB, alice)
    expect([...next.keys.keys()]).toEqual([alice.keyid, CARL])
    expect(next.steps.map((step) => step.pubkeys)).toEqual([[alice.keyid], [CARL]])
    expect(keyNames.get(alice.keyid)).toBe('bob')
    expect(keyNames.has(BOB)).toBe(false)
    expect(validateLayout(next)).toEqual([])
    expect(JSON.stringify([...next.keys.values()].map((key) => key.keyid))).not.toContain(BOB)
  })

  it('rotating onto a key already in the layout merges without duplicates', () => {
    const base = chain.layout
    const shared = { ...base, steps: base.steps.map((step) => ({ ...step, pubkeys: [BOB, CARL] })) }
    const { layout: next, keyNames } = rotateFunctionary(shared, chain.keyNames, BOB, importPublicKey(demo('carl.pub')))
    expect([...next.keys.keys()]).toEqual([CARL])
    expect(next.steps.map((step) => step.pubkeys)).toEqual([[CARL], [CARL]])
    expect(keyNames.get(CARL)).toBe('carl')
    expect(() => rotateFunctionary(shared, chain.keyNames, alice.keyid, danny)).toThrow(/not a functionary/)
  })
})
