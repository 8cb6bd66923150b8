import { createHash } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { serializeEnvelope, signDocument } from '../envelope/sign.ts'
import type { HashAlgorithm } from '../hash.ts'
import { generateKeyPair } from '../keys/generate.ts'
import type { PrivateKey } from '../keys/types.ts'
import { artifactMap, createLink } from '../model/link.ts'
import { readAttestation, type Attestation } from './attestation.ts'
import { checkPackages, type PackageResult } from './check.ts'
import { addRebuilderKeys, emptyPolicy, setQuorum, type RebuilderPolicy } from './policy.ts'
import { readPolicyKeyFile } from './policy-key.ts'

const DEB = 'hello_2.10-3_all.deb'
const CONTENT = 'the package'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A rebuilder's link as in-toto-run writes it for the 2018 design: step `rebuild`, products the built files. */
async function rebuildLink(key: PrivateKey, products: Record<string, string>, path: string): Promise<Attestation> {
  const link = createLink('rebuild', { products: artifactMap(Object.fromEntries(Object.entries(products).map(([name, text]) => [name, { sha256: sha256(text) }]))) })
  const bytes = new TextEncoder().encode(serializeEnvelope(await signDocument({ type: 'link', link }, [key])))
  const read = readAttestation(bytes, path)
  if (!read.ok) throw new Error(read.unreadable.problem)
  return read.attestation
}

/** The key as a securesystemslib JSON public key file. */
const keyFile = (key: PrivateKey) => JSON.stringify({ keytype: 'ed25519', scheme: 'ed25519', keyval: { public: key.publicKey.public } })

async function check(policy: RebuilderPolicy, attestations: Attestation[]): Promise<PackageResult> {
  const digests = new Map<HashAlgorithm, string>([
    ['sha256', sha256(CONTENT)],
    ['sha512', createHash('sha512').update(CONTENT).digest('hex')],
  ])
  const result = await checkPackages(policy, [{ path: DEB, name: DEB, size: CONTENT.length }], attestations, async () => digests)
  return result.packages[0] as PackageResult
}

describe('in-toto links of the 2018 design go through the ordinary verifier too', () => {
  let keys: PrivateKey[]
  let policy: RebuilderPolicy
  beforeAll(async () => {
    keys = await Promise.all([0, 1, 2].map(() => generateKeyPair('ed25519')))
    policy = emptyPolicy(2)
    for (const [index, key] of keys.entries()) policy = addRebuilderKeys(policy, `r${index}`, await readPolicyKeyFile(keyFile(key), `r${index}.pub`))
  })
  const links = (contents: (Record<string, string> | undefined)[]) =>
    Promise.all(contents.flatMap((products, index) => (products ? [rebuildLink(keys[index] as PrivateKey, products, `r${index}.link`)] : [])))

  it('k agreeing: both the votes and in-toto-verify pass', async () => {
    const result = await check(policy, await links([{ [DEB]: CONTENT }, { [DEB]: CONTENT }, undefined]))
    expect(result.inToto).toEqual({ verdict: 'pass' })
    expect([result.verdict, result.sentence]).toEqual(['pass', '2 of 3 trusted rebuilders reproduced this file exactly (2 needed).'])
  })

  it('too few: in-toto-verify fails at the threshold too', async () => {
    const result = await check(policy, await links([{ [DEB]: CONTENT }]))
    expect(result.verdict).toBe('fail')
    expect(result.inToto).toMatchObject({ verdict: 'fail', stage: 'link-threshold', errorType: 'LinkNotFoundError' })
  })

  it('links that disagree: in-toto-verify fails; quorum mode passes and says in-toto-verify would refuse', async () => {
    const attestations = await links([{ [DEB]: CONTENT }, { [DEB]: CONTENT }, { [DEB]: 'another build' }])
    const strict = await check(policy, attestations)
    expect(strict.verdict).toBe('fail')
    expect(strict.inToto).toMatchObject({ verdict: 'fail', stage: 'link-threshold' })
    const quorum = await check(setQuorum(policy, true), attestations)
    expect(quorum.verdict).toBe('pass')
    expect(quorum.notes.join(' ')).toMatch(
      /^in-toto-verify would refuse this file with the layout this policy amounts to, as its rebuilders disagree: Step 'rebuild' requires 2 functionaries to agree/,
    )
  })

  it('in-toto-verify’s verdict stands where the votes alone would pass: links that report different products', async () => {
    const result = await check(policy, await links([{ [DEB]: CONTENT, 'extra.deb': 'x' }, { [DEB]: CONTENT }]))
    expect(result.votes).toBe(2)
    expect(result.verdict).toBe('fail')
    expect(result.sentence).toMatch(
      /^2 of 3 trusted rebuilders reproduced this file exactly \(2 needed\), but in-toto-verify fails the layout this policy amounts to: Step 'rebuild' requires 2 functionaries to agree, but 'rebuild\.[0-9a-f]{8}\.link' and 'rebuild\.[0-9a-f]{8}\.link' report different products: 'extra\.deb' only in 'rebuild\.[0-9a-f]{8}\.link'\.$/,
    )
  })

  it('does not apply to an operator with two keys (in-toto would count them twice), nor to rebuilderd links', async () => {
    const two = addRebuilderKeys(policy, 'r0', await readPolicyKeyFile(keyFile(await generateKeyPair('ed25519')), 'r0b.pub'))
    const result = await check(two, await links([{ [DEB]: CONTENT }, { [DEB]: CONTENT }]))
    expect(result.inToto).toEqual({ verdict: 'not-applicable', reason: "'r0' has 2 keys, which in-toto would count as 2 votes" })
    expect(result.verdict).toBe('pass')
  })
})
