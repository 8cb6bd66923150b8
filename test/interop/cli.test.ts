/**
 * Interop both ways with the reference (Debian's in-toto 1.3.1), for each key type:
 * (a) keys from `keygen`, a layout signed by `sign`, links from `record` and `run` verify with
 *     in-toto-verify; (b) keys from in-toto-keygen, links from in-toto-run and a layout signed
 *     by in-toto-sign verify with `layout-studio verify`; (c) an artifact changed between the
 *     two steps fails in both verifiers.
 */
import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isOpenPgpKey, type KeyAlgorithm, type PublicKey } from '../../src/core/keys/types.ts'
import { loadPublicKeyFile as loadKeyFile } from '../../src/cli/key-files.ts'
import { cli, layoutDocument, reference, referenceAvailable, tempWorkdir } from '../support/cli.ts'

const available = await referenceAvailable()
if (!available) console.warn('interop tests skipped: the reference tools (in-toto-verify, in-toto-sign, in-toto-run) are not installed')

const TYPES: readonly KeyAlgorithm[] = ['ed25519', 'ecdsa', 'rsa']
const PACKAGE = ['tar', 'czf', 'foo.tar.gz', 'foo.py']

/** write creates foo.py; package must use exactly that foo.py and create foo.tar.gz. */
/** The securesystemslib key in a key file (these tests make no OpenPGP keys). */
async function loadPublicKeyFile(file: string, type: KeyAlgorithm): Promise<PublicKey> {
  const key = await loadKeyFile(file, type)
  if (isOpenPgpKey(key)) throw new Error(`${file} is an OpenPGP key`)
  return key
}

function chainLayout(writer: PublicKey, packager: PublicKey, keys: readonly PublicKey[]): Record<string, unknown> {
  return layoutDocument(keys, [
    // `write` may read anything in the directory (the keys, the layout).
    {
      name: 'write',
      pubkeys: [writer.keyid],
      materials: [['ALLOW', '*']],
      products: [
        ['CREATE', 'foo.py'],
        ['DISALLOW', '*'],
      ],
    },
    {
      name: 'package',
      pubkeys: [packager.keyid],
      command: PACKAGE,
      materials: [
        ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write'],
        ['DISALLOW', '*'],
      ],
      products: [
        ['CREATE', 'foo.tar.gz'],
        ['DISALLOW', '*'],
      ],
    },
  ])
}

let work: ReturnType<typeof tempWorkdir>
beforeEach(() => {
  work = tempWorkdir('interop')
})
afterEach(() => work.dispose())

