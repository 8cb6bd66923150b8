/**
 * The property inference exists for, on random recorded runs, in our own verifier: the layout
 * inferred from a good run, once signed, passes on that run; and changing any artifact a
 * proposed MATCH rests on (a file swapped between two steps: the consumer's material, or the
 * producer's product) makes it fail at an artifact rule.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { signDocument } from '../envelope/sign.ts'
import { generateKeyPair } from '../keys/generate.ts'
import type { PrivateKey } from '../keys/types.ts'
import type { Layout } from '../model/types.ts'
import { parseRule } from '../rules/parse.ts'
import { memoryLinks } from '../links/index.ts'
import { verifySupplyChain } from '../verify/verify.ts'
import { chainPlan, runChain, signLinks, withDigest, type RecordedLink, type SignedLink } from '../../../test/support/chains.ts'
import { inferLayout } from './infer.ts'
import type { ArtifactEvidence } from './types.ts'

let owner: PrivateKey
let functionaries: PrivateKey[]

beforeAll(async () => {
  owner = await generateKeyPair('ed25519')
  functionaries = [await generateKeyPair('ed25519'), await generateKeyPair('ed25519'), await generateKeyPair('ed25519')]
})

async function verify(layout: Layout, links: readonly SignedLink[]) {
  const envelope = await signDocument({ type: 'layout', layout }, [owner])
  return verifySupplyChain({ layout: envelope, layoutKeys: [owner.publicKey], links: memoryLinks(links.map((link) => [link.file, link.bytes])) })
}

async function infer(links: readonly SignedLink[], order: readonly number[]) {
  return inferLayout({
    links: order.map((i) => links[i] as SignedLink).map((link) => ({ file: link.file, envelope: link.envelope })),
    keys: functionaries.map((key) => ({ publicKey: key.publicKey })),
    expires: '2099-01-01T00:00:00Z',
  })
}

const planWithOrder = chainPlan.chain((plan) => {
  const count = plan.steps.reduce((sum, step) => sum + step.signers, 0)
  return fc.tuple(fc.constant(plan), fc.shuffledSubarray([...Array(count).keys()], { minLength: count, maxLength: count }))
})

describe('a layout inferred from a recorded run', () => {
  it('passes on that run, whatever order the links are given in', async () => {
    await fc.assert(
      fc.asyncProperty(planWithOrder, async ([plan, order]) => {
        const links = await signLinks(runChain(plan, functionaries))
        const inference = await infer(links, order)
        expect(inference.notes.filter((note) => note.message.includes('do not pass'))).toEqual([])
        const report = await verify(inference.layout, links)
        expect(report.failure).toBeUndefined()
        expect(report.verdict).toBe('pass')
      }),
      { numRuns: 60 },
    )
  })

  it('recovers the run order of steps that depend on each other when everything is recorded', async () => {
    const fullyRecorded = planWithOrder.map(([plan, order]) => {
      const all = plan.initial.map(() => true)
      return [{ ...plan, steps: plan.steps.map((step) => ({ ...step, recordMaterial: all, recordProduct: all })) }, order] as const
    })
    await fc.assert(
      fc.asyncProperty(fullyRecorded, async ([plan, order]) => {
        const recorded = runChain(plan, functionaries)
        const inference = await infer(await signLinks(recorded), order)
        expect(inference.notes.filter((note) => note.message.includes('each use files the other produced'))).toEqual([])
        const position = new Map(inference.layout.steps.map((step, index) => [step.name, index]))
        const written = new Map<string, string>()
        for (const { step, link } of recorded) {
          for (const [path, hashes] of link.materials) {
            const writer = written.get(`${path} ${hashes.get('sha256')}`)
            if (writer !== undefined && writer !== step) expect(position.get(writer)).toBeLessThan(position.get(step) as number)
          }
          for (const [path, hashes] of link.products) if (link.materials.get(path)?.get('sha256') !== hashes.get('sha256')) written.set(`${path} ${hashes.get('sha256')}`, step)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('fails when an artifact a MATCH rests on is changed, on either side', async () => {
    await fc.assert(
      fc.asyncProperty(planWithOrder, fc.nat(), fc.boolean(), async ([plan, order], pick, consumerSide) => {
        const recorded = runChain(plan, functionaries)
        const inference = await infer(await signLinks(recorded), order)
        const pairs: [ArtifactEvidence, ArtifactEvidence][] = []
        for (const item of inference.items) {
          if (item.kind !== 'step') continue
          for (const proposed of item.materials) {
            if (parseRule(proposed.rule).type !== 'MATCH') continue
            for (let i = 0; i + 1 < proposed.evidence.length; i += 2) pairs.push([proposed.evidence[i] as ArtifactEvidence, proposed.evidence[i + 1] as ArtifactEvidence])
          }
        }
        fc.pre(pairs.length > 0)
        const [material, product] = pairs[pick % pairs.length] as [ArtifactEvidence, ArtifactEvidence]
        const target = consumerSide ? material : product
        expect(target.list).toBe(consumerSide ? 'materials' : 'products')
        // Every functionary of the changed step records the changed artifact, so only the rules can catch it.
        const tampered: RecordedLink[] = recorded.map((link) =>
          link.step === target.step ? { ...link, link: withDigest(link.link, target.list, target.path, 'f'.repeat(64)) } : link,
        )
        const report = await verify(inference.layout, await signLinks(tampered))
        expect(report.verdict).toBe('fail')
        expect(report.failure?.stage).toBe('artifact-rule')
      }),
      { numRuns: 60 },
    )
  })
})
