/**
 * The verifier phase by phase (in-toto 1.3.1 `in_toto_verify`'s order), each on chains built
 * and signed here: what the phase passes, and where and how it stops verification (stage, the
 * reference's exception, the trace). The reference vectors (test/vectors, test/reports) check
 * the same against reports made by the reference itself.
 */
import { describe, expect, it } from 'vitest'
import { artifacts, keyFromSeed, short, signedLayout, signedLink, sublayoutFile } from '../../../test/support/signed-chain.ts'
import type { Envelope } from '../envelope/types.ts'
import type { PrivateKey } from '../keys/types.ts'
import { memoryLinks } from '../links/index.ts'
import type { Link } from '../model/types.ts'
import type { InspectionResult, InspectionRunner } from './inspection-runner.ts'
import type { VerificationReport } from './report.ts'
import { verifySupplyChain, type VerifyOptions } from './verify.ts'

const owner = keyFromSeed('owner')
const alice = keyFromSeed('alice')
const bob = keyFromSeed('bob')
const NOW = new Date('2030-06-01T12:00:00Z')

const SOURCE = { 'foo.py': 'print(1)' }
const PACKAGE = { 'foo.py': 'print(1)', 'foo.tar.gz': 'tarball' }

/** write (alice) → package (alice): the demo's shape, with rules that hold for these links. */
async function demo(overrides: { write?: PrivateKey[]; package?: PrivateKey[]; threshold?: number; expires?: string } = {}) {
  return signedLayout(
    [owner],
    [
      {
        name: 'write',
        functionaries: overrides.write ?? [alice],
        threshold: overrides.threshold,
        expected_command: ['vi'],
        expected_products: [
          ['CREATE', 'foo.py'],
          ['DISALLOW', '*'],
        ],
      },
      {
        name: 'package',
        functionaries: overrides.package ?? [alice],
        expected_command: ['tar', 'czf', 'foo.tar.gz', 'foo.py'],
        expected_materials: [
          ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write'],
          ['DISALLOW', '*'],
        ],
        expected_products: [
          ['CREATE', 'foo.tar.gz'],
          ['ALLOW', 'foo.py'],
          ['DISALLOW', '*'],
        ],
      },
    ],
    { expires: overrides.expires },
  )
}

const writeLink = (key: PrivateKey, products: Record<string, string> = SOURCE) => signedLink('write', key, { command: ['vi'], products: artifacts(products) })
const packageLink = (key: PrivateKey, materials: Record<string, string> = SOURCE) =>
  signedLink('package', key, { command: ['tar', 'czf', 'foo.tar.gz', 'foo.py'], materials: artifacts(materials), products: artifacts(PACKAGE) })

async function verify(layout: Envelope, files: readonly (readonly [string, Uint8Array])[], options: Partial<VerifyOptions> = {}): Promise<VerificationReport> {
  return verifySupplyChain({ layout, layoutFile: 'root.layout', layoutKeys: [owner.publicKey], links: memoryLinks(files), now: NOW, ...options })
}

const passing = async () => [await writeLink(alice), await packageLink(alice)]

describe('the whole chain', () => {
  it('passes, with every step checked against its link', async () => {
    const report = await verify(await demo(), await passing())
    expect(report.failure).toBeUndefined()
    expect(report.verdict).toBe('pass')
    expect(report.steps.map((step) => [step.name, step.status, step.usedLink])).toEqual([
      ['write', 'pass', `write.${short(alice)}.link`],
      ['package', 'pass', `package.${short(alice)}.link`],
    ])
    expect(report.warnings).toEqual([])
  })
})

describe('layout signatures', () => {
  it('requires every owner key to have signed', async () => {
    const report = await verify(await demo(), await passing(), { layoutKeys: [owner.publicKey, bob.publicKey] })
    expect(report.layout.signatures).toEqual([
      { keyid: owner.publicKey.keyid, status: 'valid' },
      { keyid: bob.publicKey.keyid, status: 'missing' },
    ])
    expect(report.failure).toMatchObject({ stage: 'layout-signature', errorType: 'SignatureVerificationError', file: 'root.layout' })
    // Nothing after the first phase ran.
    expect(report.steps.every((step) => step.status === 'not-reached')).toBe(true)
  })

  it('refuses a layout changed after signing, and verification without keys', async () => {
    const layout = await demo()
    // Another layout with the first one's signature: what a change after signing looks like.
    const other = await signedLayout([owner], [{ name: 'write', functionaries: [bob] }])
    const changed = await verify({ ...other, signatures: layout.signatures } as Envelope, [])
    expect(changed.layout.signatures).toEqual([{ keyid: owner.publicKey.keyid, status: 'invalid' }])
    expect(changed.failure).toMatchObject({ stage: 'layout-signature', errorType: 'SignatureVerificationError' })
    expect((await verify(layout, [], { layoutKeys: [] })).failure).toMatchObject({ stage: 'layout-signature', message: expect.stringMatching(/at least one key/) })
  })
})

