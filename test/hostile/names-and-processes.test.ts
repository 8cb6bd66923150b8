/**
 * Two classes, one table each:
 *
 * - names that would write outside the working directory (a step or inspection named
 *   `../escaped`, an absolute path): refused by `run`, `record`, `sign` and the inspection
 *   runner before anything is written or run (core `unsafeFileNameReason`);
 * - I/O and process errors: names the file system refuses (too long, in a missing directory,
 *   with a NUL byte), commands the system cannot start (a 2 MB argument, a NUL byte), a
 *   substitution-parameters file that is not JSON or not UTF-8. Each is a clean failure naming
 *   the item, at the right stage, with `--format json` a JSON report; never a stack trace.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, type CliResult } from '../support/cli.ts'
import { exportPrivateKeyPkcs8Pem } from '../../src/core/keys/export.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { chain, expectNoCrash, inspection, jsonReport, layoutWith, type Chain } from './helpers.ts'

const root = process.cwd()
let world: Chain
let alice: PrivateKey
let aliceKey: string
/** Each case works in its own directory under the chain's, so escapes land in `world.dir`. */
let work: string

beforeAll(async () => {
  world = await chain('hostile-names')
  alice = await generateKeyPair('ed25519')
  aliceKey = join(world.dir, 'alice')
  writeFileSync(aliceKey, await exportPrivateKeyPkcs8Pem(alice))
})
afterAll(() => world.dispose())

let counter = 0
function freshWork(): string {
  work = join(world.dir, `work-${++counter}`)
  mkdirSync(work)
  writeFileSync(join(work, 'input.txt'), 'input')
  return work
}

async function inWork(...args: string[]): Promise<CliResult> {
  const previous = process.cwd()
  process.chdir(work)
  try {
    return await cli(...args)
  } finally {
    process.chdir(previous)
  }
}

/** Files anywhere in the chain's directory whose names contain `escaped` (outside any work dir). */
function escapedFiles(): string[] {
  return readdirSync(world.dir).filter((name) => name.includes('escaped'))
}

const escapingNames = ['../escaped', '/tmp/escaped-abs', 'sub/../../escaped']

describe.each(escapingNames)('a name that leads outside the working directory: %s', (name) => {
  it('run refuses it before running anything (exit 2)', async () => {
    freshWork()
    const result = await inWork('run', '-n', name, '-k', aliceKey, '-p', 'input.txt', '--', 'touch', 'ran')
    expectNoCrash(result)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`the step name '${name}' cannot name a link file`)
    expect(existsSync(join(work, 'ran'))).toBe(false)
    expect(escapedFiles()).toEqual([])
    expect(existsSync(`${name}.${alice.publicKey.keyid.slice(0, 8)}.link`)).toBe(false)
  })

  it.each(['start', 'stop'])('record %s refuses it (exit 2)', async (phase) => {
    freshWork()
    const result = await inWork('record', phase, '-n', name, '-k', aliceKey, phase === 'start' ? '-m' : '-p', 'input.txt')
    expectNoCrash(result)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(`the step name '${name}' cannot name a link file`)
    expect(escapedFiles()).toEqual([])
  })

  it('sign refuses to name the output after such a link name (exit 2); -o is the way', async () => {
    freshWork()
    const link = { _type: 'link', name, command: [], materials: {}, products: {}, byproducts: {}, environment: {} }
    writeFileSync(join(work, 'bare.link'), JSON.stringify(link))
    const refused = await inWork('sign', '-f', 'bare.link', '-k', aliceKey)
    expectNoCrash(refused)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/the link's name cannot name the output file '.*': .*; give -o/)
    expect(escapedFiles()).toEqual([])
    const chosen = await inWork('sign', '-f', 'bare.link', '-k', aliceKey, '-o', 'chosen.link')
    expect(chosen.code, chosen.stderr).toBe(0)
  })

  it('the inspection runner refuses an inspection of that name before running it: stage inspection, ValueError', async () => {
    freshWork()
    const layout = await world.writeLayout(layoutWith({ inspect: [inspection(name, ['touch', 'ran'])] }), `inspect-${counter}.layout`)
    for (const format of ['text', 'json']) {
      const previous = process.cwd()
      process.chdir(work)
      try {
        const result = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--link-dir', work, '--format', format)
        expectNoCrash(result)
        expect(result.code).toBe(1)
        if (format === 'json') {
          const report = jsonReport(result)
          expect(report.failure?.stage).toBe('inspection')
          expect(report.failure?.errorType).toBe('ValueError')
          expect(report.failure?.message).toMatch(/cannot be written in the working directory: .*; rename the inspection/)
        }
      } finally {
        process.chdir(previous)
      }
    }
    expect(existsSync(join(work, 'ran'))).toBe(false)
    expect(escapedFiles()).toEqual([])
  })
})

const twoMegabytes = 'x'.repeat(2 * 1024 * 1024)

