import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { serializeEnvelope } from '../../core/envelope/sign.ts'
import { readEnvelope } from '../../core/envelope/read.ts'
import { reportSignatures, verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import { utf8 } from '../../core/encoding/utf8.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import { importPrivateKey } from '../../core/keys/import.ts'
import { createStep } from '../../core/model/layout.ts'
import { demoChain } from '../../core/editor/templates.ts'
import { envelopeSignsLayout, lintGate, signLayout } from './signing.ts'

const demo = (name: string) => readFileSync(new URL(`../../../test/fixtures/upstream/demo_files/${name}`, import.meta.url), 'utf8')

/** The editor's demo chain: bob (write-code) and carl (package), the upstream demo keys. */
const chain = demoChain(new Date())

describe('signing the layout', () => {
  it('gates on lint: errors refuse, warnings ask, a clean layout passes', () => {
    const layout = demoChain(new Date('2030-01-01T00:00:00Z')).layout
    const now = new Date('2030-01-02T00:00:00Z')
    expect(lintGate(layout, now).status).toBe('confirm') // the demo's rules do not end with DISALLOW *
    const broken = { ...layout, steps: [...layout.steps, createStep('orphan')] }
    const blocked = lintGate(broken, now)
    expect(blocked.status).toBe('blocked')
    expect(blocked.status === 'blocked' && blocked.errors.map((finding) => finding.code)).toContain('no-functionary')
    expect(lintGate({ ...layout, keys: new Map(), steps: [], inspect: [] }, now).status).toBe('clear')
  })

  it('signs a metablock, appends a second owner, and re-reads as the reference file format', async () => {
    const layout = chain.layout
    const alice = await importPrivateKey(demo('alice'))
    const owner = await generateKeyPair('ed25519')
    const first = await signLayout({ layout, signers: [alice], format: 'metablock' })
    expect(envelopeSignsLayout(first, layout)).toBe(true)
    const both = await signLayout({ layout, signers: [owner], format: 'dsse', appendTo: first })
    expect(both.format).toBe('metablock') // appending keeps the envelope's format
    expect(both.signatures.map((signature) => signature.keyid)).toEqual([alice.publicKey.keyid, owner.publicKey.keyid])
    const reread = readEnvelope(utf8(serializeEnvelope(both)), 'root.layout')
    expect(await verifyEnvelopeSignature(reread, alice.publicKey)).toBe('valid')
    expect(await verifyEnvelopeSignature(reread, owner.publicKey)).toBe('valid')
    expect((await reportSignatures(reread, [owner.publicKey])).map((report) => report.status)).toEqual(['unknown-key', 'valid'])
  })

  it('signs DSSE and refuses to append to signatures of another layout version', async () => {
    const layout = chain.layout
    const owner = await generateKeyPair('ed25519')
    const dsse = await signLayout({ layout, signers: [owner], format: 'dsse' })
    expect(dsse.format).toBe('dsse')
    expect(await verifyEnvelopeSignature(readEnvelope(utf8(serializeEnvelope(dsse))), owner.publicKey)).toBe('valid')
    const edited = { ...layout, readme: 'changed' }
    expect(envelopeSignsLayout(dsse, edited)).toBe(false)
    await expect(signLayout({ layout: edited, signers: [owner], format: 'dsse', appendTo: dsse })).rejects.toThrow(/different version/)
    await expect(signLayout({ layout, signers: [], format: 'metablock' })).rejects.toThrow(/at least one owner key/)
  })
})