describe('expiry', () => {
  it('accepts a layout up to its expiry second, and refuses it after', async () => {
    const layout = await demo({ expires: '2030-06-01T12:00:00Z' })
    expect((await verify(layout, await passing())).verdict).toBe('pass')
    const report = await verify(layout, await passing(), { now: new Date('2030-06-01T12:00:01Z') })
    expect(report.failure).toMatchObject({ stage: 'expired', errorType: 'LayoutExpiredError', path: 'signed.expires' })
    expect(report.failure?.message).toContain('checked at 2030-06-01T12:00:01Z')
  })
})

describe('parameter substitution', () => {
  const parametrized = () => signedLayout([owner], [{ name: 'write', functionaries: [alice], expected_command: ['{editor}'], expected_products: [['CREATE', '{file}']] }])

  it('formats rules and commands with the parameters', async () => {
    const report = await verify(await parametrized(), [await writeLink(alice)], {
      parameters: new Map([
        ['editor', 'vi'],
        ['file', 'foo.py'],
      ]),
    })
    expect(report.verdict).toBe('pass')
    expect(report.warnings).toEqual([])
    expect(report.steps[0]?.products?.rules[0]?.text).toBe('CREATE foo.py')
  })

  it("stops with the reference's exception when a parameter is missing or misnamed", async () => {
    const missing = await verify(await parametrized(), [await writeLink(alice)], { parameters: new Map([['editor', 'vi']]) })
    expect(missing.failure).toMatchObject({ stage: 'parameters', errorType: 'KeyError' })
    const misnamed = await verify(await parametrized(), [await writeLink(alice)], { parameters: new Map([['no spaces', 'x']]) })
    expect(misnamed.failure).toMatchObject({ stage: 'parameters', errorType: 'FormatError' })
  })
})

describe('loading links', () => {
  it('stops when a step has fewer link files than its threshold', async () => {
    const report = await verify(await demo(), [await writeLink(alice)])
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'LinkNotFoundError', step: 'package' })
    expect(report.steps[1]?.links).toEqual([{ file: `package.${short(alice)}.link`, keyid: alice.publicKey.keyid, status: 'missing' }])
  })

  it('stops at a link file that cannot be read, even one the threshold does not need', async () => {
    const layout = await demo({ write: [alice, bob] })
    const report = await verify(layout, [...(await passing()), [`write.${short(bob)}.link`, new TextEncoder().encode('{ not json')]])
    expect(report.failure).toMatchObject({ stage: 'format', errorType: 'JSONDecodeError', step: 'write', file: `write.${short(bob)}.link` })
  })
})

describe('link signatures', () => {
  it('skips a link not signed by the key its name says, and counts only valid ones', async () => {
    const layout = await demo({ write: [alice, bob], threshold: 2 })
    // Alice's link filed under Bob's name.
    const report = await verify(layout, [await writeLink(alice), [`write.${short(bob)}.link`, (await writeLink(alice))[1]], await packageLink(alice)])
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'ThresholdVerificationError', step: 'write' })
    expect(report.steps[0]?.links.map((link) => link.status)).toEqual(['valid', 'invalid-signature'])
    expect(report.steps[0]?.validSigners).toBe(1)
  })
})

describe('sublayouts', () => {
  const inner = () => signedLayout([alice], [{ name: 'compile', functionaries: [bob], expected_products: [['CREATE', 'foo.py']] }])

  it('verifies a link that holds a layout as a chain of its own, in its own directory', async () => {
    const layout = await signedLayout([owner], [{ name: 'build', functionaries: [alice], expected_products: [['ALLOW', 'foo.py']] }])
    const report = await verify(layout, [sublayoutFile('build', alice, await inner()), await signedLink('compile', bob, { products: artifacts(SOURCE) }, `build.${short(alice)}`)])
    expect(report.failure).toBeUndefined()
    expect(report.steps[0]?.links[0]?.kind).toBe('sublayout')
    expect(report.steps[0]?.sublayout).toMatchObject({ verdict: 'pass', steps: [{ name: 'compile', status: 'pass' }] })
    // The summary link carries the sublayout's products to the parent's rules.
    expect(report.steps[0]?.products?.rules[0]?.consumed).toEqual(['foo.py'])
  })

  it('fails the parent step when the sublayout fails, naming the failure inside', async () => {
    const layout = await signedLayout([owner], [{ name: 'build', functionaries: [alice] }])
    const report = await verify(layout, [sublayoutFile('build', alice, await inner())])
    expect(report.failure).toMatchObject({ stage: 'sublayout', step: 'build', inner: { stage: 'link-threshold', errorType: 'LinkNotFoundError', step: 'compile' } })
    expect(report.failure?.errorType).toBe('LinkNotFoundError')
    expect(report.steps[0]?.sublayout?.verdict).toBe('fail')
  })
})

describe('command alignment', () => {
  it('only warns when a link ran another command than expected', async () => {
    const report = await verify(await demo(), [await signedLink('write', alice, { command: ['emacs'], products: artifacts(SOURCE) }), await packageLink(alice)])
    expect(report.verdict).toBe('pass')
    expect(report.warnings).toEqual([
      expect.objectContaining({ kind: 'command-mismatch', step: 'write', message: "Run command '['emacs']' differs from expected command '['vi']'" }),
    ])
  })
})