/** Inspections the system cannot carry out: each fails at stage inspection, naming why. */
const inspectionCases: Array<{ what: string; name: string; run: string[]; errorType: string; message: RegExp; runs: boolean }> = [
  {
    what: 'a name too long for the file system',
    name: 'n'.repeat(300),
    run: ['touch', 'ran'],
    errorType: 'OSError',
    message: /the name is too long for the file system \(ENAMETOOLONG\)/,
    runs: true,
  },
  {
    what: 'a name in a directory that does not exist',
    name: 'no-such-dir/inspect',
    run: ['touch', 'ran'],
    errorType: 'OSError',
    message: /no such file or directory \(ENOENT\)/,
    runs: true,
  },
  { what: 'a name with a NUL byte', name: 'nul\0name', run: ['touch', 'ran'], errorType: 'ValueError', message: /the name contains a NUL byte/, runs: false },
  {
    what: 'a 2 MB argument',
    name: 'big-arg',
    run: ['touch', 'ran', twoMegabytes],
    errorType: 'OSError',
    message: /take 2\.0 MiB, more than the operating system allows for a command line \(E2BIG\)/,
    runs: false,
  },
  {
    what: 'an argument with a NUL byte',
    name: 'nul-arg',
    run: ['touch', 'ran', 'a\0b'],
    errorType: 'ValueError',
    message: /argument 2 of the command contains a NUL byte/,
    runs: false,
  },
  {
    what: 'a program name with a NUL byte',
    name: 'nul-program',
    run: ['tou\0ch', 'ran'],
    errorType: 'ValueError',
    message: /the program name of the command contains a NUL byte/,
    runs: false,
  },
  {
    what: 'a program that does not exist',
    name: 'no-program',
    run: ['no-such-program-here'],
    errorType: 'FileNotFoundError',
    message: /cannot run 'no-such-program-here': no such program/,
    runs: false,
  },
]

describe.each(inspectionCases)('an inspection with $what', ({ name, run, errorType, message, runs }) => {
  it('fails at stage inspection with a message naming it, in text and JSON', async () => {
    freshWork()
    const layout = await world.writeLayout(layoutWith({ inspect: [inspection(name, run)] }), `case-${counter}.layout`)
    const previous = process.cwd()
    process.chdir(work)
    try {
      const text = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--link-dir', work)
      expectNoCrash(text)
      expect(text.code).toBe(1)
      expect(text.stderr).toMatch(/^FAIL \[inspection\]/)
      expect(text.stderr).toMatch(message)
      // A 2 MB argument is not printed whole.
      expect(text.stderr.length).toBeLessThan(10_000)
      const json = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--link-dir', work, '--format', 'json')
      expect(json.code).toBe(1)
      const report = jsonReport(json)
      expect(report.failure?.stage).toBe('inspection')
      expect(report.failure?.errorType).toBe(errorType)
      expect(report.failure?.inspection).toBe(name)
      expect(report.failure?.message).toMatch(message)
    } finally {
      process.chdir(previous)
    }
    expect(existsSync(join(work, 'ran'))).toBe(runs)
  })
})

/** `run` with what the system refuses: exit 1 (2 for a name it cannot use), a sentence, no link. */
const runCases: Array<{ what: string; args: () => string[]; code: number; message: RegExp }> = [
  {
    what: 'a 2 MB argument',
    args: () => ['run', '-n', 'step', '-k', aliceKey, '--', 'touch', twoMegabytes],
    code: 1,
    message: /more than the operating system allows for a command line \(E2BIG\); no link was written/,
  },
  {
    what: 'an argument with a NUL byte',
    args: () => ['run', '-n', 'step', '-k', aliceKey, '--', 'touch', 'a\0b'],
    code: 1,
    message: /argument 1 of the command contains a NUL byte/,
  },
  { what: 'a step name with a NUL byte', args: () => ['run', '-n', 'st\0ep', '-k', aliceKey, '-x'], code: 2, message: /the name contains a NUL byte/ },
  {
    what: 'a step name too long for the file system',
    args: () => ['run', '-n', 's'.repeat(300), '-k', aliceKey, '-x'],
    code: 1,
    message: /the name is too long for the file system \(ENAMETOOLONG\)/,
  },
  {
    what: 'a metadata directory that does not exist',
    args: () => ['run', '-n', 'step', '-k', aliceKey, '-x', '-d', 'no-such-dir'],
    code: 1,
    message: /cannot write the link 'no-such-dir\/step\.[0-9a-f]{8}\.link': no such file or directory \(ENOENT\)/,
  },
  {
    what: 'a program that does not exist',
    args: () => ['run', '-n', 'step', '-k', aliceKey, '--', 'no-such-program-here'],
    code: 1,
    message: /cannot run 'no-such-program-here': no such program/,
  },
]

describe.each(runCases)('run with $what', ({ args, code, message }) => {
  it('fails cleanly, naming it, and writes no link', async () => {
    freshWork()
    const result = await inWork(...args())
    expectNoCrash(result)
    expect(result.code).toBe(code)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.length).toBeLessThan(10_000)
    expect(readdirSync(work).filter((file) => file.endsWith('.link'))).toEqual([])
  })
})

