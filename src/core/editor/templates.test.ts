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

describe('rebuilder templates', () => {
  const APT = 'test/fixtures/apt-transport-in-toto'
  /** A signed layout's steps and inspections, as the reference signs them. */
  const itemsOf = (layout: ReturnType<typeof parseLayout>) => {
    const signed = layoutToSigned(layout)
    const strip = (item: JsonObject) => {
      const copy = new Map(item)
      copy.delete('pubkeys')
      copy.delete('threshold')
      return encodeCanonical(copy)
    }
    return { steps: (signed.get('steps') as JsonObject[]).map(strip), inspect: (signed.get('inspect') as JsonObject[]).map(strip) }
  }

  it("'Debian rebuilders, apt-transport-in-toto' has that package's rebuild step and .deb inspection exactly", () => {
    const shipped = parseLayout((parseJson(readFileSync(`${APT}/root.layout`, 'utf8')) as JsonObject).get('signed') as JsonObject)
    const template = TEMPLATES.find((t) => t.id === 'debian-rebuilders')?.create(NOW)
    if (!template) throw new Error('no template')
    expect(template.layout.keys.size).toBe(0)
    expect(itemsOf(template.layout)).toEqual(itemsOf(shipped))
    expect(template.layout.steps[0]?.threshold).toBe(2n)
    expect(template.layout.readme).toMatch(/GPG key/)
  })

  it("'rebuilderd' counts k of n over Ed25519 keys and says in-toto-verify refuses rebuilderd's links", () => {
    const template = TEMPLATES.find((t) => t.id === 'rebuilderd')?.create(NOW)
    expect(template?.layout.steps.map((step) => [step.name, step.threshold])).toEqual([['rebuild', 2n]])
    expect(template?.layout.inspect[0]?.expectedMaterials).toEqual([
      ['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'rebuild'],
      ['DISALLOW', '*'],
    ])
    expect(template?.layout.readme).toMatch(/"environment": null, which in-toto-verify refuses/)
  })
})
