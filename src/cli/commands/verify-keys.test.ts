/** `layout-studio verify -k` takes every public key file the app exports, PEM or securesystemslib JSON, of every type. */
import { writeFileSync } from 'node:fs'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { exportPrivateKeyPkcs8Pem, exportPublicKeyJson, exportPublicKeyPem } from '../../core/keys/export.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { KeyAlgorithm, PrivateKey } from '../../core/keys/types.ts'
import { cli, layoutDocument, tempWorkdir } from '../../../test/support/cli.ts'

const ALGORITHMS: KeyAlgorithm[] = ['ed25519', 'ecdsa', 'rsa']
const owners = new Map<KeyAlgorithm, PrivateKey>()
let work: ReturnType<typeof tempWorkdir>

beforeAll(async () => {
  for (const algorithm of ALGORITHMS) owners.set(algorithm, await generateKeyPair(algorithm))
})
beforeEach(() => {
  work = tempWorkdir('verify-keys')
})
afterEach(() => work.dispose())

describe('layout-studio verify -k', () => {
  for (const algorithm of ALGORITHMS) {
    it(`accepts the ${algorithm} owner key as exported (PEM and securesystemslib JSON), without -t`, async () => {
      const owner = owners.get(algorithm)!
      writeFileSync('owner.pem', await exportPrivateKeyPkcs8Pem(owner))
      writeFileSync('owner.pub.pem', exportPublicKeyPem(owner.publicKey))
      writeFileSync('owner.pub', exportPublicKeyJson(owner.publicKey))
      writeFileSync('root.layout', JSON.stringify(layoutDocument([], [])))
      expect((await cli('sign', '-f', 'root.layout', '-k', 'owner.pem')).code).toBe(0)
      for (const file of ['owner.pub.pem', 'owner.pub']) {
        const result = await cli('verify', '-l', 'root.layout', '-k', file)
        expect(result.code, `${file}: ${result.stdout}${result.stderr}`).toBe(0)
      }
      // With -t the reference's reading applies: ed25519/ecdsa as securesystemslib JSON.
      if (algorithm !== 'rsa') expect((await cli('verify', '-l', 'root.layout', '-k', 'owner.pub', '-t', algorithm)).code).toBe(0)
      expect((await cli('verify', '-l', 'root.layout', '--verification-keys', 'owner.pub.pem')).code).toBe(0)
    })
  }
})
