import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { digestsOf, makeRebuilder, rebuilderdAttestation, rebuilderdPem, tamperProductDigest, type GeneratedRebuilder } from '../../../test/support/rebuilderd-attestations.ts'
import type { HashAlgorithm } from '../hash.ts'
import { keyidOf } from '../keys/keyid-generations.ts'
import { encodeCanonical } from '../json/canonical.ts'
import { parseJson } from '../json/parse.ts'
import type { JsonObject } from '../json/value.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { readAttestation, type Attestation } from './attestation.ts'
import { checkPackages, type HashPackage, type PackageFile, type PackageResult } from './check.ts'
import { addRebuilderKeys, emptyPolicy, setQuorum, type RebuilderPolicy } from './policy.ts'
import { readPolicyKeyFile } from './policy-key.ts'

const REBUILDERD = join(FIXTURES, 'rebuilderd')
const DEB = 'librust-as-slice-dev_0.2.1-1+b2_amd64.deb'
const ARCH = 'filesystem-2025.10.12-1-any.pkg.tar.zst'

/** Packages in memory, hashed with node:crypto (independently of the core). */
function packages(files: Record<string, Uint8Array | string>): { list: PackageFile[]; hash: HashPackage } {
  const bytes = new Map(Object.entries(files).map(([name, data]) => [name, typeof data === 'string' ? new TextEncoder().encode(data) : data]))
  return {
    list: [...bytes].map(([name, data]) => ({ path: name, name: name.slice(name.lastIndexOf('/') + 1), size: data.length })),
    hash: async (file) => {
      const data = bytes.get(file.path) as Uint8Array
      return new Map<HashAlgorithm, string>([
        ['sha256', createHash('sha256').update(data).digest('hex')],
        ['sha512', createHash('sha512').update(data).digest('hex')],
      ])
    },
  }
}

function attestation(bytes: Uint8Array, path: string): Attestation {
  const read = readAttestation(bytes, path)
  if (!read.ok) throw new Error(read.unreadable.problem)
  return read.attestation
}

const fixture = (name: string) => readFileSync(join(REBUILDERD, name))
const fixtureAttestation = (name: string) => attestation(fixture(name), name)

async function policyOf(threshold: number, rebuilders: Record<string, string[]>): Promise<RebuilderPolicy> {
  let policy = emptyPolicy(threshold)
  for (const [name, pems] of Object.entries(rebuilders)) for (const pem of pems) policy = addRebuilderKeys(policy, name, await readPolicyKeyFile(pem, `${name}.pub`))
  return policy
}

async function checkOne(policy: RebuilderPolicy, files: Record<string, Uint8Array | string>, attestations: Attestation[]): Promise<PackageResult> {
  const { list, hash } = packages(files)
  const result = await checkPackages(policy, list, attestations, hash)
  return result.packages[0] as PackageResult
}

