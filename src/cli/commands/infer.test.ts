/**
 * `layout-studio infer`: usage and output in-process, and the property that matters with the
 * reference (Debian's in-toto 1.3.1): a chain recorded with in-toto-run, inferred, signed with
 * `layout-studio sign`, passes in-toto-verify (and ours); an artifact swapped between two steps
 * and re-recorded fails both.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readEnvelope } from '../../core/envelope/read.ts'
import { formatRule } from '../../core/rules/parse.ts'
import { cli, reference, referenceAvailable, tempWorkdir } from '../../../test/support/cli.ts'

const available = await referenceAvailable()
const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures')

let work: ReturnType<typeof tempWorkdir>
beforeEach(() => {
  work = tempWorkdir('infer')
})
afterEach(() => work.dispose())

const ok = async (pending: Promise<{ code: number; stdout: string; stderr: string }>) => {
  const result = await pending
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

function readLayout(file: string) {
  const content = readEnvelope(readFileSync(file), file).content
  if (content.type !== 'layout') throw new Error(`${file} is not a layout`)
  return content.layout
}

const rules = (file: string) =>
  Object.fromEntries(
    [...readLayout(file).steps, ...readLayout(file).inspect].map((item) => [
      item.name,
      { materials: item.expectedMaterials.map(formatRule), products: item.expectedProducts.map(formatRule) },
    ]),
  )

describe('layout-studio infer', () => {
  it('writes the unsigned layout to -o, notes to stderr, and the evidence with -v', async () => {
    await ok(cli('keygen', '-t', 'ed25519', '--no-password', 'alice'))
    writeFileSync('foo.py', 'print(1)\n')
    await ok(cli('run', '-n', 'write', '-k', 'alice', '-p', 'foo.py', '--', 'true'))
    await ok(cli('run', '-n', 'package', '-k', 'alice', '-m', 'foo.py', '-p', 'foo.tar.gz', '--', 'tar', 'czf', 'foo.tar.gz', 'foo.py'))
    const links = readdirSync('.').filter((file) => file.endsWith('.link'))
    const result = await ok(cli('infer', ...links, '-o', 'layout.json', '--expires', '2031-02-03T04:05:06Z', '-v'))
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /warning: no public key was given for [0-9a-f]{8}…, who signed “package”, “write”|warning: no public key was given for [0-9a-f]{8}…, who signed “write”, “package”/,
    )
    expect(result.stderr).toContain("MATCH foo.py WITH PRODUCTS FROM write\n      because “foo.py” in “package”'s materials is exactly what “write” produced\n")
    const layout = readLayout('layout.json')
    expect(layout.expires).toBe('2031-02-03T04:05:06Z')
    expect(layout.steps.map((step) => step.name)).toEqual(['write', 'package'])
    expect(layout.keys.size).toBe(0)
    expect(rules('layout.json').untar?.products).toContain('MATCH foo.py WITH PRODUCTS FROM write')

    const withKey = await ok(cli('infer', ...links, '--key', 'alice.pub', '--no-inspection'))
    expect(withKey.stderr).toBe('')
    const printed = readEnvelope(new TextEncoder().encode(withKey.stdout)).content
    expect(printed.type === 'layout' && [...printed.layout.keys.keys()]).toHaveLength(1)
    expect(printed.type === 'layout' && printed.layout.inspect).toEqual([])
  })

  it('takes exported OpenPGP keys: GPG-signed links infer a layout that verifies', async () => {
    const vector = join(FIXTURES, 'vectors-gpg', 'gpg-rsa-two-steps-pass')
    const links = ['fetch.c23622ac.link', 'build.992bc30e.link'].map((name) => join(vector, 'links', name))
    const result = await ok(cli('infer', ...links, '--key', join(vector, 'keys', 'alice.asc'), join(vector, 'keys', 'bob.asc'), '-o', 'layout.json'))
    expect(result.stderr).toBe('')
    const layout = readLayout('layout.json')
    expect([...layout.keys.values()].map((key) => key.gpg)).toEqual([true, true])
    expect(layout.steps.map((step) => step.pubkeys[0]?.slice(0, 8))).toEqual(['c23622ac', '992bc30e'])
    await ok(cli('keygen', '-t', 'ed25519', '--no-password', 'owner'))
    await ok(cli('sign', '-f', 'layout.json', '-k', 'owner', '-o', 'root.layout'))
    await ok(cli('verify', '-l', 'root.layout', '-k', 'owner.pub', '--link-dir', join(vector, 'links')))
  })

  it('exits 2 on usage errors (a missing file too) and 1 on a file that is not a valid link', async () => {
    expect((await cli('infer')).code).toBe(2)
    expect((await cli('infer', 'x.link', '--expires', 'tomorrow')).code).toBe(2)
    const missing = await cli('infer', 'missing.link')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("cannot read the link 'missing.link': no such file")
    writeFileSync('bad.link', '{"signed": {"_type": "link", "materials": 5}}')
    const bad = await cli('infer', 'bad.link')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('bad.link')
  })
})

describe.runIf(available)('infer → sign → in-toto-verify, on a chain in-toto-run recorded', () => {
  const inTotoRun = (name: string, key: string, args: readonly string[]) => ok(reference('in-toto-run', ['-n', name, '-k', key, '-t', 'ed25519', ...args], work.dir))
  const BUILD = ['sh', '-c', 'mkdir -p dist && cat src/a.py src/b.py > dist/app.txt']
  const PACKAGE = ['tar', 'czf', 'app.tar.gz', 'src', 'dist']

  /** clone (alice) → update (bob) → build (alice and carl, reproducibly) → package (bob). */
  async function recordChain(): Promise<void> {
    for (const name of ['alice', 'bob', 'carl']) expect((await reference('in-toto-keygen', ['-t', 'ed25519', name], work.dir)).code).toBe(0)
    await ok(cli('keygen', '-t', 'ed25519', '--format', 'securesystemslib', '--no-password', 'owner'))
    await inTotoRun('clone', 'alice', ['-p', 'src', '--', 'sh', '-c', 'mkdir -p src && echo "print(1)" > src/a.py && echo "x = 2" > src/b.py && echo "# demo" > src/README'])
    await inTotoRun('update', 'bob', ['-m', 'src', '-p', 'src', '--', 'sh', '-c', 'echo "print(2)" >> src/a.py'])
    await inTotoRun('build', 'alice', ['-m', 'src', '-p', 'dist/app.txt', '--', ...BUILD])
    await inTotoRun('build', 'carl', ['-m', 'src', '-p', 'dist/app.txt', '--', ...BUILD])
    await inTotoRun('package', 'bob', ['-m', 'src', 'dist', '-p', 'app.tar.gz', '--', ...PACKAGE])
  }

  async function inferAndSign(): Promise<void> {
    const links = readdirSync('.').filter((file) => file.endsWith('.link'))
    expect(links).toHaveLength(5)
    await ok(cli('infer', ...links, '--key', 'alice.pub', 'bob.pub', 'carl.pub', '-o', 'layout.json'))
    await ok(cli('sign', '-f', 'layout.json', '-k', 'owner', '-o', 'root.layout'))
  }

  const verifyArgs = ['-l', 'root.layout', '-k', 'owner.pub', '-t', 'ed25519', '--link-dir', '.']

  it('passes the run it was inferred from, in both verifiers, with the rules the evidence allows', async () => {
    await recordChain()
    await inferAndSign()
    const layout = readLayout('root.layout')
    expect(layout.steps.map((step) => [step.name, step.threshold, step.pubkeys.length])).toEqual([
      ['clone', 1n, 1],
      ['update', 1n, 1],
      ['build', 2n, 2],
      ['package', 1n, 1],
    ])
    expect(rules('root.layout')).toEqual({
      clone: { materials: ['DISALLOW *'], products: ['CREATE src/*', 'DISALLOW *'] },
      update: { materials: ['MATCH * IN src WITH PRODUCTS IN src FROM clone', 'DISALLOW *'], products: ['MODIFY src/a.py', 'ALLOW src/README', 'ALLOW src/b.py', 'DISALLOW *'] },
      build: { materials: ['MATCH * IN src WITH PRODUCTS IN src FROM update', 'DISALLOW *'], products: ['CREATE dist/app.txt', 'DISALLOW *'] },
      package: {
        materials: ['MATCH * IN src WITH PRODUCTS IN src FROM update', 'MATCH dist/app.txt WITH PRODUCTS FROM build', 'DISALLOW *'],
        products: ['CREATE app.tar.gz', 'DISALLOW *'],
      },
      untar: {
        materials: ['MATCH app.tar.gz WITH PRODUCTS FROM package', 'DISALLOW app.tar.gz', 'ALLOW *'],
        products: [
          'MATCH app.tar.gz WITH PRODUCTS FROM package',
          'DISALLOW app.tar.gz',
          'MATCH * IN src WITH PRODUCTS IN src FROM update',
          'DISALLOW src/*',
          'MATCH dist/app.txt WITH PRODUCTS FROM build',
          'DISALLOW dist/app.txt',
          'ALLOW *',
        ],
      },
    })
    const passed = await reference('in-toto-verify', verifyArgs, work.dir)
    expect(passed.code, passed.stderr).toBe(0)
    await ok(cli('verify', ...verifyArgs))
  }, 180_000)

  it('fails both verifiers when a file is swapped between update and build and the chain is re-recorded', async () => {
    await recordChain()
    await inferAndSign()
    writeFileSync('src/b.py', 'x = "swapped"\n')
    await inTotoRun('build', 'alice', ['-m', 'src', '-p', 'dist/app.txt', '--', ...BUILD])
    await inTotoRun('build', 'carl', ['-m', 'src', '-p', 'dist/app.txt', '--', ...BUILD])
    await inTotoRun('package', 'bob', ['-m', 'src', 'dist', '-p', 'app.tar.gz', '--', ...PACKAGE])
    const failed = await reference('in-toto-verify', verifyArgs, work.dir)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/RuleVerificationError: 'DISALLOW \*' matched the following artifacts: \['src\/b\.py'\]/)
    const ours = await cli('verify', ...verifyArgs)
    expect(ours.code).toBe(1)
    expect(ours.stderr).toContain('artifact-rule')
  }, 180_000)

  it('fails both verifiers when the build output is swapped before packaging', async () => {
    await recordChain()
    await inferAndSign()
    writeFileSync('dist/app.txt', 'not what was built\n')
    await inTotoRun('package', 'bob', ['-m', 'src', 'dist', '-p', 'app.tar.gz', '--', ...PACKAGE])
    expect(existsSync('app.tar.gz')).toBe(true)
    const failed = await reference('in-toto-verify', verifyArgs, work.dir)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/RuleVerificationError: 'DISALLOW \*' matched the following artifacts: \['dist\/app\.txt'\]/)
    expect((await cli('verify', ...verifyArgs)).code).toBe(1)
  }, 180_000)
})
