import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addKey, authorizeKey } from '../editor/commands.ts'
import { functionaryKeyFromFile } from '../editor/functionary.ts'
import { parseJson } from '../json/parse.ts'
import type { JsonObject } from '../json/value.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { readEnvelope } from '../envelope/read.ts'
import { layoutKeyFromJson, parseLayout } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'
import { addRebuilderKeys, emptyPolicy } from '../rebuilders/policy.ts'
import { readPolicyKeyFile } from '../rebuilders/policy-key.ts'
import { policyLayout } from '../rebuilders/policy-layout.ts'
import { lintLayout } from './lint.ts'

const NOW = new Date('2025-01-01T00:00:00Z')
const DEBIAN = readFileSync(join(FIXTURES, 'rebuilderd/reproduce-debian-net-amd64.pub'), 'utf8')
const ARCH = readFileSync(join(FIXTURES, 'rebuilderd/reproducible-archlinux.pub'), 'utf8')
const twice = (layout: ReturnType<typeof parseLayout>, operators?: ReadonlyMap<string, string>) =>
  lintLayout(layout, { now: NOW, operators }).filter((finding) => finding.code === 'one-operator-twice')

describe('lint: two keys of one operator for one step', () => {
  it('warns when a rebuilder policy gives one operator two keys of the rebuild step', async () => {
    let policy = emptyPolicy(2)
    policy = addRebuilderKeys(policy, 'reproduce.debian.net', await readPolicyKeyFile(DEBIAN, 'amd64.pub', 'amd64'))
    policy = addRebuilderKeys(policy, 'reproduce.debian.net', await readPolicyKeyFile(ARCH, 'arm64.pub', 'arm64'))
    const { layout, operators } = policyLayout(policy, { now: NOW })
    const findings = twice(layout, operators)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ severity: 'warning', path: 'steps[0].pubkeys', target: { kind: 'step', name: 'rebuild' } })
    expect(findings[0]?.message).toBe(
      "Step 'rebuild' authorizes 2 keys of rebuilder 'reproduce.debian.net' (2980aa62…, 1ae6d32c…) as separate functionaries: in-toto counts each toward the threshold, so that one party counts 2 times. Authorize one of them.",
    )
    // Two operators, one key each: nothing to say.
    const separate = policyLayout(addRebuilderKeys(addRebuilderKeys(emptyPolicy(2), 'a', await readPolicyKeyFile(DEBIAN, 'a.pub')), 'b', await readPolicyKeyFile(ARCH, 'b.pub')), {
      now: NOW,
    })
    expect(twice(separate.layout, separate.operators)).toEqual([])
  })

  it('warns without operators when one public key is listed under two keyids', () => {
    const key = functionaryKeyFromFile(DEBIAN, 'debian.pub')
    // The in-toto 2.x keyid of the same key (no keyid_hash_algorithms in the preimage).
    const other = 'ab'.repeat(32)
    let layout = policyLayout(emptyPolicy(2), { now: NOW }).layout
    layout = addKey(addKey(layout, key.keyid, key.json), other, key.json)
    layout = authorizeKey(authorizeKey(layout, 0, key.keyid), 0, other)
    expect(twice(layout).map((finding) => finding.message)).toEqual([expect.stringContaining('authorizes 2 keys of one public key (2980aa62…, abababab…)')])
  })

  it('warns when an OpenPGP key is authorized next to its own subkey', () => {
    const signed = (parseJson(readFileSync(join(FIXTURES, 'apt-transport-in-toto/test.layout'), 'utf8')) as JsonObject).get('signed') as JsonObject
    let layout = parseLayout(signed)
    expect(twice(layout)).toEqual([])
    const master = layout.keys.get('5863835e5ec8e640fa24410f069edc1d59b58507')
    const subkeyid = '8357b173d137d2482eb2707bf12a7ffdbd73613c'
    const subkey = (master?.json.get('subkeys') as JsonObject).get(subkeyid) as JsonObject
    layout = authorizeKey(addKey(layout, subkeyid, subkey), 0, subkeyid)
    expect(twice(layout).map((finding) => finding.message)).toEqual([expect.stringContaining('of the OpenPGP key 5863835e… and its subkeys (5863835e…, 8357b173…)')])
  })
})

describe('keyids of layout keys', () => {
  const layoutOf = (path: string) => {
    const envelope = readEnvelope(readFileSync(join(FIXTURES, path)), path)
    if (envelope.content.type !== 'layout') throw new Error('not a layout')
    return envelope.content.layout
  }
  const mismatches = (layout: Layout) => lintLayout(layout).filter((finding) => finding.code === 'keyid-mismatch')

  it('takes an OpenPGP key under its fingerprint (and its subkeys under theirs)', () => {
    for (const vector of ['gpg-rsa-demo-pass', 'gpg-subkey-link-in-toto-run', 'gpg-owner-rsa-func-eddsa', 'gpg-owner-rsa-func-dsa', 'gpg-sublayout-pass']) {
      expect(mismatches(layoutOf(`vectors-gpg/${vector}/layout/root.layout`)), vector).toEqual([])
    }
  })

  it('takes a key under its in-toto 2.x keyid (the in-toto 3.0 demo chain)', () => {
    expect(mismatches(layoutOf('in-toto-2x/final_product/root.layout'))).toEqual([])
  })

  it('flags an OpenPGP key listed under another fingerprint', () => {
    const layout = layoutOf('vectors-gpg/gpg-rsa-demo-pass/layout/root.layout')
    const [id, key] = [...layout.keys][0]!
    const wrong = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`
    const json = new Map(key.json)
    json.set('keyid', wrong)
    const edited = { ...layout, keys: new Map([[wrong, layoutKeyFromJson(json)]]) }
    expect(mismatches(edited).map((finding) => finding.message)).toEqual([expect.stringMatching(/is listed under an id that is not its fingerprint/)])
  })
})