const ok = async (pending: Promise<{ code: number; stdout: string; stderr: string }>) => {
  const result = await pending
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

/** Loads a private key as in-toto-sign/in-toto-run -t TYPE do; prints its keyid. */
const LOAD_KEY =
  'import sys\nfrom securesystemslib import interface\nkey = interface.import_privatekey_from_file(sys.argv[1], key_type=sys.argv[2], password=sys.argv[3] or None)\nprint(key["keyid"])'

describe.skipIf(!available)('interop with in-toto 1.3.1', () => {
  it('keygen writes key files that in-toto 1.3.1 loads with -t TYPE (PEM for rsa, securesystemslib JSON for ed25519/ecdsa), with the same keyid', async () => {
    for (const type of TYPES) {
      const format = type === 'rsa' ? 'pem' : 'securesystemslib'
      for (const password of ['', 'correct horse']) {
        const name = `${type}${password ? '-encrypted' : ''}`
        const made = await ok(cli('keygen', '-t', type, '-b', '2048', '--format', format, ...(password ? ['--password', password] : ['--no-password']), name))
        const loaded = await reference('/usr/bin/python3', ['-c', LOAD_KEY, name, type, password], work.dir)
        expect(loaded.code, loaded.stderr).toBe(0)
        expect(loaded.stdout.trim()).toBe(made.stdout.trim())
      }
    }
  }, 180_000)

  for (const type of TYPES) {
    it(`(a) ${type}: layout-studio keygen, sign, record and run → in-toto-verify passes, and fails after tampering`, async () => {
      // in-toto-verify -t ed25519|ecdsa reads securesystemslib JSON keys; -t rsa reads PEM.
      const ownerFormat = type === 'rsa' ? 'pem' : 'securesystemslib'
      await ok(cli('keygen', '-t', type, '-b', '2048', '--format', ownerFormat, '--no-password', 'owner'))
      await ok(cli('keygen', '-t', type, '-b', '2048', '--no-password', 'alice'))
      await ok(cli('keygen', '-t', type, '-b', '2048', '--password', 'pw', 'bob'))
      const [alice, bob] = await Promise.all([loadPublicKeyFile('alice.pub', type), loadPublicKeyFile('bob.pub', type)])
      writeFileSync('layout.json', JSON.stringify(chainLayout(alice, bob, [alice, bob])))
      await ok(cli('sign', '-f', 'layout.json', '-k', 'owner', '-o', 'root.layout'))

      await ok(cli('record', 'start', '-n', 'write', '-k', 'alice', '-m', '.'))
      writeFileSync('foo.py', 'print("hello")\n')
      await ok(cli('record', 'stop', '-n', 'write', '-k', 'alice', '-p', 'foo.py'))
      await ok(cli('run', '-n', 'package', '-k', 'bob', '-P', 'pw', '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE))

      const verifyArgs = ['-l', 'root.layout', '-k', 'owner.pub', '-t', type, '--link-dir', '.']
      const passed = await reference('in-toto-verify', verifyArgs, work.dir)
      expect(passed.code, passed.stderr).toBe(0)
      await ok(cli('verify', ...verifyArgs))

      // (c) foo.py is changed after `write` recorded it; `package` then records the changed file.
      writeFileSync('foo.py', 'print("tampered")\n')
      await ok(cli('run', '-n', 'package', '-k', 'bob', '-P', 'pw', '-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE))
      const failed = await reference('in-toto-verify', verifyArgs, work.dir)
      expect(failed.code).toBe(1)
      expect(failed.stderr).toMatch(/RuleVerificationError|disallowed/i)
      const ours = await cli('verify', ...verifyArgs)
      expect(ours.code).toBe(1)
      expect(ours.stderr).toContain('artifact-rule')
    }, 180_000)

    it(`(b) ${type}: in-toto-keygen, in-toto-run and in-toto-sign → layout-studio verify passes, and fails after tampering`, async () => {
      const keygen = (name: string) => reference('in-toto-keygen', ['-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), name], work.dir)
      for (const name of ['owner', 'alice', 'bob']) expect((await keygen(name)).code).toBe(0)
      const [alice, bob] = await Promise.all([loadPublicKeyFile('alice.pub', type), loadPublicKeyFile('bob.pub', type)])
      writeFileSync('root.layout', JSON.stringify({ signed: chainLayout(alice, bob, [alice, bob]), signatures: [] }))
      const signed = await reference('in-toto-sign', ['-f', 'root.layout', '-k', 'owner', '-t', type], work.dir)
      expect(signed.code, signed.stderr).toBe(0)

      const inTotoRun = (name: string, key: string, args: readonly string[]) => reference('in-toto-run', ['-n', name, '-k', key, '-t', type, ...args], work.dir)
      expect((await inTotoRun('write', 'alice', ['-p', 'foo.py', '--', 'sh', '-c', 'echo "print(1)" > foo.py'])).code).toBe(0)
      expect((await inTotoRun('package', 'bob', ['-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE])).code).toBe(0)

      const verifyArgs = ['-l', 'root.layout', '-k', 'owner.pub', '-t', type, '--link-dir', '.']
      await ok(cli('verify', ...verifyArgs))

      writeFileSync('foo.py', 'print("tampered")\n')
      expect((await inTotoRun('package', 'bob', ['-m', 'foo.py', '-p', 'foo.tar.gz', '--', ...PACKAGE])).code).toBe(0)
      const ours = await cli('verify', ...verifyArgs)
      expect(ours.code).toBe(1)
      expect(ours.stderr).toContain('artifact-rule')
      expect((await reference('in-toto-verify', verifyArgs, work.dir)).code).toBe(1)
    }, 180_000)
  }
})