/** Substitution parameter files are read with the strict parser: each refusal names the file (and line or member). */
const parameterFiles: Array<{ what: string; content: Uint8Array | string; errorType: string; message: RegExp; path?: string }> = [
  { what: 'not JSON', content: '{"name": "x",', errorType: 'JSONDecodeError', message: /params\.json: line 1, column \d+: / },
  {
    what: 'not UTF-8',
    content: Buffer.concat([Buffer.from('{"name": "'), Buffer.of(0xff, 0xfe), Buffer.from('"}')]),
    errorType: 'UnicodeDecodeError',
    message: /params\.json: the file is not valid UTF-8 text/,
  },
  { what: 'a duplicate key', content: '{"name": "a", "name": "b"}', errorType: 'JSONDecodeError', message: /duplicate key "name"/ },
  { what: 'a list, not an object', content: '["name", "x"]', errorType: 'FormatError', message: /must hold a JSON object of parameter names to string values, found array/ },
  { what: 'a value that is not a string', content: '{"name": 7}', errorType: 'FormatError', message: /parameter 'name' must be a string, found integer/, path: 'name' },
]

describe.each(parameterFiles)('a substitution parameters file with $what', ({ content, errorType, message, path }) => {
  it('fails at stage parameters, naming the file, exit 1, in text and JSON', async () => {
    freshWork()
    const layout = await world.writeLayout(layoutWith({}), `params-${counter}.layout`)
    const parameters = join(work, 'params.json')
    writeFileSync(parameters, content)
    const previous = process.cwd()
    process.chdir(work)
    try {
      const text = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--substitution-parameters', parameters)
      expectNoCrash(text)
      expect(text.code).toBe(1)
      expect(text.stderr).toMatch(message)
      const json = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--substitution-parameters', parameters, '--format', 'json')
      expect(json.code).toBe(1)
      const report = jsonReport(json)
      expect(report.failure?.stage).toBe('parameters')
      expect(report.failure?.errorType).toBe(errorType)
      expect(report.failure?.file).toBe(parameters)
      expect(report.failure?.message).toMatch(message)
      if (path !== undefined) expect(report.failure?.path).toBe(path)
    } finally {
      process.chdir(previous)
    }
  })
})

describe('files named on the command line that cannot be opened', () => {
  it.each([
    ['a layout path with a NUL byte', (dir: string) => join(dir, 'lay\0out'), /the name contains a NUL byte/],
    ['a layout path too long for the file system', (dir: string) => join(dir, 'l'.repeat(300)), /the name is too long for the file system \(ENAMETOOLONG\)/],
    ['a layout in a directory that does not exist', (dir: string) => join(dir, 'missing', 'root.layout'), /no such file/],
  ])('%s: exit 2, stage usage, named', async (_, layoutPath, message) => {
    freshWork()
    const layout = layoutPath(work)
    const result = await world.verify(layout, '--format', 'json')
    expectNoCrash(result)
    expect(result.code).toBe(2)
    const report = jsonReport(result)
    expect(report.failure?.stage).toBe('usage')
    expect(report.failure?.message).toContain(`the layout '${layout}'`)
    expect(report.failure?.message).toMatch(message)
    expect(dirname(layout)).toBeTruthy()
  })
})

describe('unbounded work', () => {
  it('a substitution expanding to 169 MB: refused at stage parameters, exit 1, in text and JSON', async () => {
    freshWork()
    const rule = ['ALLOW', '{x:>169000000}']
    const layout = await world.writeLayout(layoutWith({ inspect: [inspection('i', ['true'], { materials: [rule] })] }), `expand-${counter}.layout`)
    for (const format of ['text', 'json']) {
      const result = await world.verify(layout, '--substitution-parameters', 'x=y', '--format', format)
      expectNoCrash(result)
      expect(result.code).toBe(1)
      if (format === 'json') {
        const report = jsonReport(result)
        expect(report.failure?.stage).toBe('parameters')
        expect(report.failure?.path).toBe('inspect[0].expected_materials[0][1]')
        expect(report.failure?.message).toMatch(/the width 169000000 is more than the 1,048,576 characters one substitution may produce here/)
      } else expect(result.stderr).toMatch(/^FAIL \[parameters\]/)
    }
  })

  it('run --record-streams of a command printing 600 MB: shown, not kept past 64 MiB, exit 1 without a link', async () => {
    freshWork()
    // A child process: its 600 MB of output go to /dev/null, not into this test's captured stdout.
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        join(root, 'src', 'cli', 'main.ts'),
        'run',
        '-n',
        'loud',
        '-k',
        aliceKey,
        '-s',
        '--',
        'head',
        '-c',
        String(600 * 1024 * 1024),
        '/dev/zero',
      ],
      { cwd: work, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 280_000 },
    )
    expect(result.status, result.stderr).toBe(1)
    expect(result.stderr).toMatch(/the command printed 600\.0 MiB on stdout and stderr, more than the 64\.0 MiB --record-streams may record in a link; no link was written/)
    expect(result.stderr).not.toMatch(/Cannot create a string|unexpected error|\n\s+at /)
    expect(readdirSync(work).filter((file) => file.endsWith('.link'))).toEqual([])
  }, 300_000)
})
