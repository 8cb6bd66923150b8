import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CoreError, ValidationError } from '../errors.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { addRebuilderKeys, emptyPolicy, keyIndex, parsePolicy, policyProblems, removeRebuilderKey, renameRebuilder, serializePolicy, setKeyLabel, setThreshold } from './policy.ts'
import { readPolicyKeyFile } from './policy-key.ts'

const DEBIAN_PEM = readFileSync(join(FIXTURES, 'rebuilderd/reproduce-debian-net-amd64.pub'), 'utf8')
const ARCH_PEM = readFileSync(join(FIXTURES, 'rebuilderd/reproducible-archlinux.pub'), 'utf8')
const DANNY_JSON = readFileSync(join(FIXTURES, 'upstream/demo_files/danny.pub'), 'utf8')

async function samplePolicy() {
  let policy = emptyPolicy(2)
  policy = addRebuilderKeys(policy, 'reproduce.debian.net', await readPolicyKeyFile(DEBIAN_PEM, 'debian.pub', 'daemon'))
  policy = addRebuilderKeys(policy, 'reproducible.archlinux.org', await readPolicyKeyFile(ARCH_PEM, 'arch.pub'))
  policy = addRebuilderKeys(policy, 'danny', await readPolicyKeyFile(DANNY_JSON, 'danny.pub'))
  return policy
}

/** The problems of a refused policy file, as `path: message`. */
async function problems(text: string): Promise<string[]> {
  try {
    await parsePolicy(text, 'policy.json')
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
    if (error instanceof CoreError) return [`${error.path ?? ''}: ${error.detail}`]
    throw error
  }
  throw new Error('the policy was accepted')
}

const edit = async (mutate: (document: Record<string, unknown> & { rebuilders: Record<string, unknown>[] }) => void) => {
  const document = JSON.parse(serializePolicy(await samplePolicy()))
  mutate(document)
  return JSON.stringify(document)
}

