/**
 * Members present with `null` where the format wants a list or an object are not "absent":
 * the reference reads `data.get("signatures", [])`, gets `None` and refuses the file at load.
 * `check` and `verify` refuse them too (stage `format`, the member's JSON path), never
 * treating them as "no signatures".
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../support/cli.ts'
import { chain, expectNoCrash, jsonReport, layoutWith, type Chain } from './helpers.ts'

let world: Chain
let signed: Record<string, unknown>

beforeAll(async () => {
  world = await chain('hostile-documents')
  signed = JSON.parse(readFileSync(await world.writeLayout(layoutWith({})), 'utf8')) as Record<string, unknown>
})
afterAll(() => world.dispose())

const cases: Array<{ what: string; document: () => unknown; path: string; message: RegExp }> = [
  { what: 'signatures: null', document: () => ({ ...signed, signatures: null }), path: 'signatures', message: /must be a list, found null/ },
  { what: 'signatures: a string', document: () => ({ ...signed, signatures: 'none' }), path: 'signatures', message: /must be a list, found string/ },
  { what: 'signed: null', document: () => ({ ...signed, signed: null }), path: 'signed', message: /"signed" must be an object, found null/ },
  {
    what: 'a DSSE envelope with signatures: null',
    document: () => ({
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from(JSON.stringify((signed as { signed: unknown }).signed)).toString('base64'),
      signatures: null,
    }),
    path: 'signatures',
    message: /must be a list/,
  },
]

describe.each(cases)('a layout with $what', ({ document, path, message }) => {
  it('check refuses it (exit 1) with the JSON path', async () => {
    const file = join(world.dir, 'case.layout')
    writeFileSync(file, JSON.stringify(document()))
    const result = await cli('check', file, '--format', 'json')
    expectNoCrash(result)
    expect(result.code).toBe(1)
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ severity: string; code: string; path: string; message: string }> }).findings
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', code: 'invalid', path }))
    expect(findings.find((finding) => finding.path === path)?.message).toMatch(message)
  })

  it('verify fails at stage format, naming the layout', async () => {
    const file = join(world.dir, 'case.layout')
    writeFileSync(file, JSON.stringify(document()))
    const result = await world.verify(file, '--format', 'json')
    expectNoCrash(result)
    expect(result.code).toBe(1)
    const report = jsonReport(result)
    expect(report.failure?.stage).toBe('format')
    expect(report.failure?.file).toBe(file)
    expect(report.failure?.message).toMatch(message)
  })
})
