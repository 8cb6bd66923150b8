/**
 * Input-sized arrays and strings against every parser, pattern compiler and message builder
 * of the core and the CLI: 1,000,000 elements each (a million array items, object members,
 * pattern characters, rule tokens, unknown members, digits). None may overflow the call
 * stack (no spread arguments, lint/no-spread-arguments.grit, and no recursion over input
 * size); each either works or refuses with a message. Times are printed, not asserted.
 */
import { describe, expect, it, vi } from 'vitest'
import { checkLayoutBytes } from '../../src/cli/commands/check.ts'
import { renderReport } from '../../src/cli/report-text.ts'
import { EmulatedInspectionRunner } from '../../src/core/bundle/emulate.ts'
import { bytesToBase64, base64ToBytes } from '../../src/core/encoding/base64.ts'
import { readEnvelope } from '../../src/core/envelope/read.ts'
import { encodeCanonical } from '../../src/core/json/canonical.ts'
import { parseJson, parseJsonBytes } from '../../src/core/json/parse.ts'
import { createInspection, parseLayout } from '../../src/core/model/layout.ts'
import { compileGitIgnoreSpec } from '../../src/core/record/gitignore-spec.ts'
import { compileExcludes, MAX_EXCLUDE_PATTERN_LENGTH } from '../../src/core/record/gitwildmatch.ts'
import { compilePattern, fnmatch } from '../../src/core/rules/fnmatch.ts'
import { parseRule, parseRuleText } from '../../src/core/rules/parse.ts'
import { abbreviated, pythonRepr } from '../../src/core/verify/python-repr.ts'
import type { VerificationReport } from '../../src/core/verify/report.ts'
import { MAX_SUBSTITUTED_LENGTH, pythonFormat, substituteParameters } from '../../src/core/verify/substitute.ts'
import { pax, writeTar } from './archive-tricks.ts'
import { timed } from './helpers.ts'

const MILLION = 1_000_000
// Each test may take long on a loaded machine: a million of anything is slow, never a stack overflow.
vi.setConfig({ testTimeout: 300_000 })
const encoder = new TextEncoder()
const layoutHead = '{"_type": "layout", "expires": "2099-01-01T00:00:00Z", "readme": "", "keys": {}, "inspect": [], "steps": '