describe('rebuilder policy files', () => {
  it('round-trips: save, load, save gives the same text', async () => {
    const text = serializePolicy(await samplePolicy())
    const loaded = await parsePolicy(text, 'policy.json')
    expect(serializePolicy(loaded)).toBe(text)
    expect(loaded.rebuilders.map((rebuilder) => [rebuilder.name, rebuilder.keys.map((key) => [key.format, key.label, key.keyid.slice(0, 8)])])).toEqual([
      ['reproduce.debian.net', [['spki-pem', 'daemon', '2980aa62']]],
      ['reproducible.archlinux.org', [['spki-pem', '', '1ae6d32c']]],
      ['danny', [['securesystemslib', '', expect.any(String)]]],
    ])
    expect(JSON.parse(text)).toMatchObject({ type: 'layout-studio/rebuilder-policy', version: 1, threshold: 2, quorum: false })
  })

  it('names the JSON path of every problem', async () => {
    expect(await problems('[]')).toEqual([': must be a JSON object, found array'])
    expect(await problems('{"type": "something"}')).toEqual(['type: must be "layout-studio/rebuilder-policy", found "something"'])
    expect(await problems(await edit((d) => (d.version = 2)))).toEqual(['version: version 2 was written by a newer Layout Studio; this one reads version 1'])
    expect(await problems(await edit((d) => (d.threshold = 0)))).toEqual(['threshold: must be between 1 and 256, found 0'])
    expect(await problems(await edit((d) => (d.threshold = 1.5)))).toEqual(['threshold: must be an integer, found float 1.5'])
    expect(await problems(await edit((d) => (d.quorum = 'yes')))).toEqual(['quorum: must be true or false, found "yes"'])
    expect(await problems(await edit((d) => (d.extra = 1)))).toEqual(['extra: unknown member (expected "type", "version", "threshold", "quorum", "rebuilders")'])
    expect(await problems(await edit((d) => ((d.rebuilders[1] as { name: string }).name = 'reproduce.debian.net')))).toEqual([
      "rebuilders[1].name: the name 'reproduce.debian.net' is also used by rebuilders[0]: give one operator's keys under one name",
    ])
    expect(
      await problems(
        await edit((d) => {
          ;(d.rebuilders[1] as { keys: unknown[] }).keys = (d.rebuilders[0] as { keys: unknown[] }).keys
        }),
      ),
    ).toEqual(['rebuilders[1].keys[0].text: key 2980aa62… is also at rebuilders[0].keys[0].text: one key votes for one rebuilder, once'])
    expect(
      await problems(
        await edit((d) => {
          ;(d.rebuilders[0] as { keys: { text: string }[] }).keys[0]!.text = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'
        }),
      ),
    ).toEqual([expect.stringMatching(/^rebuilders\[0\]\.keys\[0\]\.text: .*malformed DER/)])
    expect(
      await problems(
        await edit((d) => {
          ;(d.rebuilders[0] as { keys: { keyid: string }[] }).keys[0]!.keyid = '00'
        }),
      ),
    ).toEqual([expect.stringMatching(/^rebuilders\[0\]\.keys\[0\]\.keyid: is 00, but the key's keyid is 2980aa62/)])
    expect(
      await problems(
        await edit((d) => {
          ;(d.rebuilders[2] as { keys: { format: string }[] }).keys[0]!.format = 'spki-pem'
        }),
      ),
    ).toEqual(['rebuilders[2].keys[0].text: an "spki-pem" key is one "-----BEGIN PUBLIC KEY-----" block'])
    expect(await problems('{"type": "layout-studio/rebuilder-policy", "version": 1, "threshold": 1, "rebuilders": [{"name": " x", "keys": 3}]}')).toEqual([
      'rebuilders[0].name: must not start or end with spaces',
      'rebuilders[0].keys: must be a list, found 3',
    ])
  })

  it('refuses what is not JSON, and huge files, with a clear message', async () => {
    expect(await problems('{"type": ')).toEqual([expect.stringMatching(/unexpected end|end of/i)])
    expect(await problems(`{"type": "${'x'.repeat(1024 * 1024)}"}`)).toEqual([expect.stringMatching(/at most 1024 KiB/)])
  })

  it('editing: a name repeated is one operator with several keys; a key belongs to one operator', async () => {
    let policy = addRebuilderKeys(emptyPolicy(1), 'r', await readPolicyKeyFile(DEBIAN_PEM, 'a.pub', 'daemon'))
    policy = addRebuilderKeys(policy, 'r', await readPolicyKeyFile(ARCH_PEM, 'b.pub', 'arm64'))
    expect(policy.rebuilders).toHaveLength(1)
    expect(policy.rebuilders[0]?.keys.map((key) => key.label)).toEqual(['daemon', 'arm64'])
    const again = await readPolicyKeyFile(ARCH_PEM, 'b.pub')
    expect(() => addRebuilderKeys(policy, 'other', again)).toThrow("key 1ae6d32c… is already a key of rebuilder 'r'")
    expect(keyIndex(policy).get('1ae6d32cb5bb8a98312106de28e50af7e09a9b294d51df459537908ac1288b8f')?.rebuilder.name).toBe('r')
    policy = setKeyLabel(renameRebuilder(policy, 'r', 'renamed'), 'renamed', policy.rebuilders[0]!.keys[0]!.keyid, 'worker')
    expect(policy.rebuilders[0]?.keys[0]?.label).toBe('worker')
    policy = removeRebuilderKey(policy, 'renamed', policy.rebuilders[0]!.keys[0]!.keyid)
    expect(policy.rebuilders[0]?.keys).toHaveLength(1)
    expect(() => setThreshold(policy, 0)).toThrow(/at least 1/)
    expect(policyProblems(setThreshold(policy, 2))).toEqual(['The threshold is 2, but only 1 rebuilder is trusted: no package can pass.'])
  })

  it('reads every PEM block of a key file as one key', async () => {
    const keys = await readPolicyKeyFile(`${DEBIAN_PEM}\n${ARCH_PEM}`, 'keys.pem', 'amd64')
    expect(keys.map((key) => [key.label, key.keyid.slice(0, 8)])).toEqual([
      ['amd64 1', '2980aa62'],
      ['amd64 2', '1ae6d32c'],
    ])
    await expect(readPolicyKeyFile('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', 'x.pem')).rejects.toThrow(/private key/)
  })

  it('OpenPGP keys: a GnuPG keyring gives one key per certificate, each saved armored and read back the same', async () => {
    const keys = await readPolicyKeyFile(readFileSync(join(FIXTURES, 'apt-transport-in-toto/gpg_keyring/pubring.gpg')), 'pubring.gpg', 'ring')
    expect(keys.map((key) => [key.format, key.label, key.keyid.slice(0, 8)])).toEqual([
      ['openpgp', 'ring 1', '88876a89'],
      ['openpgp', 'ring 2', '5863835e'],
      ['openpgp', 'ring 3', 'e946fc60'],
    ])
    let policy = emptyPolicy(2)
    for (const key of keys) policy = addRebuilderKeys(policy, key.keyid.slice(0, 8), [key])
    const text = serializePolicy(policy)
    expect(text).toContain('-----BEGIN PGP PUBLIC KEY BLOCK-----')
    const loaded = await parsePolicy(text)
    expect(loaded.rebuilders.map((rebuilder) => rebuilder.keys[0]?.keyid)).toEqual(keys.map((key) => key.keyid))
    expect(loaded.rebuilders[1]?.keys[0]?.signatureKeyids).toEqual(['5863835e5ec8e640fa24410f069edc1d59b58507', '8357b173d137d2482eb2707bf12a7ffdbd73613c'])
    expect(serializePolicy(loaded)).toBe(text)
    // The armored export of one key is the same key.
    const [bobby] = await readPolicyKeyFile(readFileSync(join(FIXTURES, 'apt-transport-in-toto/bobby.asc'), 'utf8'), 'bobby.asc')
    expect(bobby?.keyid).toBe(keys[1]?.keyid)
    expect(await problems(serializePolicy(policy).replace('"format": "openpgp"', '"format": "spki-pem"'))).toEqual([
      expect.stringMatching(/^rebuilders\[0\]\.keys\[0\]\.text: an "spki-pem" key is one/),
    ])
  })
})
