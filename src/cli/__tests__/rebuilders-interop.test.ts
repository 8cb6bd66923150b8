/**
 * The 2018 Debian rebuilder design against the reference: in-toto-verify 1.3.1 with
 * apt-transport-in-toto's own GPG-signed layout (`--gpg` owner key, a GnuPG home) and
 * `layout-studio rebuilders` with a policy of the same two rebuilders' keys (k = 2) reach the
 * same verdict on the good `.deb`, the bad one, and the good one with one of the two links.
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURES } from '../../core/keys/__tests__/fixtures.ts'
import { cli, reference, referenceAvailable } from './harness.ts'

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
