/**
 * The 2018 Debian rebuilder design against the reference:
 * - in-toto-verify 1.3.1 and `layout-studio verify` with apt-transport-in-toto's own GPG-signed
 *   layout (`--gpg` owner key, a GnuPG home), and `layout-studio rebuilders` with a policy of the
 *   same two rebuilders' keys (k = 2), reach the same verdict on the good `.deb`, the bad one,
 *   and the good one with one of the two links;
 * - rebuilders recording with in-toto-run (Ed25519 keys from in-toto-keygen): in-toto-verify on
 *   the layout a policy amounts to (signed with in-toto-sign) and `layout-studio rebuilders`
 *   with that policy reach the same verdict when they agree, disagree, or are too few.
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEnvelope, serializeEnvelope } from '../../src/core/envelope/sign.ts'
import { FIXTURES } from '../support/key-fixtures.ts'
import { addRebuilderKeys, emptyPolicy } from '../../src/core/rebuilders/policy.ts'
import { readPolicyKeyFile } from '../../src/core/rebuilders/policy-key.ts'
import { policyLayout } from '../../src/core/rebuilders/policy-layout.ts'
import { cli, reference, referenceAvailable } from '../support/cli.ts'

const available = await referenceAvailable()
if (!available) console.warn('rebuilder interop tests skipped: the reference tools are not installed')

const APT = join(FIXTURES, 'apt-transport-in-toto')
const NAME = 'final-product_0.0.0.0-0_all.deb'
const OWNER = '88876A89E3D4698F83D3DB0E72E33CA3E0E04E46'
const LINKS = ['rebuild.5863835e.link', 'rebuild.e946fc60.link']

const scratch = mkdtempSync(join(tmpdir(), 'rebuilders-interop-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A working directory as apt-transport-in-toto prepares it: the links and the downloaded .deb. */
function workdir(name: string, which: 'good' | 'bad', links: readonly string[]): string {
  const dir = join(scratch, name)
  mkdirSync(dir)
  for (const link of links) copyFileSync(join(APT, link), join(dir, link))
  copyFileSync(join(APT, which, NAME), join(dir, NAME))
  return dir
}

function gnupgHome(name: string): string {
  const home = join(scratch, `${name}-gnupg`)
  cpSync(join(APT, 'gpg_keyring'), home, { recursive: true })
  chmodSync(home, 0o700)
  return home
}

describe.skipIf(!available)('the apt-transport-in-toto set: in-toto-verify and layout-studio rebuilders agree', () => {
  const cases: [string, 'good' | 'bad', readonly string[], 0 | 1][] = [
    ['good', 'good', LINKS, 0],
    ['bad', 'bad', LINKS, 1],
    ['one-link', 'good', LINKS.slice(0, 1), 1],
  ]
  it.each(cases)('%s', async (name, which, links, expected) => {
    const dir = workdir(name, which, links)
    const verify = await reference('in-toto-verify', ['-l', join(APT, 'test.layout'), '--gpg', OWNER, '--gpg-home', gnupgHome(name)], dir)
    expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(expected)
    const here = process.cwd()
    process.chdir(dir)
    const ownVerify = await cli('verify', '-l', join(APT, 'test.layout'), '--gpg', OWNER, '--gpg-home', gnupgHome(`${name}-ours`)).finally(() => process.chdir(here))
    expect(ownVerify.code, ownVerify.stdout + ownVerify.stderr).toBe(expected)
    const ours = await cli(
      'rebuilders',
      join(dir, NAME),
      '--threshold',
      '2',
      '--rebuilder',
      `Bobby=${join(APT, 'bobby.asc')}`,
      '--rebuilder',
      `Carly=${join(APT, 'carly.asc')}`,
      '--attestations',
      ...links.map((link) => join(dir, link)),
    )
    expect(ours.code, ours.stdout + ours.stderr).toBe(expected)
  })
})

describe.skipIf(!available)("rebuilders recording with in-toto-run: in-toto-verify on the policy's layout and layout-studio rebuilders agree", () => {
  const DEB = 'hello_2.10-3_all.deb'
  const run = async (args: readonly string[], cwd: string) => {
    const result = await reference(args[0] as string, args.slice(1), cwd)
    expect(result.code, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0)
  }
  const setUp = async (name: string, builds: readonly (string | undefined)[]) => {
    const dir = join(scratch, name)
    mkdirSync(dir)
    const keys = join(scratch, `${name}-keys`)
    mkdirSync(keys)
    let policy = emptyPolicy(2)
    for (const [index, content] of builds.entries()) {
      await run(['in-toto-keygen', '-t', 'ed25519', join(keys, `r${index}`)], keys)
      policy = addRebuilderKeys(policy, `r${index}`, await readPolicyKeyFile(readFileSync(join(keys, `r${index}.pub`), 'utf8'), `r${index}.pub`))
      if (content === undefined) continue
      // Each rebuilder builds in its own directory and publishes its link.
      const build = join(scratch, `${name}-build${index}`)
      mkdirSync(build)
      writeFileSync(join(build, DEB), content)
      await run(['in-toto-run', '-n', 'rebuild', '-k', join(keys, `r${index}`), '-t', 'ed25519', '-p', DEB, '--', 'true'], build)
      for (const file of readdirSync(build).filter((entry) => entry.endsWith('.link'))) copyFileSync(join(build, file), join(dir, file))
    }
    const { layout } = policyLayout(policy)
    writeFileSync(join(keys, 'layout.json'), serializeEnvelope(createEnvelope({ type: 'layout', layout }, 'metablock')))
    await run(['in-toto-keygen', '-t', 'ed25519', join(keys, 'owner')], keys)
    await run(['in-toto-sign', '-f', join(keys, 'layout.json'), '-k', join(keys, 'owner'), '-t', 'ed25519', '-o', join(keys, 'root.layout')], keys)
    // The downloaded package, next to the links (as apt-transport-in-toto arranges them).
    writeFileSync(join(dir, DEB), 'the package')
    return { dir, keys, links: readdirSync(dir).filter((entry) => entry.endsWith('.link')), count: builds.length }
  }
  const cases: [string, (string | undefined)[], 0 | 1][] = [
    ['agree', ['the package', 'the package', undefined], 0],
    ['disagree', ['the package', 'the package', 'another build'], 1],
    ['too-few', ['the package', undefined, undefined], 1],
  ]
  it.each(cases)(
    '%s',
    async (name, builds, expected) => {
      const { dir, keys, links, count } = await setUp(`run-${name}`, builds)
      const verify = await reference('in-toto-verify', ['-l', join(keys, 'root.layout'), '-k', join(keys, 'owner.pub'), '-t', 'ed25519'], dir)
      expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(expected)
      const rebuilders = Array.from({ length: count }, (_, index) => ['--rebuilder', `r${index}=${join(keys, `r${index}.pub`)}`]).flat()
      const ours = await cli('rebuilders', join(dir, DEB), '--threshold', '2', ...rebuilders, '--attestations', ...links.map((link) => join(dir, link)), '--format', 'json')
      expect(ours.code, ours.stdout + ours.stderr).toBe(expected)
      const inToto = JSON.parse(ours.stdout).packages[0].inToto
      expect(inToto.verdict).toBe(expected === 0 ? 'pass' : 'fail')
    },
    120_000,
  )
})
