import { describe, expect, it } from 'vitest'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import { collectMatchDetails } from '../../core/bundle/match-details.ts'
import { verifyBundle } from '../../core/bundle/verify-bundle.ts'
import type { VerificationReport } from '../../core/verify/report.ts'
import { itemTrace, summarizeReport } from './summary.ts'

async function verified(name: string) {
  const { report, usedLinks } = await verifyBundle(vectorRequest(name))
  if (!report || !usedLinks) throw new Error(`${name}: nothing verified`)
  return { report, usedLinks }
}

/** The report with every rule trace removed by hand, at every level. */
function withoutTraces(report: VerificationReport): unknown {
  return JSON.parse(
    JSON.stringify(report, (key, value: unknown) =>
      (key === 'materials' || key === 'products') && value !== null && typeof value === 'object' && 'rules' in value ? undefined : value,
    ),
  )
}

describe('the report as the page receives it', () => {
  it('is the report without rule traces, sublayouts included', async () => {
    const { report } = await verified('sublayout-with-inspection')
    expect(report.steps.some((step) => step.sublayout?.steps.some((inner) => inner.materials !== undefined))).toBe(true)
    const summary = summarizeReport(report)
    expect(JSON.parse(JSON.stringify(summary))).toEqual(withoutTraces(report))
    // Plain data: it crosses to the page by structured cloning unchanged.
    expect(structuredClone(summary)).toEqual(summary)
  })

  it('keeps the counts of what each link reported', async () => {
    const { report } = await verified('many-artifacts-2000')
    const summary = summarizeReport(report)
    expect(summary.steps.map((step) => step.links)).toEqual(report.steps.map((step) => step.links))
    expect(JSON.stringify(summary).length).toBeLessThan(JSON.stringify(report).length / 10)
  })
})

describe('the rule trace of one item, on request', () => {
  it("is the step's traces, with the MATCH hashes of its rules only", async () => {
    const { report, usedLinks } = await verified('rule-match-products-fail')
    const all = collectMatchDetails(report, usedLinks)
    expect(Object.keys(all).length).toBeGreaterThan(0)
    for (const step of report.steps) {
      const trace = itemTrace(report, usedLinks, step.name)
      expect(trace.materials).toEqual(step.materials)
      expect(trace.products).toEqual(step.products)
      expect(trace.matches).toEqual(Object.fromEntries(Object.entries(all).filter(([key]) => key.startsWith(`${step.name}/`))))
    }
  })

  it('covers inspections, and names nothing for an unknown item', async () => {
    const { report, usedLinks } = await verified('inspection-tarball-replaced')
    const inspection = report.inspections[0]
    if (!inspection) throw new Error('the vector has an inspection')
    const trace = itemTrace(report, usedLinks, inspection.name)
    expect(trace.products ?? trace.materials).toBeDefined()
    expect(
      Object.values(trace.matches)
        .flat()
        .some((pair) => !pair.matched),
    ).toBe(true)
    expect(itemTrace(report, usedLinks, 'no such step')).toEqual({ materials: undefined, products: undefined, matches: {} })
  })
})
