/**
 * `--format json` always prints JSON on stdout, whatever fails: verify (a report with the
 * failure), check (a finding), and every other command taking `--format` (an `error` object),
 * for usage errors, unreadable files and options commander refuses. One mechanism: program.ts.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli } from '../support/cli.ts'
import { chain, expectNoCrash, type Chain } from './helpers.ts'

let world: Chain
beforeAll(async () => {
  world = await chain('hostile-json')
  writeFileSync(join(world.dir, 'not-json.layout'), '{ not json')
})
afterAll(() => world.dispose())

const missing = () => join(world.dir, 'missing.layout')
const cases: Array<{ what: string; args: () => string[]; code: number; shape: 'report' | 'findings' | 'error'; message: RegExp }> = [
  {
    what: 'verify, an unknown option',
    args: () => ['verify', '--layout', missing(), '--bogus', '--format', 'json'],
    code: 2,
    shape: 'report',
    message: /unknown option '--bogus'/,
  },
  { what: 'verify, no owner keys', args: () => ['verify', '--layout', missing(), '--format', 'json'], code: 2, shape: 'report', message: /pass the layout owner keys/ },
  {
    what: 'verify, a missing layout',
    args: () => ['verify', '--layout', missing(), '--verification-keys', world.ownerPub, '--format=json'],
    code: 2,
    shape: 'report',
    message: /cannot read the layout .*: no such file/,
  },
  {
    what: 'verify, a layout that is not JSON',
    args: () => ['verify', '--layout', join(world.dir, 'not-json.layout'), '--verification-keys', world.ownerPub, '--format', 'json'],
    code: 1,
    shape: 'report',
    message: /The layout could not be read/,
  },
  { what: 'check, a missing file', args: () => ['check', missing(), '--format', 'json'], code: 2, shape: 'findings', message: /no such file/ },
  { what: 'diff, a missing file', args: () => ['diff', missing(), missing(), '--format', 'json'], code: 2, shape: 'error', message: /no such file/ },
]

describe.each(cases)('$what', ({ args, code, shape, message }) => {
  it(`prints JSON on stdout (${shape}) and exits ${code}`, async () => {
    const result = await cli(...args())
    expectNoCrash(result)
    expect(result.code).toBe(code)
    const json = JSON.parse(result.stdout) as Record<string, unknown>
    if (shape === 'report') {
      expect(json).toMatchObject({ version: 1, verdict: 'fail' })
      expect((json.failure as { message: string }).message).toMatch(message)
    } else if (shape === 'findings') {
      expect((json.findings as Array<{ message: string }>)[0]?.message).toMatch(message)
    } else {
      expect((json.error as { stage: string; message: string }).message).toMatch(message)
    }
  })
})
