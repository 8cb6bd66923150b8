/**
 * Threshold disagreement says which artifacts differ, with both hashes: the run sheet's old mistake (each
 * functionary's key file inside the recorded tree) made the two build links disagree on exactly those files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportPrivateKeyPkcs8Pem, exportPublicKeyPem } from '../../core/keys/export.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import { linkFileName } from '../../core/model/names.ts'
import type { Failure } from '../../core/verify/report.ts'
import { cli, layoutDocument, tempWorkdir } from '../../../test/support/cli.ts'

let work: ReturnType<typeof tempWorkdir>
beforeEach(() => {
  work = tempWorkdir('threshold')
})
afterEach(() => work.dispose())

describe('threshold disagreement', () => {
  it('names the artifacts that differ between the links, side by side with their hashes', async () => {
    const [owner, alice, bob] = await Promise.all([generateKeyPair('ed25519'), generateKeyPair('ed25519'), generateKeyPair('ed25519')])
    writeFileSync('owner.pem', await exportPrivateKeyPkcs8Pem(owner))
    writeFileSync('owner.pub.pem', exportPublicKeyPem(owner.publicKey))
    const layout = layoutDocument(
      [alice.publicKey, bob.publicKey],
      [{ name: 'build', pubkeys: [alice.publicKey.keyid, bob.publicKey.keyid], threshold: 2, materials: [['ALLOW', '*']], products: [['ALLOW', '*']] }],
    )
    writeFileSync('root.layout', JSON.stringify(layout))
    expect((await cli('sign', '-f', 'root.layout', '-k', 'owner.pem')).code).toBe(0)
    // Each functionary records `.` with their own key file lying in the tree.
    for (const [name, key] of [
      ['alice', alice],
      ['bob', bob],
    ] as const) {
      const tree = join(work.dir, `tree-${name}`)
      mkdirSync(tree)
      writeFileSync(join(tree, 'hello.txt'), 'hello\n')
      writeFileSync(join(tree, `${name}.pem`), await exportPrivateKeyPkcs8Pem(key))
      process.chdir(tree)
      expect((await cli('run', '-n', 'build', '-k', `${name}.pem`, '-m', '.', '-p', '.', '-d', work.dir, '-x')).code).toBe(0)
      process.chdir(work.dir)
    }
    const result = await cli('verify', '-l', 'root.layout', '--verification-keys', 'owner.pub.pem', '--format', 'json')
    expect(result.code).toBe(1)
    const failure = (JSON.parse(result.stdout) as { failure: Failure }).failure
    const aliceLink = linkFileName('build', alice.publicKey.keyid)
    const bobLink = linkFileName('build', bob.publicKey.keyid)
    expect(failure.errorType).toBe('ThresholdVerificationError')
    expect(failure.disagreement?.side).toBe('materials')
    expect(failure.disagreement?.files).toEqual([aliceLink, bobLink])
    const rows = failure.disagreement?.artifacts ?? []
    expect(rows.map((row) => row.path)).toEqual(['alice.pem', 'bob.pem'])
    expect(rows[0]).toMatchObject({ first: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) })
    expect(rows[0]?.second).toBeUndefined()
    expect(rows[1]?.first).toBeUndefined()
    expect(failure.message).toContain(`'alice.pem' only in '${aliceLink}', 'bob.pem' only in '${bobLink}'`)
    expect(readFileSync(aliceLink, 'utf8')).toContain('hello.txt')
  })
})
