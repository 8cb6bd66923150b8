/**
 * Tamper simulation over a verified bundle: without edits it says what the verification said,
 * item for item and trace for trace (every reference vector that reached the rules); each
 * kind of edit makes the rule that guards against it fail, with the verifier's sentence.
 */
import { gzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { writeTar } from '../../../test/support/tar-writer.ts'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import { loadVectors } from '../../../test/support/vectors.ts'
import { BundleSession } from './session.ts'
import { whyNotSimulated } from './tamper.ts'
import { TamperEditError, type TamperEdit } from './tamper-edits.ts'

const NOW = new Date('2030-01-01T00:00:00Z')
const DEMO = 'keys-owner-rsa-func-rsa'
const sha256 = (digest: string) => new Map([['sha256', digest]])
const OTHER = 'ab'.repeat(32)

async function verified(name: string) {
  const session = new BundleSession()
  const result = await session.verify({ ...vectorRequest(name), now: NOW })
  if (!result.report) throw new Error(`${name}: nothing verified`)
  return { session, report: result.report }
}

describe('a tamper simulation without edits', () => {
  for (const vector of loadVectors()) {
    it(`${vector.name}: says what the verification said`, async () => {
      const { session, report } = await verified(vector.name)
      const last = session.last
      if (last === undefined) throw new Error('no verification kept')
      if (whyNotSimulated(report, last.usedLinks) !== undefined) {
        await expect(session.simulate([])).rejects.toThrow(/^Nothing to simulate: the verification stopped before/)
        return
      }
      const simulation = await session.simulate([])
      expect(simulation.outcome).toBe(report.verdict)
      expect(simulation.failure).toEqual(report.failure)
      report.steps.forEach((step, index) => {
        if (step.status === 'not-reached') expect(simulation.unreached).toContain(step.name)
        else expect(simulation.steps[index]).toEqual(step)
      })
      report.inspections.forEach((inspection, index) => {
        if (inspection.status !== 'not-reached') expect(simulation.inspections[index]).toEqual(inspection)
      })
    })
  }
})

describe('a tamper simulation of the demo chain', () => {
  it('catches a changed digest in the products of write-code at package’s MATCH', async () => {
    const { session, report } = await verified(DEMO)
    expect(report.verdict).toBe('pass')
    const original = session.last?.usedLinks.get('write-code')?.products.get('foo.py')?.get('sha256') as string
    const simulation = await session.simulate([{ on: 'link', action: 'change', item: 'write-code', list: 'products', path: 'foo.py', hashes: sha256(OTHER) }])
    expect(simulation.outcome).toBe('fail')
    expect(simulation.failure).toMatchObject({ stage: 'artifact-rule', errorType: 'RuleVerificationError', step: 'package', ruleList: 'materials', ruleIndex: 1 })
    expect(simulation.failure?.message).toBe(
      `Step 'package', material rule 2 'DISALLOW *' forbids 'foo.py': no earlier rule accepted it. Rule 1 'MATCH foo.py WITH PRODUCTS FROM write-code' compared it with 'foo.py' in the products of 'write-code': expected sha256 ${OTHER.slice(0, 16)}…, found sha256 ${original.slice(0, 16)}….`,
    )
    expect(simulation.steps.map((step) => step.status)).toEqual(['pass', 'fail'])
    // The inspection's own MATCH against write-code fails as well; a verification would not get there.
    expect(simulation.inspections[0]?.status).toBe('fail')
    expect(simulation.unreached).toEqual(['untar'])
    // The verification's links are untouched; the simulation's carry the edit.
    expect(session.last?.usedLinks.get('write-code')?.products.get('foo.py')?.get('sha256')).toBe(original)
    expect(simulation.links.get('write-code')?.products.get('foo.py')?.get('sha256')).toBe(OTHER)
  })

  it('catches a removed artifact: the MATCH finds nothing to compare with', async () => {
    const { session } = await verified(DEMO)
    const simulation = await session.simulate([{ on: 'link', action: 'remove', item: 'write-code', list: 'products', path: 'foo.py' }])
    expect(simulation.failure?.step).toBe('package')
    expect(simulation.failure?.message).toMatch(
      /Rule 1 'MATCH foo\.py WITH PRODUCTS FROM write-code' looked for 'foo\.py' among the products of 'write-code' and did not find it\.$/,
    )
  })

  it('catches an added file with DISALLOW', async () => {
    const { session } = await verified(DEMO)
    const simulation = await session.simulate([{ on: 'link', action: 'add', item: 'package', list: 'products', path: 'backdoor.sh', hashes: sha256(OTHER) }])
    expect(simulation.failure).toMatchObject({ step: 'package', ruleList: 'products', ruleIndex: 2, path: 'steps[1].expected_products[2]' })
    expect(simulation.failure?.message).toBe("Step 'package', product rule 3 'DISALLOW *' forbids 'backdoor.sh': no earlier rule accepted it.")
    expect(simulation.steps[1]?.products?.failedRule).toBe(2)
  })

  it('passes when an edit is undone by a later one, and the edits apply in order', async () => {
    const { session } = await verified(DEMO)
    const original = session.last?.usedLinks.get('write-code')?.products.get('foo.py') as ReadonlyMap<string, string>
    const simulation = await session.simulate([
      { on: 'link', action: 'remove', item: 'write-code', list: 'products', path: 'foo.py' },
      { on: 'link', action: 'add', item: 'write-code', list: 'products', path: 'foo.py', hashes: original },
    ])
    expect(simulation.outcome).toBe('pass')
  })

  it('runs the inspection again over a replaced product file: a different tarball fails its MATCH', async () => {
    const { session } = await verified(DEMO)
    const tarball = gzipSync(writeTar([{ name: 'foo.py', data: 'print("something else")\n' }]))
    const simulation = await session.simulate([{ on: 'products', action: 'change', path: 'foo.tar.gz', bytes: tarball }])
    expect(simulation.steps.map((step) => step.status)).toEqual(['pass', 'pass'])
    expect(simulation.inspections[0]).toMatchObject({ how: 'emulated', returnValue: '0', status: 'fail' })
    expect(simulation.failure).toMatchObject({ stage: 'artifact-rule', inspection: 'untar', ruleList: 'materials', ruleIndex: 1 })
    expect(simulation.failure?.message).toMatch(
      /^Inspection 'untar', material rule 2 'DISALLOW \*' forbids 'foo\.tar\.gz': no earlier rule accepted it\. Rule 1 'MATCH foo\.tar\.gz WITH PRODUCTS FROM package' compared it with 'foo\.tar\.gz' in the products of 'package'/,
    )
  })

  it('catches a changed tarball that the package link was changed to match, at the extracted file', async () => {
    const { session } = await verified(DEMO)
    const tarball = gzipSync(writeTar([{ name: 'foo.py', data: 'print("something else")\n' }]))
    const digest = await crypto.subtle.digest('SHA-256', tarball)
    const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
    const simulation = await session.simulate([
      { on: 'products', action: 'change', path: 'foo.tar.gz', bytes: tarball },
      { on: 'link', action: 'change', item: 'package', list: 'products', path: 'foo.tar.gz', hashes: sha256(hex) },
    ])
    // The inspection's materials now match; what it extracted does not match write-code's foo.py.
    expect(simulation.failure).toMatchObject({ inspection: 'untar', ruleList: 'products' })
    expect(simulation.failure?.message).toMatch(/forbids 'foo\.py'.*Rule 1 'MATCH foo\.py WITH PRODUCTS FROM write-code' compared it/)
  })

  it('fails the inspection when the replaced product is not an archive tar reads', async () => {
    const { session } = await verified(DEMO)
    const simulation = await session.simulate([{ on: 'products', action: 'change', path: 'foo.tar.gz', bytes: new TextEncoder().encode('not a tarball') }])
    expect(simulation.failure).toMatchObject({ stage: 'inspection', errorType: 'BadReturnValueError', inspection: 'untar' })
    expect(simulation.failure?.message).toBe("Inspection 'untar' failed: ['tar', 'xzf', 'foo.tar.gz'] exited with status 2.")
  })

  it('catches an added product file with the inspection’s DISALLOW, and says when a removed one cannot be checked here', async () => {
    const { session } = await verified(DEMO)
    const added = await session.simulate([{ on: 'products', action: 'add', path: 'extra.txt', bytes: new TextEncoder().encode('extra') }])
    expect(added.failure).toMatchObject({ inspection: 'untar', ruleList: 'materials' })
    expect(added.failure?.message).toMatch(/forbids 'extra\.txt'/)
    const removed = await session.simulate([{ on: 'products', action: 'remove', path: 'foo.tar.gz' }])
    expect(removed.outcome).toBe('incomplete')
    expect(removed.inspections[0]).toMatchObject({ how: 'not-run', status: 'not-run' })
    expect(removed.inspections[0]?.message).toMatch(/^add foo\.tar\.gz to the product files to check it here/)
  })

  it('refuses edits that cannot apply, naming the edit', async () => {
    const { session } = await verified(DEMO)
    const refused = async (edits: TamperEdit[], message: RegExp) => {
      const error = await session.simulate(edits).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(TamperEditError)
      expect((error as Error).message).toMatch(message)
    }
    await refused(
      [{ on: 'link', action: 'change', item: 'write-code', list: 'products', path: 'bar.py', hashes: sha256(OTHER) }],
      /^Edit 1: 'bar\.py' is not among the products of 'write-code' \(add it instead\)$/,
    )
    await refused([{ on: 'link', action: 'add', item: 'write-code', list: 'products', path: 'foo.py', hashes: sha256(OTHER) }], /already among/)
    await refused([{ on: 'link', action: 'change', item: 'write-code', list: 'products', path: 'foo.py', hashes: sha256('xyz') }], /must be hexadecimal/)
    await refused([{ on: 'link', action: 'remove', item: 'untar', list: 'materials', path: 'foo.tar.gz' }], /run by the verifier itself: change the product files/)
    await refused([{ on: 'link', action: 'remove', item: 'deploy', list: 'materials', path: 'x' }], /no step or inspection 'deploy'/)
    await refused(
      [
        { on: 'products', action: 'remove', path: 'foo.tar.gz' },
        { on: 'products', action: 'remove', path: 'foo.tar.gz' },
      ],
      /^Edit 2: 'foo\.tar\.gz' is not among the product files$/,
    )
    await refused([{ on: 'products', action: 'add', path: '../outside', bytes: new Uint8Array() }], /not a path inside the working directory/)
  })

  it('re-runs a verification that failed at a rule, and shows an edit that would make it pass', async () => {
    // The vector's build link took an upstream.tar.gz other than the one fetch took.
    const { session, report } = await verified('rule-match-materials-fail')
    expect(report.failure).toMatchObject({ stage: 'artifact-rule', step: 'build' })
    const fetched = session.last?.usedLinks.get('fetch')?.materials.get('upstream.tar.gz') as ReadonlyMap<string, string>
    const simulation = await session.simulate([{ on: 'link', action: 'change', item: 'build', list: 'materials', path: 'upstream.tar.gz', hashes: fetched }])
    expect(simulation.outcome).toBe('pass')
    expect(simulation.steps.map((step) => step.status)).toEqual(['pass', 'pass'])
  })
})

describe('product digests of a session', () => {
  it('are the digests the emulated inspection recorded', async () => {
    const { session } = await verified(DEMO)
    const digests = await session.productDigests()
    expect(digests.get('foo.tar.gz')).toEqual(session.last?.usedLinks.get('untar')?.materials.get('foo.tar.gz'))
  })
})
