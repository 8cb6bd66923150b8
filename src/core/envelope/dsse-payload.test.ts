import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { utf8 } from '../encoding/utf8.ts'
import { readEnvelope } from './read.ts'
import { createEnvelope, serializeEnvelope } from './sign.ts'

const dsse = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/fixtures/upstream/demo_dsse_files/${name}`, import.meta.url)))
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('DSSE payloads', () => {
  // The layout template has no `expires`, so only the links can be rebuilt byte for byte.
  it.each(['package.2f89b927.link', 'write-code.776a00e2.link'])('are written byte for byte as in-toto 2.x wrote %s', (name) => {
    const original = readEnvelope(dsse(name), name)
    const rebuilt = createEnvelope(original.content, 'dsse')
    if (original.format !== 'dsse' || rebuilt.format !== 'dsse') throw new Error('expected DSSE envelopes')
    expect(text(rebuilt.payload)).toBe(text(original.payload))
  })

  it('escape the newlines of PEM keys, so a layout payload reads back', () => {
    const layout = readEnvelope(dsse('demo.layout.template'), 'demo.layout.template')
    const rebuilt = createEnvelope(layout.content, 'dsse')
    if (rebuilt.format !== 'dsse') throw new Error('expected a DSSE envelope')
    expect(text(rebuilt.payload)).toContain('-----BEGIN PUBLIC KEY-----\\nMIIB')
    const reread = readEnvelope(utf8(serializeEnvelope(rebuilt)), 'root.layout')
    expect(reread.content).toEqual(layout.content.type === 'layout' ? { type: 'layout', layout: { ...layout.content.layout, expiresDefaulted: undefined } } : undefined)
  })
})
