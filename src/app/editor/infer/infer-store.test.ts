import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyDropped, createInferStore } from './infer-store.ts'

const DEMO = join(import.meta.dirname, '../../../../test/fixtures/upstream/demo_files')
const file = (name: string) => ({ name, bytes: new Uint8Array(readFileSync(join(DEMO, name))) })

describe('the inference store', () => {
  it('sorts dropped files into links, public keys and skipped files with the reason', () => {
    const { links, keys, skipped } = classifyDropped([
      file('write-code.776a00e2.link'),
      file('bob.pub'),
      file('demo.layout.template'),
      { name: 'notes.txt', bytes: new TextEncoder().encode('hello') },
    ])
    expect(links.map((l) => l.file)).toEqual(['write-code.776a00e2.link'])
    expect(keys.map((k) => [k.name, k.publicKey.keyid.slice(0, 8)])).toEqual([['bob', '776a00e2']])
    expect(skipped.map((s) => s.file)).toEqual(['demo.layout.template', 'notes.txt'])
    expect(skipped[0]?.reason).toContain('a layout, not a link')
    expect(skipped[1]?.reason).toContain('notes.txt')
  })

  it('infers from the links with the dropped and the known keys, and fails clearly without links', async () => {
    const store = createInferStore(() => new Date('2026-05-01T00:00:00Z'))
    const started = store.getState().start([file('write-code.776a00e2.link'), file('package.2f89b927.link'), file('bob.pub')], [])
    expect(store.getState()).toMatchObject({ open: true, phase: 'working', links: ['write-code.776a00e2.link', 'package.2f89b927.link'], keyFiles: ['bob'] })
    await started
    const { phase, inference } = store.getState()
    expect(phase).toBe('ready')
    expect(inference?.layout.expires).toBe('2027-05-01T00:00:00Z')
    expect(inference?.layout.steps.map((s) => s.name)).toEqual(['write-code', 'package'])
    expect([...(inference?.keyNames.values() ?? [])]).toEqual(['bob'])
    expect(inference?.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('no public key was given for 2f89b927…, who signed “package”'))

    await store.getState().start([file('bob.pub')], [])
    expect(store.getState()).toMatchObject({ phase: 'failed', error: expect.stringContaining('None of the files is a link') })
    store.getState().close()
    expect(store.getState()).toMatchObject({ open: false, phase: 'idle', inference: undefined })
  })
})