describe('1,000,000-element inputs', () => {
  it('the JSON parser: an array of a million numbers and an object of a million members', async () => {
    const array = `[${'1,'.repeat(MILLION - 1)}1]`
    const { value } = await timed('parse 1M-element array', () => parseJson(array))
    expect((value as unknown[]).length).toBe(MILLION)
    const members = Array.from({ length: MILLION }, (_, i) => `"k${i}": ${i}`).join(', ')
    const { value: object } = await timed('parse 1M-member object', () => parseJsonBytes(encoder.encode(`{${members}}`)))
    expect((object as Map<string, unknown>).size).toBe(MILLION)
  })

  it('canonical JSON of a million-element array', async () => {
    const value = parseJson(`[${'"a",'.repeat(MILLION - 1)}"a"]`)
    const { value: text } = await timed('canonicalize 1M-element array', () => encodeCanonical(value))
    expect(text.length).toBe(4 * MILLION + 1)
  })

  it('the pattern compiler: a million literal characters, stars, a class of a million characters', async () => {
    const literal = 'a'.repeat(MILLION)
    await timed('compile 1M-char literal', () => expect(compilePattern(literal).test(literal)).toBe(true))
    await timed('compile 1M stars', () => expect(fnmatch('abc', '*'.repeat(MILLION))).toBe(true))
    await timed('compile a 1M-char class', () => expect(fnmatch('b', `[${'a'.repeat(MILLION)}b]`)).toBe(true))
    await timed('compile 1M ?s', () => expect(fnmatch('a'.repeat(MILLION), '?'.repeat(MILLION))).toBe(true))
  })

  it('exclude patterns (in-toto 1.3 and 2.x dialects): a pattern of a million characters refused, a million patterns', async () => {
    const pattern = 'a'.repeat(MILLION)
    expect(() => compileExcludes([pattern])).toThrow(/is 1,000,000 characters long, more than the 4,096 a path pattern may have here/)
    expect(() => compileGitIgnoreSpec([pattern])).toThrow(/is 1,000,000 characters long/)
    const longest = 'a'.repeat(MAX_EXCLUDE_PATTERN_LENGTH)
    expect(compileExcludes([longest])(longest)).toBe(true)
    expect(compileGitIgnoreSpec([longest])(longest)).toBe(true)
    const many = Array.from({ length: MILLION }, (_, i) => `f${i}`)
    await timed('gitwildmatch 1M patterns', () => expect(compileExcludes(many)('f999999')).toBe(true))
  })

  it('the rule parser: a rule of a million tokens, a million-character rule text', async () => {
    const tokens = ['ALLOW', ...Array.from({ length: MILLION }, () => 'x')]
    await timed('parse a 1M-token rule', () => expect(() => parseRule(tokens, 'rule')).toThrow(/rule/i))
    await timed('parse 1M-char rule text', () => expect(parseRuleText(`ALLOW ${'a'.repeat(MILLION)}`)).toMatchObject({ type: 'ALLOW' }))
  })

  it('a layout whose step has a million unknown members: read, warned about, checked', async () => {
    const unknown = Array.from({ length: MILLION }, (_, i) => `"x${i}": 0`).join(', ')
    const step = `{"_type": "step", "name": "s", "pubkeys": [], "threshold": 1, "expected_command": [], "expected_materials": [], "expected_products": [], ${unknown}}`
    const bytes = encoder.encode(`{"signatures": [], "signed": ${layoutHead}[${step}]}}`)
    const { value: envelope } = await timed('read a layout with 1M unknown step members', () => readEnvelope(bytes, 'big.layout'))
    expect(envelope.ignoredFields.length).toBe(MILLION)
    const { value: findings } = await timed('check it', () => checkLayoutBytes(bytes, 'big.layout'))
    expect(findings.filter((finding) => finding.code === 'ignored-member').length).toBe(MILLION)
  }, 300_000)

  it('a layout with a million steps: parsed', async () => {
    const step = (i: number) => `{"_type": "step", "name": "s${i}", "pubkeys": [], "threshold": 1, "expected_command": [], "expected_materials": [], "expected_products": []}`
    const text = `${layoutHead}[${Array.from({ length: MILLION }, (_, i) => step(i)).join(',')}]}`
    const { value: layout } = await timed('parse a 1M-step layout', () => parseLayout(parseJson(text)))
    expect(layout.steps.length).toBe(MILLION)
  }, 300_000)

  it('substitution: a million fields in one pattern, a value of a million characters in a pattern', async () => {
    const parameters = new Map([
      ['x', 'y'],
      ['big', 'b'.repeat(MILLION / 5)],
    ])
    await timed('format 1M fields', () => expect(pythonFormat('{x}'.repeat(MILLION), parameters)).toBe('y'.repeat(MILLION)))
    const layout = parseLayout(parseJson(`${layoutHead}[]}`))
    const withRule = { ...layout, inspect: [createInspection('i', { expectedMaterials: [['ALLOW', '{big}*']] })] }
    const { value: substituted } = await timed('substitute a 200 KB value into a pattern', () => substituteParameters(withRule, parameters))
    const pattern = substituted.inspect[0]?.expectedMaterials[0]?.[1] as string
    expect(pattern.length).toBe(MILLION / 5 + 1)
    await timed('match with it', () => expect(fnmatch(`${'b'.repeat(MILLION / 5)}.txt`, pattern)).toBe(true))
    // A million nested specs: refused at the second level, as Python does.
    expect(() => pythonFormat(`${'{x:'.repeat(MILLION)}${'}'.repeat(MILLION)}`, parameters)).toThrow(/Max string recursion exceeded|single/)
  })

  it('a pax header whose length field is a million digits: refused as malformed, no stack overflow', async () => {
    const tar = writeTar([
      { ...pax({}), data: `${'9'.repeat(MILLION)} path=x\n` },
      { name: 'a.txt', data: 'a' },
    ])
    const runner = new EmulatedInspectionRunner(new Map([['big.tar', tar]]))
    const { value: result } = await timed('emulate tar x on it', () => runner.run(createInspection('unpack', { run: ['tar', 'xf', 'big.tar'] })))
    // GNU tar fails on a malformed extended header (exit 2): the inspection fails, it does not pass.
    expect(result.status).toBe('ran')
    if (result.status === 'ran') expect(result.link.byproducts.get('return-value')).toBe(2n)
  })

  it('base64 of a million bytes, and back', async () => {
    const bytes = Uint8Array.from({ length: MILLION }, (_, i) => i % 256)
    const { value: text } = await timed('base64 1 MB', () => bytesToBase64(bytes))
    expect(base64ToBytes(text)).toEqual(bytes)
  })

  it('messages about commands of a million arguments are abbreviated', async () => {
    const command = parseJson(`[${'"arg",'.repeat(MILLION - 1)}"arg"]`)
    const { value: repr } = await timed('repr of 1M arguments', () => pythonRepr(command))
    expect(repr.length).toBe(7 * MILLION)
    expect(abbreviated(repr).length).toBeLessThan(1100)
  })

  it('the text report of a step with a million rule traces', async () => {
    const rules = Array.from({ length: MILLION }, (_, index) => ({ index, source: ['ALLOW', '*'], text: 'ALLOW *', status: 'pass' as const, queueSize: 0, consumed: [] }))
    const report: VerificationReport = {
      version: 1,
      verdict: 'pass',
      warnings: [],
      layout: { signatures: [] },
      steps: [
        {
          name: 's',
          threshold: '1',
          pubkeys: [],
          links: [],
          validSigners: 1,
          status: 'pass',
          materials: { item: 's', kind: 'materials', queue: [], rules, status: 'pass' },
        },
      ],
      inspections: [],
      verifiedAt: new Date(0).toISOString(),
      timings: {},
    }
    const { value: text } = await timed('render 1M rule lines', () => renderReport(report, { verbose: true }))
    expect(text.split('\n').length).toBeGreaterThan(MILLION)
  })
})

describe('unbounded work is bounded', () => {
  it(`a substitution that would expand past ${MAX_SUBSTITUTED_LENGTH.toLocaleString('en-US')} characters is refused before it is built`, async () => {
    const parameters = new Map([['x', 'y']])
    const before = process.memoryUsage().rss
    // 169 MB, as in the issue: V8 died with "invalid size error" building it.
    expect(() => pythonFormat('{x:>169000000}', parameters, 'steps[0].expected_products[0][1]')).toThrow(/width 169000000 is more than the 1,048,576 characters/)
    expect(() => pythonFormat('{x}'.repeat(2 * MAX_SUBSTITUTED_LENGTH), parameters)).toThrow(/longer than 1,048,576 characters/)
    const layout = parseLayout(parseJson(`${layoutHead}[]}`))
    // Twenty rules of 1 MiB each: each under the per-string limit, together past the layout's.
    const rules = Array.from({ length: 20 }, () => ['ALLOW', `{x:>${MAX_SUBSTITUTED_LENGTH}}`])
    const withRules = { ...layout, inspect: [createInspection('i', { expectedMaterials: rules })] }
    expect(() => substituteParameters(withRules, parameters)).toThrow(/more than 16,777,216 characters together/)
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024)
  })
})
