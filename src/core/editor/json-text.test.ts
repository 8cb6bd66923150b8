import { readFileSync } from 'node:fs'
import dagre from '@dagrejs/dagre'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../errors.ts'
import { autoLayout, rankingEdges } from './auto-layout.ts'
import { describeLayout } from './describe.ts'
import { DRAFT_VERSION, parseDraft, serializeDraft } from './draft.ts'
import { exportLayoutText, openLayoutFile } from './files.ts'
import { deriveGraph } from './graph.ts'
import { canonicalLayoutText, jsonPathOffsets, layoutJsonText, locate, normalizePath, parseLayoutText } from './json-text.ts'
import { addStep, setThreshold } from './commands.ts'
import { emptyLayout, layoutToSigned } from '../model/layout.ts'
import { pythonJsonDumps } from '../json/python-dump.ts'
import { demoChain } from './templates.ts'

const NOW = new Date('2025-01-01T00:00:00Z')

describe('JSON view text', () => {
  it('is Python json.dumps(indent=2, sort_keys=True) of the signed layout, built piece by piece', () => {
    const { layout } = demoChain(NOW)
    const odd = addStep(layout, 'odd $& $1 "inspect": []', { expectedMaterials: [['ALLOW', '$&']], expectedCommand: ['a\nb'] })
    for (const l of [layout, odd, emptyLayout('2030-01-01T00:00:00Z', 'x')]) expect(layoutJsonText(l)).toBe(pythonJsonDumps(layoutToSigned(l), { indent: 2 }))
  })

  it('round-trips the layout through the readable text', () => {
    const { layout } = demoChain(NOW)
    const result = parseLayoutText(layoutJsonText(layout))
    expect(result.ok && canonicalLayoutText(result.layout)).toBe(canonicalLayoutText(layout))
  })

  it('reports layout problems at the offsets of the value their path names', () => {
    const text = layoutJsonText(demoChain(NOW).layout).replace('"threshold": 1', '"threshold": "one"')
    const result = parseLayoutText(text)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems[0]?.path).toBe('steps[0].threshold')
    const { start, end } = result.problems[0]?.range ?? { start: 0, end: 0 }
    expect(text.slice(start, end)).toBe('"one"')
  })

  it('reports syntax errors at their line and column', () => {
    const text = '{\n  "_type": "layout",\n  "steps": [,]\n}'
    const result = parseLayoutText(text)
    expect(!result.ok && text.slice(result.problems[0]?.range.start, (result.problems[0]?.range.start ?? 0) + 1)).toBe(',')
  })

  it('locates paths written either way, falling back to the nearest ancestor', () => {
    const text = '{"keys": {"abc1": {"keytype": "rsa"}}, "steps": [{"name": "x"}]}'
    const offsets = jsonPathOffsets(text)
    expect(normalizePath('keys["abc1"].keytype')).toBe('keys.abc1.keytype')
    const at = locate(offsets, 'keys["abc1"].keytype')
    expect(text.slice(at.start, at.end)).toBe('"rsa"')
    const parent = locate(offsets, 'steps[0].expected_materials[3]')
    expect(text.slice(parent.start, parent.end)).toBe('{"name": "x"}')
  })
})

describe('drafts', () => {
  it('keep the layout, key names and positions, integers of any size included', () => {
    const { layout, keyNames } = demoChain(NOW)
    const big = setThreshold(layout, 0, 123456789012345678901234567890n)
    const draft = parseDraft(serializeDraft({ layout: big, keyNames, positions: new Map([['step:package', { x: 10, y: -5 }]]), savedAt: 'now', unsaved: true }))
    expect(canonicalLayoutText(draft.layout)).toBe(canonicalLayoutText(big))
    expect(draft.keyNames).toEqual(keyNames)
    expect(draft.positions.get('step:package')).toEqual({ x: 10, y: -5 })
    expect(draft.unsaved).toBe(true)
  })

  it('refuse drafts of a newer version and malformed ones, saying why', () => {
    expect(() => parseDraft(JSON.stringify({ version: DRAFT_VERSION + 1 }))).toThrow(/newer Layout Studio/)
    expect(() => parseDraft('{')).toThrow(CoreError)
    expect(() => parseDraft(JSON.stringify({ version: 1, layout: '{"_type": "layout"}' }))).toThrow(/saved draft: the layout cannot be read: [\s\S]*"steps"/)
  })
})

