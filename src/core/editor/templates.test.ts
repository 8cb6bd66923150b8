import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseJson } from '../json/parse.ts'
import { lintLayout } from '../lint/lint.ts'
import { layoutToSigned, parseLayout, validateLayout } from '../model/layout.ts'
import { encodeCanonical } from '../json/canonical.ts'
import { canonicalLayoutText } from './json-text.ts'
import { TEMPLATES, demoChain } from './templates.ts'
import { functionaryKeyFromFile } from './functionary.ts'
import type { JsonObject } from '../json/value.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const DEMO = 'test/fixtures/upstream/demo_files'

describe('templates', () => {
  it('every template is a valid layout expiring a year from now', () => {
    for (const template of TEMPLATES) {
      const { layout } = template.create(NOW)
      expect(validateLayout(layout), template.id).toEqual([])
      expect(layout.expires).toBe('2026-01-01T00:00:00Z')
    }
  })

  it('the demo chain is the reference demo layout (with a runnable inspection)', () => {
    const template = parseJson(readFileSync(`${DEMO}/demo.layout.template`, 'utf8')) as JsonObject
    const signed = template.get('signed') as JsonObject
    signed.set('expires', '2026-01-01T00:00:00Z')
    const inspection = (signed.get('inspect') as JsonObject[])[0] as JsonObject
    inspection.set('run', ['tar', 'xfz', 'foo.tar.gz'])
    expect(canonicalLayoutText(demoChain(NOW).layout)).toBe(encodeCanonical(layoutToSigned(parseLayout(signed))))
  })

  it('the reproducible-builds template needs 2 of its rebuilders, which the linter asks for', () => {
    const { layout } = TEMPLATES.find((t) => t.id === 'reproducible')?.create(NOW) ?? demoChain(NOW)
    expect(layout.steps.find((s) => s.name === 'rebuild')?.threshold).toBe(2n)
    expect(lintLayout(layout, { now: NOW }).map((f) => f.code)).toContain('no-functionary')
  })
})

describe('functionaryKeyFromFile', () => {
  it('writes PEM keys as securesystemslib does (keyval.private "")', () => {
    const key = functionaryKeyFromFile(readFileSync(`${DEMO}/carl.pub`, 'utf8'), 'carl.pub')
    expect(key.keyid).toBe('2f89b9272acfc8f4a0a0f094d789fdb0ba798b0fe41f2f5f417c12f0085ff498')
    expect(key.suggestedName).toBe('carl')
    expect((key.json.get('keyval') as JsonObject).get('private')).toBe('')
  })

  it('keeps a JSON key file’s keyval (no private member) and refuses private keys', () => {
    const key = functionaryKeyFromFile(readFileSync(`${DEMO}/danny.pub`, 'utf8'), 'danny.pub')
    expect([...(key.json.get('keyval') as JsonObject).keys()]).toEqual(['public'])
    expect(key.json.get('keytype')).toBe('ed25519')
    expect(() => functionaryKeyFromFile(readFileSync(`${DEMO}/alice`, 'utf8'), 'alice')).toThrow(/alice.*private key/)
  })
})
