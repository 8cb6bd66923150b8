import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeCanonical } from '../json/canonical.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { importPublicKey } from './import.ts'
import { generationOfKeyid, keyidOf, keyidsOf, layoutKeyObjectOf, publicValueOf } from './keyid-generations.ts'

const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/keyid-generations.json', import.meta.url), 'utf8')) as {
  cases: { file: string; keytype: string; keyid_1x: string; keyid_2x: string }[]
}

describe('keyids of both generations', () => {
  it.each(fixture.cases)('$file: 1.x (securesystemslib 0.26) and 2.x (securesystemslib ≥ 0.28)', ({ file, keyid_1x, keyid_2x }) => {
    const key = importPublicKey(readFileSync(join(FIXTURES, file), 'utf8'), { file })
    expect(keyidOf(key, '1.x')).toBe(keyid_1x)
    expect(keyidOf(key, '2.x')).toBe(keyid_2x)
    expect(keyidsOf(key)).toEqual([...new Set([key.keyid, keyid_1x, keyid_2x])])
    expect(generationOfKeyid(key, keyid_2x)).toBe('2.x')
  })

  it('gives the in-toto 2.x demo chain its signers: the keyids in its link file names', () => {
    // external/in-toto-2x (sscs-test/mini-robusto, in-toto 3.0): clone.210dcc50.link, package.be06db20.link, layout by c8ef46bd…
    const read = (name: string) => importPublicKey(readFileSync(join(FIXTURES, 'upstream/demo_files', name), 'utf8'))
    expect(keyidOf(read('bob.pub'), '2.x').slice(0, 8)).toBe('210dcc50')
    expect(keyidOf(read('carl.pub'), '2.x').slice(0, 8)).toBe('be06db20')
    expect(keyidOf(read('alice.pub'), '2.x').slice(0, 8)).toBe('c8ef46bd')
  })

  it('writes layout key objects as each generation does', () => {
    const key = importPublicKey(readFileSync(join(FIXTURES, 'upstream/demo_files/bob.pub'), 'utf8'))
    const v1 = layoutKeyObjectOf(key, '1.x')
    const v2 = layoutKeyObjectOf(key, '2.x')
    expect([...v1.keys()]).toEqual(['keyid', 'keyid_hash_algorithms', 'keytype', 'keyval', 'scheme'])
    expect([...v2.keys()]).toEqual(['keyid', 'keytype', 'keyval', 'scheme'])
    expect(publicValueOf(key, '1.x').endsWith('-----')).toBe(true)
    expect(publicValueOf(key, '2.x').endsWith('-----\n')).toBe(true)
    expect(encodeCanonical(v2)).toContain(`"keyid":"${keyidOf(key, '2.x')}"`)
  })
})
