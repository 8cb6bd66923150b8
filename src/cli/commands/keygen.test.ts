import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importPrivateKey } from '../../core/keys/import.ts'
import { loadPublicKeyFile } from '../key-files.ts'
import { askPassword } from '../password.ts'
import { cli, tempWorkdir } from '../../../test/support/cli.ts'

let work: ReturnType<typeof tempWorkdir>
beforeEach(() => {
  work = tempWorkdir('keygen')
})
afterEach(() => work.dispose())

describe('layout-studio keygen', () => {
  for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
    it(`writes a ${type} key pair as PKCS#8 and SPKI PEM and prints its keyid`, async () => {
      const result = await cli('keygen', '--type', type, '-b', '2048', '--no-password', 'k')
      expect(result.code).toBe(0)
      const keyid = result.stdout.trim()
      expect(keyid).toMatch(/^[0-9a-f]{64}$/)
      const privateText = readFileSync('k', 'utf8')
      expect(privateText).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
      expect(readFileSync('k.pub', 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]*-----END PUBLIC KEY-----\n$/)
      expect(statSync('k').mode & 0o777).toBe(0o600)
      const key = await importPrivateKey(privateText, { keyType: type })
      expect(key.publicKey.keyid).toBe(keyid)
      // The public file gives the same keyid (for ECDSA, too: see loadPublicKeyFile).
      expect((await loadPublicKeyFile('k.pub', type)).keyid).toBe(keyid)
    })
  }

  it('encrypts the private key with --password', async () => {
    const result = await cli('keygen', '-t', 'ecdsa', '--password', 's3cret', 'enc')
    expect(result.code).toBe(0)
    const text = readFileSync('enc', 'utf8')
    expect(text).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
    await expect(importPrivateKey(text)).rejects.toThrow(/password is required/)
    await expect(importPrivateKey(text, { password: 'wrong' })).rejects.toThrow(/wrong password|decrypt/i)
    expect((await importPrivateKey(text, { password: 's3cret' })).publicKey.keyid).toBe(result.stdout.trim())
  })

  it('writes securesystemslib JSON for ed25519 with --format securesystemslib, as in-toto-keygen does', async () => {
    const result = await cli('keygen', '-t', 'ed25519', '--format', 'securesystemslib', '--no-password', 'j')
    expect(result.code).toBe(0)
    const keyid = result.stdout.trim()
    const privateJson = JSON.parse(readFileSync('j', 'utf8')) as { keytype: string; keyid: string; keyval: { private: string } }
    expect(privateJson).toMatchObject({ keytype: 'ed25519', keyid })
    expect(privateJson.keyval.private).toMatch(/^[0-9a-f]{64}$/)
    const publicJson = JSON.parse(readFileSync('j.pub', 'utf8')) as Record<string, unknown>
    expect(publicJson).not.toHaveProperty('keyid')
    expect(publicJson).toMatchObject({ keytype: 'ed25519', scheme: 'ed25519' })
  })

  it('refuses to overwrite existing files unless --force', async () => {
    writeFileSync('taken.pub', 'old')
    const refused = await cli('keygen', '-t', 'ed25519', '--no-password', 'taken')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("'taken.pub' exists")
    expect(readFileSync('taken.pub', 'utf8')).toBe('old')
    const forced = await cli('keygen', '-t', 'ed25519', '--no-password', '--force', 'taken')
    expect(forced.code).toBe(0)
    expect(readFileSync('taken.pub', 'utf8')).toContain('BEGIN PUBLIC KEY')
  })

  it('rejects bad arguments with exit code 2', async () => {
    expect((await cli('keygen', '-t', 'dsa', '--no-password', 'x')).stderr).toContain("unknown key type 'dsa'")
    expect((await cli('keygen', '-t', 'rsa', '-b', '1024', '--no-password', 'x')).code).toBe(2)
    expect((await cli('keygen', '-t', 'rsa', '--format', 'der', '--no-password', 'x')).code).toBe(2)
    expect((await cli('keygen', '-t', 'ed25519', '--password', 'a', '--prompt', 'x')).stderr).toContain('only one of')
    expect((await cli('keygen', '-t', 'ed25519')).code).toBe(2) // no NAME
  })

  it('does not guess about encryption when there is no terminal to ask', async () => {
    if (process.stdin.isTTY) return
    const result = await cli('keygen', '-t', 'ed25519', 'quiet')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--no-password')
  })
})

describe('askPassword without a terminal', () => {
  const io = (text: string) => {
    const input = new PassThrough()
    input.end(text)
    const output = new PassThrough()
    return { input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream }
  }

  it('reads one line per question from the piped input, and checks the confirmation', async () => {
    expect(await askPassword('Password: ', { confirm: true, io: io('s3cret\ns3cret\n') })).toBe('s3cret')
    await expect(askPassword('Password: ', { confirm: true, io: io('one\ntwo\n') })).rejects.toThrow('the passwords do not match')
    await expect(askPassword('Password: ', { confirm: true, io: io('') })).rejects.toThrow('no password on standard input')
  })
})
