/**
 * Interop with the real tools over OpenPGP keys: keys generated with GnuPG in a temporary home
 * (batch mode, no passphrase; the agent is killed afterwards) — RSA with a signing subkey, DSA,
 * Ed25519 —, a chain recorded and signed with in-toto-run/in-toto-record/in-toto-sign `--gpg`
 * and verified by layout-studio, and the same chain recorded and signed with layout-studio
 * `--gpg` and verified by in-toto-verify; each also failing in both after tampering.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { toPlain } from '../../src/core/json/value.ts'
import { importOpenPgpKeys } from '../../src/core/openpgp/import.ts'
import type { OpenPgpCertificate } from '../../src/core/openpgp/certificate.ts'
import { cli, reference, referenceAvailable, tempWorkdir, type CliResult } from '../support/cli.ts'

const run = promisify(execFile)

async function gpgAvailable(): Promise<boolean> {
  try {
    await run('gpg', ['--version'], { timeout: 30_000 })
    return true
  } catch {
    if (process.env.CI) throw new Error('GnuPG (gpg) must be installed in CI')
    return false
  }
}

const available = (await referenceAvailable()) && (await gpgAvailable())

interface Keys {
  readonly home: string
  readonly owner: OpenPgpCertificate
  /** Certify-only RSA primary with an RSA signing subkey: links are signed by the subkey. */
  readonly alice: OpenPgpCertificate
  readonly bob: OpenPgpCertificate
  readonly carol: OpenPgpCertificate
}

async function gpg(home: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('gpg', ['--homedir', home, '--batch', '--passphrase', '', ...args], { timeout: 120_000, encoding: 'buffer' as BufferEncoding })
  return stdout
}

async function generate(home: string, uid: string, algo: string, usage: string, subkey?: string): Promise<OpenPgpCertificate> {
  await gpg(home, '--quick-gen-key', uid, algo, usage, 'never')
  const listing = await gpg(home, '--with-colons', '--list-keys', uid)
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(String(listing))![1]!
  if (subkey) await gpg(home, '--quick-add-key', fingerprint, subkey, 'sign', 'never')
  const { stdout } = await run('gpg', ['--homedir', home, '--export', fingerprint], { encoding: 'buffer', timeout: 30_000 })
  const [certificate] = await importOpenPgpKeys(new Uint8Array(stdout), uid)
  return certificate!
}

let keys: Keys

beforeAll(async () => {
  if (!available) return
  const home = mkdtempSync(join(tmpdir(), 'gnupg-'))
  keys = {
    home,
    owner: await generate(home, 'Owner <owner@example.org>', 'rsa2048', 'sign,cert'),
    alice: await generate(home, 'Alice <alice@example.org>', 'rsa2048', 'cert', 'rsa2048'),
    bob: await generate(home, 'Bob <bob@example.org>', 'dsa2048', 'sign,cert'),
    carol: await generate(home, 'Carol <carol@example.org>', 'ed25519', 'sign,cert'),
  }
}, 300_000)

afterAll(async () => {
  if (!available) return
  await run('gpgconf', ['--homedir', keys.home, '--kill', 'all']).catch(() => undefined)
  rmSync(keys.home, { recursive: true, force: true })
})

/** The demo chain: write (alice), package (bob), review (carol, recorded in two steps). */
function layout(): string {
  const fpr = (cert: OpenPgpCertificate) => cert.primary.fingerprint
  const step = (name: string, key: OpenPgpCertificate, materials: string[][], products: string[][]) => ({
    _type: 'step',
    name,
    pubkeys: [fpr(key)],
    threshold: 1,
    expected_command: [],
    expected_materials: materials,
    expected_products: products,
  })
  const signed = {
    _type: 'layout',
    expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    readme: '',
    keys: Object.fromEntries([keys.alice, keys.bob, keys.carol].map((cert) => [fpr(cert), toPlain(cert.keyObject)])),
    steps: [
      step(
        'write',
        keys.alice,
        [],
        [
          ['CREATE', 'foo.py'],
          ['DISALLOW', '*'],
        ],
      ),
      step(
        'package',
        keys.bob,
        [
          ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write'],
          ['DISALLOW', '*'],
        ],
        [
          ['CREATE', 'foo.tar.gz'],
          ['ALLOW', 'foo.py'],
          ['DISALLOW', '*'],
        ],
      ),
      step(
        'review',
        keys.carol,
        [
          ['MATCH', 'foo.tar.gz', 'WITH', 'PRODUCTS', 'FROM', 'package'],
          ['ALLOW', '*'],
        ],
        [['ALLOW', '*']],
      ),
    ],
    inspect: [],
  }
  return JSON.stringify({ signed, signatures: [] })
}

const PACKAGE = ['tar', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '-czf', 'foo.tar.gz', 'foo.py']

async function ok(result: Promise<CliResult> | CliResult): Promise<CliResult> {
  const done = await result
  expect(done.code, `${done.stdout}\n${done.stderr}`).toBe(0)
  return done
}

