import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { readEnvelope } from '../../core/envelope/read.ts'
import { verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import { exportPrivateKeyPkcs8Pem, exportPublicKeyPem } from '../../core/keys/export.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import { cli, layoutDocument, tempWorkdir } from '../../../test/support/cli.ts'

let owner: PrivateKey
let second: PrivateKey
let stranger: PrivateKey
let work: ReturnType<typeof tempWorkdir>

beforeAll(async () => {
  ;[owner, second, stranger] = await Promise.all([generateKeyPair('ed25519'), generateKeyPair('ecdsa'), generateKeyPair('ed25519')])
})

beforeEach(async () => {
  work = tempWorkdir('sign')
  for (const [name, key] of [
    ['owner', owner],
    ['second', second],
    ['stranger', stranger],
  ] as const) {
    writeFileSync(name, await exportPrivateKeyPkcs8Pem(key))
    writeFileSync(`${name}.pub`, exportPublicKeyPem(key.publicKey))
  }
  writeFileSync('enc', await exportPrivateKeyPkcs8Pem(owner, 'pw', { iterations: 1000 }))
  const layout = layoutDocument(
    [owner.publicKey],
    [
      {
        name: 'build',
        pubkeys: [owner.publicKey.keyid],
        products: [
          ['CREATE', 'out'],
          ['DISALLOW', '*'],
        ],
      },
    ],
  )
  writeFileSync('draft.layout', JSON.stringify(layout))
  writeFileSync(
    'step.link',
    JSON.stringify({ signed: { _type: 'link', name: 'build', materials: {}, products: {}, byproducts: {}, command: [], environment: {} }, signatures: [] }),
  )
})
afterEach(() => work.dispose())

const envelopeOf = (file: string) => readEnvelope(readFileSync(file), file)

describe('layout-studio sign', () => {
  it('signs a bare layout with several keys into a metablock, then --verify accepts those keys (exit 0)', async () => {
    const signed = await cli('sign', '-f', 'draft.layout', '-k', 'owner', 'second', '-o', 'root.layout')
    expect(signed.code, signed.stderr).toBe(0)
    const envelope = envelopeOf('root.layout')
    expect(envelope.format).toBe('metablock')
    expect(envelope.signatures.map((s) => s.keyid)).toEqual([owner.publicKey.keyid, second.publicKey.keyid])
    expect(await verifyEnvelopeSignature(envelope, owner.publicKey)).toBe('valid')
    expect(await verifyEnvelopeSignature(envelope, second.publicKey)).toBe('valid')

    const verified = await cli('sign', '-f', 'root.layout', '--verify', '-k', 'owner.pub', 'second.pub')
    expect(verified.code).toBe(0)
    expect(verified.stdout).toContain('all 2 signature(s) valid')
  })

  it('an ECDSA-signed layout verifies with `verify --verification-keys` and the SPKI public key file', async () => {
    writeFileSync('empty.layout', JSON.stringify(layoutDocument([], [])))
    expect((await cli('sign', '-f', 'empty.layout', '-k', 'second', '-o', 'root.layout')).code).toBe(0)
    const result = await cli('verify', '-l', 'root.layout', '--verification-keys', 'second.pub')
    expect(result.code, result.stderr).toBe(0)
  })

  it('--verify exits 1 when a given key did not sign, or the signed content changed', async () => {
    await cli('sign', '-f', 'draft.layout', '-k', 'owner', '-o', 'root.layout')
    const missing = await cli('sign', '-f', 'root.layout', '--verify', '-k', 'owner.pub', 'stranger.pub')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('stranger.pub')
    expect(missing.stderr).toContain('no signature by this key')

    writeFileSync('root.layout', readFileSync('root.layout', 'utf8').replace('"CREATE"', '"ALLOW"'))
    const tampered = await cli('sign', '-f', 'root.layout', '--verify', '-k', 'owner.pub')
    expect(tampered.code).toBe(1)
    expect(tampered.stderr).toContain('INVALID signature')
  })

  it('replaces signatures by default and adds them with --append; a layout is written back in place', async () => {
    await cli('sign', '-f', 'draft.layout', '-k', 'owner', '-o', 'root.layout')
    await cli('sign', '-f', 'root.layout', '-k', 'second')
    expect(envelopeOf('root.layout').signatures.map((s) => s.keyid)).toEqual([second.publicKey.keyid])
    await cli('sign', '-f', 'root.layout', '-k', 'owner', '--append')
    expect(envelopeOf('root.layout').signatures.map((s) => s.keyid)).toEqual([second.publicKey.keyid, owner.publicKey.keyid])
  })

  it('writes DSSE with --dsse, keeps DSSE when appending, and verifies DSSE signatures', async () => {
    expect((await cli('sign', '-f', 'draft.layout', '-k', 'owner', '--dsse', '-o', 'root.layout')).code).toBe(0)
    const first = JSON.parse(readFileSync('root.layout', 'utf8')) as { payloadType: string; payload: string }
    expect(first.payloadType).toBe('application/vnd.in-toto+json')
    expect((await cli('sign', '-f', 'root.layout', '-k', 'second', '-a')).code).toBe(0)
    const after = envelopeOf('root.layout')
    expect(after.format).toBe('dsse')
    expect(JSON.parse(readFileSync('root.layout', 'utf8')).payload).toBe(first.payload)
    expect((await cli('sign', '-f', 'root.layout', '--verify', '-k', 'owner.pub', 'second.pub')).code).toBe(0)
  })

  it("names a signed link '<name>.<keyid prefix>.link' and allows one key only", async () => {
    const result = await cli('sign', '-f', 'step.link', '-k', 'owner')
    expect(result.code).toBe(0)
    const file = `build.${owner.publicKey.keyid.slice(0, 8)}.link`
    expect(await verifyEnvelopeSignature(envelopeOf(file), owner.publicKey)).toBe('valid')
    expect((await cli('sign', '-f', 'step.link', '-k', 'owner', 'second')).code).toBe(2)
    expect((await cli('sign', '-f', 'step.link', '-k', 'owner', '-a')).code).toBe(2)
  })

  it('uses the password of an encrypted key, and says how to give one when it is missing', async () => {
    const without = await cli('sign', '-f', 'draft.layout', '-k', 'enc', '-o', 'root.layout')
    expect(without.code).toBe(2)
    expect(without.stderr).toContain("the key 'enc' is encrypted")
    expect(existsSync('root.layout')).toBe(false)
    const wrong = await cli('sign', '-f', 'draft.layout', '-k', 'enc', '--password', 'nope', '-o', 'root.layout')
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain('enc')
    expect((await cli('sign', '-f', 'draft.layout', '-k', 'enc', '--password', 'pw', '-o', 'root.layout')).code).toBe(0)
  })

  it('checks -t against the key, as in-toto-sign -t', async () => {
    const mismatch = await cli('sign', '-f', 'draft.layout', '-k', 'owner', '-t', 'rsa', '-o', 'root.layout')
    expect(mismatch.code).toBe(2)
    expect(mismatch.stderr).toMatch(/owner.*expected an rsa key/)
    expect((await cli('sign', '-f', 'draft.layout', '-k', 'owner', '-t', 'ed25519', '-o', 'root.layout')).code).toBe(0)
    expect((await cli('sign', '-f', 'draft.layout', '-k', 'owner', 'second', '-t', 'ed25519', '-o', 'x')).code).toBe(2)
  })

  it('reports bad input with exit code 2 and the file name', async () => {
    writeFileSync('broken.layout', '{"signed": {"_type": "layout", "steps": [{"name": "a", "threshold": "2"}], "inspect": []}, "signatures": []}')
    const invalid = await cli('sign', '-f', 'broken.layout', '-k', 'owner')
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain('broken.layout')
    expect(invalid.stderr).toContain('signed.steps[0].threshold')
    writeFileSync('garbage', 'not json')
    expect((await cli('sign', '-f', 'garbage', '-k', 'owner')).stderr).toContain('garbage')
    const noFile = await cli('sign', '-f', 'absent.layout', '-k', 'owner')
    expect(noFile.code).toBe(2)
    expect(noFile.stderr).toContain("'absent.layout': no such file")
    const noKey = await cli('sign', '-f', 'draft.layout', '-k', 'absent-key')
    expect(noKey.code).toBe(2)
    expect(noKey.stderr).toContain("'absent-key': no such file")
    const publicAsPrivate = await cli('sign', '-f', 'draft.layout', '-k', 'owner.pub')
    expect(publicAsPrivate.code).toBe(2)
    expect(publicAsPrivate.stderr).toContain('owner.pub')
    expect((await cli('sign', '-f', 'draft.layout')).code).toBe(2)
    expect((await cli('sign', '-f', 'draft.layout', '-k', 'owner.pub', '--verify', '-o', 'x')).code).toBe(2)
  })
})
