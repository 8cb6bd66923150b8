import { describe, expect, it } from 'vitest'
import { createStep, emptyLayout } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'
import { formatRule } from '../rules/parse.ts'
import { applyProposals, proposeForLayout } from './merge.ts'
import type { Inference } from './types.ts'

const proposedRule = (rule: string[], reason = `because of ${rule.join(' ')}`) => ({
  rule,
  reason,
  evidence: [{ step: 'build', file: 'build.link', list: 'products' as const, path: 'app', digest: 'sha256:aa' }],
})

const inference: Inference = {
  layout: emptyLayout('2030-01-01T00:00:00Z'),
  keyNames: new Map(),
  signers: [],
  notes: [],
  items: [
    {
      kind: 'step',
      name: 'build',
      files: ['build.link'],
      materials: [proposedRule(['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'clone']), proposedRule(['DISALLOW', '*'])],
      products: [proposedRule(['CREATE', 'app']), proposedRule(['DISALLOW', '*'])],
    },
  ],
}

const layout: Layout = {
  ...emptyLayout('2030-01-01T00:00:00Z'),
  steps: [
    createStep('clone', { expectedProducts: [['CREATE', '*']] }),
    createStep('build', { threshold: 2n, expectedMaterials: [['ALLOW', '*']], expectedProducts: [['CREATE', 'app']] }),
  ],
}

describe('proposing inferred rules for steps of an existing layout', () => {
  it('aligns the proposed rules with the current ones, each change with its provenance', () => {
    const [proposal, ...rest] = proposeForLayout(layout, inference, new Set(['clone', 'build']))
    expect(rest).toEqual([])
    expect(proposal?.name).toBe('build')
    expect(
      proposal?.changes.map((c) => [
        c.list,
        c.alignment.status,
        c.alignment.old && formatRule(c.alignment.old),
        c.alignment.new && formatRule(c.alignment.new),
        c.proposed?.reason,
      ]),
    ).toEqual([
      ['materials', 'removed', 'ALLOW *', undefined, undefined],
      ['materials', 'added', undefined, 'MATCH * WITH PRODUCTS FROM clone', 'because of MATCH * WITH PRODUCTS FROM clone'],
      ['materials', 'added', undefined, 'DISALLOW *', 'because of DISALLOW *'],
      ['products', 'added', undefined, 'DISALLOW *', 'because of DISALLOW *'],
    ])
  })

  it('applies only the accepted changes, and nothing else of the step', () => {
    const proposals = proposeForLayout(layout, inference, new Set(['build']))
    const ids = proposals[0]?.changes.map((c) => c.id) ?? []
    expect(applyProposals(layout, proposals, new Set())).toBe(layout)
    const some = applyProposals(layout, proposals, new Set([ids[2] as string, ids[3] as string]))
    expect(some.steps[1]?.expectedMaterials.map(formatRule)).toEqual(['ALLOW *', 'DISALLOW *'])
    expect(some.steps[1]?.expectedProducts.map(formatRule)).toEqual(['CREATE app', 'DISALLOW *'])
    expect(some.steps[1]?.threshold).toBe(2n)
    expect(some.steps[0]).toBe(layout.steps[0])
    const all = applyProposals(layout, proposals, new Set(ids))
    expect(all.steps[1]?.expectedMaterials.map(formatRule)).toEqual(['MATCH * WITH PRODUCTS FROM clone', 'DISALLOW *'])
  })
})