describe.skipIf(!available)('interop over GPG keys with in-toto 1.3.1 and GnuPG', () => {
  let work: ReturnType<typeof tempWorkdir>
  beforeEach(() => {
    work = tempWorkdir('interop-gpg')
  })
  afterEach(() => work.dispose())

  const owner = () => keys.owner.primary.fingerprint
  const home = () => ['--gpg-home', keys.home]
  const verifyArgs = () => ['-l', 'root.layout', '--gpg', owner(), ...home(), '--link-dir', '.']

  it('in-toto-run/-record/-sign --gpg record and sign; layout-studio verify passes (--gpg and .asc), and fails after tampering', async () => {
    writeFileSync('root.layout', layout())
    const tool = async (name: string, args: readonly string[]) => ok(reference(name, args, work.dir))
    await tool('in-toto-sign', ['-f', 'root.layout', '--gpg', owner(), ...home()])
    await tool('in-toto-run', ['-n', 'write', '--gpg', keys.alice.primary.fingerprint, ...home(), '-p', 'foo.py', '--', 'sh', '-c', 'echo "print(1)" > foo.py'])
    await tool('in-toto-run', ['-n', 'package', '--gpg', keys.bob.primary.fingerprint, ...home(), '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE])
    await tool('in-toto-record', ['start', '-n', 'review', '--gpg', keys.carol.primary.fingerprint, ...home(), '-m', 'foo.tar.gz'])
    await tool('in-toto-record', ['stop', '-n', 'review', '--gpg', keys.carol.primary.fingerprint, ...home(), '-p', 'foo.tar.gz'])
    // alice's link is named after the subkey gpg signed with.
    const aliceSubkey = keys.alice.subkeys.find((sub) => sub.inKeyObject)!.fingerprint
    expect(readFileSync(`write.${aliceSubkey.slice(0, 8)}.link`, 'utf8')).toContain(aliceSubkey)

    await ok(reference('in-toto-verify', verifyArgs(), work.dir))
    await ok(cli('verify', ...verifyArgs()))
    const { stdout } = await run('gpg', ['--homedir', keys.home, '--armor', '--export', owner()])
    writeFileSync('owner.asc', stdout)
    await ok(cli('verify', '-l', 'root.layout', '--verification-keys', 'owner.asc', '--link-dir', '.'))

    writeFileSync('foo.py', 'print("tampered")\n')
    await tool('in-toto-run', ['-n', 'package', '--gpg', keys.bob.primary.fingerprint, ...home(), '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE])
    expect((await reference('in-toto-verify', verifyArgs(), work.dir)).code).toBe(1)
    const ours = await cli('verify', ...verifyArgs())
    expect(ours.code).toBe(1)
    expect(ours.stderr).toContain('artifact-rule')
  }, 240_000)

  it('layout-studio run/record/sign --gpg record and sign; in-toto-verify passes, and fails after tampering', async () => {
    writeFileSync('layout.json', layout())
    await ok(cli('sign', '-f', 'layout.json', '--gpg', owner(), ...home(), '-o', 'root.layout'))
    await ok(cli('run', '-n', 'write', '--gpg', keys.alice.primary.fingerprint, ...home(), '-p', 'foo.py', '--', 'sh', '-c', 'echo "print(1)" > foo.py'))
    await ok(cli('run', '-n', 'package', '--gpg', keys.bob.primary.fingerprint, ...home(), '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE))
    await ok(cli('record', 'start', '-n', 'review', '--gpg', keys.carol.primary.fingerprint, ...home(), '-m', 'foo.tar.gz'))
    await ok(cli('record', 'stop', '-n', 'review', '--gpg', keys.carol.primary.fingerprint, ...home(), '-p', 'foo.tar.gz'))
    await ok(cli('sign', '-f', 'root.layout', '--verify', '--gpg', owner(), ...home()))

    const passed = await reference('in-toto-verify', verifyArgs(), work.dir)
    expect(passed.code, passed.stderr).toBe(0)
    await ok(cli('verify', ...verifyArgs()))

    writeFileSync('foo.py', 'print("tampered")\n')
    await ok(cli('run', '-n', 'package', '--gpg', keys.bob.primary.fingerprint, ...home(), '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE))
    const failed = await reference('in-toto-verify', verifyArgs(), work.dir)
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/RuleVerificationError/)
    expect((await cli('verify', ...verifyArgs())).code).toBe(1)
  }, 240_000)

  it('an owner key the GnuPG home does not hold: KeyNotFoundError, exit 1, in both', async () => {
    writeFileSync('root.layout', layout())
    await ok(cli('sign', '-f', 'root.layout', '--gpg', owner(), ...home()))
    const missing = ['-l', 'root.layout', '--gpg', '0123456789abcdef0123456789abcdef01234567', ...home(), '--link-dir', '.']
    const theirs = await reference('in-toto-verify', missing, work.dir)
    expect(theirs.code).toBe(1)
    expect(theirs.stderr).toContain('KeyNotFoundError')
    const ours = await cli('verify', '--format', 'json', ...missing)
    expect(ours.code).toBe(1)
    expect(JSON.parse(ours.stdout).failure).toMatchObject({ stage: 'format', errorType: 'KeyNotFoundError' })
  }, 120_000)
})