describe('real rebuilderd attestations', () => {
  const debianKey = () => readFileSync(join(REBUILDERD, 'reproduce-debian-net-amd64.pub'), 'utf8')
  const archKey = () => readFileSync(join(REBUILDERD, 'reproducible-archlinux.pub'), 'utf8')

  it('the reproduce.debian.net package passes with its rebuilder key and threshold 1, signed by the daemon key', async () => {
    const result = await checkOne(await policyOf(1, { 'reproduce.debian.net': [debianKey()] }), { [DEB]: fixture(DEB) }, [fixtureAttestation(`${DEB.slice(0, -4)}.in-toto.link`)])
    expect(result.verdict).toBe('pass')
    expect(result.sentence).toBe('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
    const [rebuilder] = result.rebuilders
    expect(rebuilder?.status).toBe('reproduced')
    const check = rebuilder?.attestations[0]
    expect(check?.mode).toBe('rebuilderd')
    expect(check?.stepName).toBe(`rebuild ${DEB}`)
    expect(check?.signatures.map((signature) => [signature.role, signature.status, signature.keyid.slice(0, 8)])).toEqual([
      ['worker', 'untrusted', '70a3c0fb'],
      ['daemon', 'valid', '2980aa62'],
    ])
    expect(check?.digests.map((digest) => [digest.algorithm, digest.equal])).toEqual([
      ['sha512', true],
      ['sha256', true],
    ])
    expect(result.notes.join(' ')).toMatch(/rebuilderd mode.*Python in-toto \(1.3.1 and 2.x\) refuses to load this link/)
  })

  it('the reproducible.archlinux.org package passes with its key; the INVALID attestation does not count', async () => {
    const policy = await policyOf(1, { 'reproducible.archlinux.org': [archKey()] })
    const valid = fixtureAttestation('filesystem-2025.10.12-1-any.in-toto.link')
    const invalid = fixtureAttestation('filesystem-2025.10.12-1-any.INVALID.in-toto.link')
    const file = { [ARCH]: fixture(ARCH) }
    expect((await checkOne(policy, file, [valid])).verdict).toBe('pass')
    const alone = await checkOne(policy, file, [invalid])
    expect(alone.verdict).toBe('fail')
    expect(alone.votes).toBe(0)
    expect(alone.rebuilders[0]?.status).toBe('bad-signature')
    expect(alone.rebuilders[0]?.summary).toMatch(/does not count .* is invalid/)
    const both = await checkOne(policy, file, [invalid, valid])
    expect([both.verdict, both.votes]).toEqual(['pass', 1])
  })

  it("another operator's key does not count", async () => {
    const result = await checkOne(await policyOf(1, { 'reproducible.archlinux.org': [archKey()] }), { [DEB]: fixture(DEB) }, [
      fixtureAttestation(`${DEB.slice(0, -4)}.in-toto.link`),
    ])
    expect(result.verdict).toBe('fail')
    expect(result.rebuilders[0]?.status).toBe('missing')
    expect(result.untrusted.map((check) => check.path)).toEqual([`${DEB.slice(0, -4)}.in-toto.link`])
  })

  it('a file that is not the attested package fails: its digests differ', async () => {
    const result = await checkOne(await policyOf(1, { 'reproduce.debian.net': [debianKey()] }), { [DEB]: 'something else' }, [
      fixtureAttestation(`${DEB.slice(0, -4)}.in-toto.link`),
    ])
    expect(result.verdict).toBe('fail')
    expect(result.dissenters).toEqual(['reproduce.debian.net'])
    expect(result.rebuilders[0]?.summary).toMatch(/reports different bytes: sha512 98c17aafed2f… where the file has/)
  })

  it('lists attestations for other files apart', async () => {
    const { list, hash } = packages({ [DEB]: fixture(DEB) })
    const result = await checkPackages(await policyOf(1, { 'reproduce.debian.net': [debianKey()] }), list, [fixtureAttestation('filesystem-2025.10.12-1-any.in-toto.link')], hash)
    expect(result.otherAttestations).toEqual([{ path: 'filesystem-2025.10.12-1-any.in-toto.link', stepName: `rebuild ${ARCH}`, files: [ARCH], signedBy: [] }])
  })
})

describe('generated rebuilderd attestations', () => {
  const artifact = 'hello_2.10-3_amd64.deb'
  const good = 'the package as built'
  const goodDigests = digestsOf(good)
  let rebuilders: GeneratedRebuilder[]
  let stranger: GeneratedRebuilder

  beforeAll(async () => {
    rebuilders = await Promise.all(['alpha', 'beta', 'gamma', 'delta'].map(makeRebuilder))
    stranger = await makeRebuilder('stranger')
  })

  const daemonPolicy = (k: number, count = 4) => policyOf(k, Object.fromEntries(rebuilders.slice(0, count).map((r) => [r.name, [rebuilderdPem(r.daemon)]])))
  const attest = async (rebuilder: GeneratedRebuilder, digests = goodDigests, name = artifact) =>
    attestation(await rebuilderdAttestation(rebuilder, { artifact: name, digests }), `${rebuilder.name}/${name.replace(/\.deb$/, '')}.in-toto.link`)
  const all = (count: number) => Promise.all(rebuilders.slice(0, count).map((r) => attest(r)))

  it('k of n agree: passes with k or more, fails with fewer', async () => {
    const policy = await daemonPolicy(2)
    const three = await checkOne(policy, { [artifact]: good }, await all(3))
    expect([three.verdict, three.sentence]).toEqual(['pass', '3 of 4 trusted rebuilders reproduced this file exactly (2 needed).'])
    const one = await checkOne(policy, { [artifact]: good }, await all(1))
    expect(one.verdict).toBe('fail')
    expect(one.sentence).toBe('1 of 4 trusted rebuilders reproduced this file exactly (2 needed): too few; beta: no attestation; gamma: no attestation; delta: no attestation.')
  })

  it('a dissent fails by default and passes in quorum mode with k agreeing, still shown', async () => {
    const policy = await daemonPolicy(2)
    const other = digestsOf('a different build')
    const attestations = [...(await all(3)), await attest(rebuilders[3] as GeneratedRebuilder, other)]
    const strict = await checkOne(policy, { [artifact]: good }, attestations)
    expect(strict.verdict).toBe('fail')
    expect(strict.dissenters).toEqual(['delta'])
    expect(strict.sentence).toMatch(/^3 of 4 trusted rebuilders reproduced this file exactly \(2 needed\), but delta reported different bytes: rebuilders disagree/)
    expect(strict.rebuilders[3]?.summary).toContain(`sha512 ${other.sha512.slice(0, 12)}… where the file has ${goodDigests.sha512.slice(0, 12)}…`)
    const quorum = await checkOne(setQuorum(policy, true), { [artifact]: good }, attestations)
    expect(quorum.verdict).toBe('pass')
    expect(quorum.sentence).toBe('3 of 4 trusted rebuilders reproduced this file exactly (2 needed); delta reported different bytes, outvoted in quorum mode.')
    const short = await checkOne(setQuorum(await daemonPolicy(4), true), { [artifact]: good }, attestations)
    expect(short.verdict).toBe('fail')
  })

  it('one operator with two keys counts once', async () => {
    const [alpha] = rebuilders as [GeneratedRebuilder]
    const policy = await policyOf(2, { alpha: [rebuilderdPem(alpha.worker), rebuilderdPem(alpha.daemon)] })
    const result = await checkOne(policy, { [artifact]: good }, [await attest(alpha)])
    expect([result.verdict, result.votes]).toEqual(['fail', 1])
    expect(result.rebuilders[0]?.summary).toMatch(/signed by worker \w{8} and daemon \w{8}|signed by key \w{8} and key \w{8}/)
    // Two instances of one operator (two attestations, one per key) are one vote too.
    const second = attestation(await rebuilderdAttestation(alpha, { artifact, digests: goodDigests, signers: [alpha.worker] }), 'arm64.link')
    const again = await checkOne(policy, { [artifact]: good }, [await attest(alpha), second])
    expect(again.votes).toBe(1)
  })

  it('a signature under the in-toto 2.x keyid of a trusted key counts too', async () => {
    const [alpha] = rebuilders as [GeneratedRebuilder]
    const v2 = keyidOf(alpha.daemon.publicKey, '2.x')
    expect(v2).not.toBe(alpha.daemon.publicKey.keyid)
    const file = await rebuilderdAttestation(alpha, { artifact, digests: goodDigests, signers: [alpha.daemon], keyids: [v2] })
    const result = await checkOne(await daemonPolicy(1, 1), { [artifact]: good }, [attestation(file, 'v2.link')])
    expect([result.verdict, result.rebuilders[0]?.attestations[0]?.signatures[0]?.keyid]).toEqual(['pass', v2])
  })

  it('an untrusted signer does not count and is listed apart', async () => {
    const result = await checkOne(await daemonPolicy(1), { [artifact]: good }, [await attest(stranger)])
    expect(result.verdict).toBe('fail')
    expect(result.untrusted).toHaveLength(1)
    expect(result.untrusted[0]?.signatures.every((signature) => signature.status === 'untrusted')).toBe(true)
  })

  it('a tampered product digest breaks the signature: no vote, no dissent', async () => {
    const [alpha] = rebuilders as [GeneratedRebuilder]
    const tampered = attestation(tamperProductDigest(await rebuilderdAttestation(alpha, { artifact, digests: goodDigests }), artifact), 'alpha.link')
    const result = await checkOne(await daemonPolicy(1), { [artifact]: good }, [tampered])
    expect(result.verdict).toBe('fail')
    expect(result.rebuilders[0]?.status).toBe('bad-signature')
    expect(result.dissenters).toEqual([])
  })

  it('a missing attestation is reported as such', async () => {
    const result = await checkOne(await daemonPolicy(2, 2), { [artifact]: good }, await all(1))
    expect(result.rebuilders.map((r) => r.status)).toEqual(['reproduced', 'missing'])
    expect(result.rebuilders[1]?.summary).toBe(`beta: no attestation for '${artifact}'`)
  })

  it('a package file whose name differs from the attested name gets no vote, and says under which name the bytes are attested', async () => {
    const result = await checkOne(await daemonPolicy(1, 1), { 'renamed.deb': good }, await all(1))
    expect(result.verdict).toBe('fail')
    expect(result.rebuilders[0]?.status).toBe('missing')
    expect(result.rebuilders[0]?.sameBytesAs).toEqual([artifact])
    expect(result.notes.join(' ')).toContain(`exactly these bytes as '${artifact}', not as 'renamed.deb'`)
  })

  it('verifies the bytes as signed: the same link with environment {} no longer verifies', async () => {
    const [alpha] = rebuilders as [GeneratedRebuilder]
    const text = new TextDecoder().decode(await rebuilderdAttestation(alpha, { artifact, digests: goodDigests }))
    const normalized = attestation(new TextEncoder().encode(text.replace('"environment":null', '"environment":{}')), 'normalized.link')
    expect(normalized.mode).toBe('in-toto')
    const result = await checkOne(await daemonPolicy(1, 1), { [artifact]: good }, [normalized])
    expect(result.rebuilders[0]?.status).toBe('bad-signature')
  })
})

describe('the 2018 design: apt-transport-in-toto, GPG keys', () => {
  const APT = join(FIXTURES, 'apt-transport-in-toto')
  const DEB_NAME = 'final-product_0.0.0.0-0_all.deb'
  const links = () => ['rebuild.5863835e.link', 'rebuild.e946fc60.link'].map((name) => attestation(readFileSync(join(APT, name)), name))
  const aptPolicy = async (k: number) => {
    let policy = emptyPolicy(k)
    policy = addRebuilderKeys(policy, 'Bobby', await readPolicyKeyFile(readFileSync(join(APT, 'bobby.asc')), 'bobby.asc'))
    policy = addRebuilderKeys(policy, 'Carly', await readPolicyKeyFile(readFileSync(join(APT, 'carly.asc')), 'carly.asc'))
    return policy
  }

  const withoutCreationTime = (json: JsonObject): JsonObject => {
    const copy = new Map(json)
    copy.delete('creation_time')
    const subkeys = copy.get('subkeys')
    if (subkeys instanceof Map) copy.set('subkeys', new Map([...subkeys].map(([id, sub]) => [id, withoutCreationTime(sub as JsonObject)])))
    return copy
  }

  it('the OpenPGP keys give exactly the key objects of apt-transport-in-toto’s layout', async () => {
    const policy = await aptPolicy(2)
    const keys = (parseJson(readFileSync(join(APT, 'test.layout'), 'utf8')) as JsonObject).get('signed') as JsonObject
    const layoutKeys = keys.get('keys') as JsonObject
    for (const rebuilder of policy.rebuilders) {
      const [key] = rebuilder.keys
      expect(key?.kind).toBe('openpgp')
      expect(key?.description).toMatch(/^OpenPGP RSA 2048 key [0-9a-f]{8}… \((Bobby|Carly) </)
      // The layout was written in 2018, before securesystemslib recorded creation_time.
      expect(encodeCanonical(withoutCreationTime(key?.layoutKey ?? new Map()))).toBe(encodeCanonical(layoutKeys.get(key?.keyid ?? '') ?? null))
    }
  })

  it('2 of 2 reproduced the good .deb; the bad one is a dissent of both; with one link of two it fails', async () => {
    const policy = await aptPolicy(2)
    const good = await checkOne(policy, { [DEB_NAME]: readFileSync(join(APT, 'good', DEB_NAME)) }, links())
    expect([good.verdict, good.sentence]).toEqual(['pass', '2 of 2 trusted rebuilders reproduced this file exactly (2 needed).'])
    expect(good.rebuilders[0]?.attestations[0]?.signatures.map((signature) => [signature.status, signature.signer?.rebuilder])).toEqual([['valid', 'Bobby']])
    expect(good.notes).toEqual([])
    const bad = await checkOne(policy, { [DEB_NAME]: readFileSync(join(APT, 'bad', DEB_NAME)) }, links())
    expect(bad.verdict).toBe('fail')
    expect(bad.dissenters).toEqual(['Bobby', 'Carly'])
    const one = await checkOne(policy, { [DEB_NAME]: readFileSync(join(APT, 'good', DEB_NAME)) }, links().slice(0, 1))
    expect([one.verdict, one.votes]).toEqual(['fail', 1])
  })
})
