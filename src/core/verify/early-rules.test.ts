/**
 * Early rule results are used only when they are certainly the verifier's own: same chosen
 * link, same answer to every lookup; the guess skips unauthorized and badly signed links.
 */
import { describe, expect, it } from 'vitest'
import { createLink } from '../model/link.ts'
import type { HashDict, Layout, Link, Step } from '../model/types.ts'
import type { LinkResult as DecodeResult } from '../links/index.ts'
import { type EarlyCandidate, EarlyStepRules } from './early-rules.ts'
import { stringKey } from './item-keys.ts'
import { evaluateRuleList } from './rules.ts'

const hashes = (digest: string): HashDict => new Map([['sha256', digest]])

function step(name: string, expectedMaterials: string[][], expectedProducts: string[][]): Step {
  return { name, expectedMaterials, expectedProducts } as unknown as Step
}

const layout = {
  steps: [
    step('build', [['DISALLOW', '*']], [['CREATE', '*']]),
    step(
      'package',
      [
        ['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'build'],
        ['DISALLOW', '*'],
      ],
      [['ALLOW', '*']],
    ),
  ],
} as unknown as Layout

const build = createLink('build', { products: new Map([['a.py', hashes('aa')]]) })
const otherBuild = createLink('build', { products: new Map([['a.py', hashes('bb')]]) })
const pack = createLink('package', { materials: new Map([['a.py', hashes('aa')]]), products: new Map([['a.tgz', hashes('cc')]]) })

function loaded(link: Link, signature: 'valid' | 'invalid' = 'valid'): DecodeResult {
  return { status: 'loaded', envelope: { format: 'metablock', content: { type: 'link', link } }, signature: { status: signature } } as unknown as DecodeResult
}

/** What the verifier would compute itself for `package` with the chosen `buildLink`. */
function ownTraces(buildLink: Link) {
  const lookup = { get: (name: string) => (name === 'build' ? buildLink : name === 'package' ? pack : undefined) }
  const materials = evaluateRuleList('package', 'materials', layout.steps[1]!.expectedMaterials, pack, lookup)
  return { materials, products: evaluateRuleList('package', 'products', layout.steps[1]!.expectedProducts, pack, lookup) }
}

const reduced = (buildLink: Link) =>
  new Map([
    [stringKey('build'), buildLink],
    [stringKey('package'), pack],
  ])

/** The layout's steps, each with its candidates. */
const stepsWith = (candidates: readonly (readonly EarlyCandidate[])[]) => layout.steps.map((step, index) => ({ step, candidates: candidates[index] ?? [] }))

describe('EarlyStepRules', () => {
  it('evaluates a step once it and the steps it matches against have arrived, and hands over the same traces', () => {
    const early = new EarlyStepRules(stepsWith([[{ request: 0, authorized: true }], [{ request: 1, authorized: true }]]))
    early.arrived(1, loaded(pack))
    // `build` has not arrived: `package` cannot be evaluated yet.
    expect(early.take(1, pack, reduced(build))).toBeUndefined()
    early.arrived(0, loaded(build))
    const taken = early.take(1, pack, reduced(build))
    expect(taken).toEqual(ownTraces(build))
    expect(taken?.materials.rules[0]?.consumed).toEqual(['a.py'])
    expect(early.take(0, build, reduced(build))?.products?.status).toBe('pass')
  })

  it('hands over nothing when the verifier chose another link or a lookup answers differently', () => {
    const early = new EarlyStepRules(stepsWith([[{ request: 0, authorized: true }], [{ request: 1, authorized: true }]]))
    early.arrived(0, loaded(build))
    early.arrived(1, loaded(pack))
    expect(early.take(1, pack, reduced(otherBuild))).toBeUndefined()
    expect(early.take(0, otherBuild, reduced(otherBuild))).toBeUndefined()
  })

  it("guesses the first authorized link with a valid signature, in the verifier's order", () => {
    const candidates = [
      [
        { request: 0, authorized: false },
        { request: 1, authorized: true },
        { request: 2, authorized: true },
      ],
      [{ request: 3, authorized: true }],
    ]
    const early = new EarlyStepRules(stepsWith(candidates))
    early.arrived(3, loaded(pack))
    early.arrived(0, loaded(otherBuild))
    early.arrived(1, loaded(otherBuild, 'invalid'))
    early.arrived(2, loaded(build))
    expect(early.take(1, pack, reduced(build))).toEqual(ownTraces(build))
    expect(early.take(1, pack, reduced(otherBuild))).toBeUndefined()
  })

  it('leaves steps whose link is a sublayout to the verifier', () => {
    const early = new EarlyStepRules(stepsWith([[{ request: 0, authorized: true }], [{ request: 1, authorized: true }]]))
    early.arrived(0, { status: 'loaded', envelope: { format: 'metablock', content: { type: 'layout' } }, signature: { status: 'valid' } } as unknown as DecodeResult)
    early.arrived(1, loaded(pack))
    expect(early.take(0, build, reduced(build))).toBeUndefined()
    expect(early.take(1, pack, reduced(build))).toBeUndefined()
  })
})