describe('files', () => {
  it('opens a layout envelope and exports what the reference writes', () => {
    const bytes = readFileSync('test/fixtures/upstream/demo_files/demo.layout.template')
    const opened = openLayoutFile(bytes, 'demo.layout.template')
    const exported = exportLayoutText(opened.layout)
    expect(exported.startsWith('{\n "signatures": [],\n "signed": {\n  "_type": "layout",')).toBe(true)
    expect(canonicalLayoutText(openLayoutFile(new TextEncoder().encode(exported), 'x').layout)).toBe(canonicalLayoutText(opened.layout))
  })

  it('refuses a link with a clear error naming the file', () => {
    const bytes = readFileSync('test/fixtures/upstream/demo_files/package.2f89b927.link')
    expect(() => openLayoutFile(bytes, 'package.2f89b927.link')).toThrow(/package\.2f89b927\.link: this is a link/)
  })
})

describe('auto layout and plain words', () => {
  it('lays the demo chain out left to right by artifact flow', () => {
    const { layout, keyNames } = demoChain(NOW)
    const graph = deriveGraph(layout, keyNames)
    const at = autoLayout(graph, dagre)
    const x = (id: string) => at.get(id)?.x ?? Number.NaN
    expect(x('step:write-code')).toBeLessThan(x('step:package'))
    expect(x('step:package')).toBeLessThan(x('inspection:untar'))
    for (const keyid of layout.keys.keys()) expect(x(`key:${keyid}`)).toBeLessThan(x('step:package'))
    // carl signs only `package`: his node sits in the column right before it (beside write-code),
    // so his edge is not routed underneath write-code.
    const carl = [...keyNames].find(([, name]) => name === 'carl')?.[0] as string
    expect(x(`key:${carl}`)).toBeGreaterThan(x('step:write-code') - 1)
    expect(x(`key:${carl}`)).toBeLessThan(x('step:package'))
  })

  it('ranks with neighbouring-column edges only, and survives MATCH cycles', () => {
    let layout = emptyLayout('2030-01-01T00:00:00Z')
    const from = (name: string) => ['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', name]
    layout = addStep(layout, 's0', { expectedMaterials: [from('s3')] })
    for (let i = 1; i <= 3; i++) layout = addStep(layout, `s${i}`, { expectedMaterials: i === 1 ? [from('s0')] : [from(`s${i - 1}`), from('s0')] })
    const kept = rankingEdges(deriveGraph(layout)).map((e) => `${e.source}>${e.target}`)
    // s0 → s2 and s0 → s3 skip columns, s3 → s0 closes the cycle: only the chain remains.
    expect(kept.sort()).toEqual(['step:s0>step:s1', 'step:s1>step:s2', 'step:s2>step:s3'])
    const at = autoLayout(deriveGraph(layout), dagre)
    expect(at.get('step:s1')?.x).toBeLessThan(at.get('step:s3')?.x ?? 0)
  })

  it('states who signs what and where files flow', () => {
    const { layout, keyNames } = demoChain(NOW)
    const text = JSON.stringify(describeLayout(layout, keyNames))
    expect(text).toContain('It must be signed by bob (776a00e2…).')
    expect(text).toContain('“foo.tar.gz” from “package” to “untar”')
    expect(text).toContain('The verifier runs “tar xfz foo.tar.gz”')
    expect(text).toContain('files matching “foo.py” must be exactly the products of “write-code”')
  })
})