describe('threshold agreement', () => {
  it('requires the links of a threshold step to report the same artifacts', async () => {
    const layout = await demo({ write: [alice, bob], threshold: 2 })
    const agree = await verify(layout, [await writeLink(alice), await writeLink(bob), await packageLink(alice)])
    expect(agree.verdict).toBe('pass')
    const disagree = await verify(layout, [await writeLink(alice), await writeLink(bob, { 'foo.py': 'print(2)' }), await packageLink(alice)])
    expect(disagree.failure).toMatchObject({ stage: 'link-threshold', errorType: 'ThresholdVerificationError', step: 'write', file: `write.${short(bob)}.link` })
    expect(disagree.failure?.message).toMatch(/report different products/)
  })
})

describe('choosing links', () => {
  it('checks each step against its first valid link, in pubkeys order', async () => {
    const layout = await demo({ write: [bob, alice] })
    const report = await verify(layout, [await writeLink(alice), await writeLink(bob), await packageLink(alice)])
    expect(report.steps[0]?.usedLink).toBe(`write.${short(bob)}.link`)
  })

  it('stops where a step with threshold 0 has no link to check its rules against', async () => {
    const layout = await demo({ threshold: 0 })
    const report = await verify(layout, [await packageLink(alice)])
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'IndexError', step: 'write' })
  })
})

describe('step rules', () => {
  it('stops at the first failing rule, naming the step, the list and the rule', async () => {
    const report = await verify(await demo(), [await writeLink(alice), await packageLink(alice, { 'foo.py': 'tampered' })])
    expect(report.failure).toMatchObject({
      stage: 'artifact-rule',
      errorType: 'RuleVerificationError',
      step: 'package',
      ruleList: 'materials',
      ruleIndex: 1,
      path: 'steps[1].expected_materials[1]',
    })
    expect(report.steps[1]?.materials?.rules[0]?.misses).toEqual([{ artifact: 'foo.py', destination: 'foo.py', reason: 'hash-differs' }])
    expect(report.steps[0]?.status).toBe('pass')
  })
})

/** Runs every inspection by answering `result`. */
const answering = (result: (name: string) => InspectionResult): InspectionRunner => ({ run: async (inspection) => result(inspection.name) })
const inspectionLink = (returnValue: bigint, materials: Record<string, string>): Link => ({
  type: 'link',
  name: 'untar',
  command: ['tar', 'xzf', 'foo.tar.gz'],
  materials: artifacts(materials),
  products: artifacts(materials),
  byproducts: new Map([['return-value', returnValue]]),
  environment: new Map(),
})

const withInspection = () =>
  signedLayout([owner], [{ name: 'write', functionaries: [alice], expected_command: ['vi'], expected_products: [['CREATE', 'foo.py']] }], {
    inspect: [
      {
        name: 'untar',
        run: ['tar', 'xzf', 'foo.tar.gz'],
        expected_materials: [
          ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write'],
          ['DISALLOW', '*'],
        ],
      },
    ],
  })

describe('inspections', () => {
  it('is incomplete, never a pass, when an inspection cannot run here', async () => {
    const report = await verify(await withInspection(), [await writeLink(alice)])
    expect(report.verdict).toBe('incomplete')
    expect(report.inspections[0]).toMatchObject({ how: 'not-run', status: 'not-run' })
    expect(report.warnings.map((warning) => warning.kind)).toEqual(['inspection-not-run'])
  })

  it('stops at an inspection that fails to run or exits non-zero', async () => {
    const error = await verify(await withInspection(), [await writeLink(alice)], {
      inspections: answering(() => ({ status: 'error', errorType: 'FileNotFoundError', message: "no such program: 'tar'" })),
    })
    expect(error.failure).toMatchObject({ stage: 'inspection', errorType: 'FileNotFoundError', inspection: 'untar' })
    const exit = await verify(await withInspection(), [await writeLink(alice)], {
      inspections: answering(() => ({ status: 'ran', how: 'executed', link: inspectionLink(2n, SOURCE) })),
    })
    expect(exit.failure).toMatchObject({ stage: 'inspection', errorType: 'BadReturnValueError' })
    expect(exit.inspections[0]).toMatchObject({ status: 'fail', returnValue: '2' })
  })
})

describe('inspection rules', () => {
  it('compare what an inspection recorded with the steps', async () => {
    const run = (materials: Record<string, string>) => answering(() => ({ status: 'ran', how: 'executed', link: inspectionLink(0n, materials) }))
    const pass = await verify(await withInspection(), [await writeLink(alice)], { inspections: run(SOURCE) })
    expect(pass.verdict).toBe('pass')
    expect(pass.inspections[0]).toMatchObject({ how: 'executed', status: 'pass', returnValue: '0' })
    const fail = await verify(await withInspection(), [await writeLink(alice)], { inspections: run({ 'foo.py': 'other' }) })
    expect(fail.failure).toMatchObject({ stage: 'artifact-rule', errorType: 'RuleVerificationError', inspection: 'untar', path: 'inspect[0].expected_materials[1]' })
  })
})
