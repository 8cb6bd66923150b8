/**
 * The browser pipeline over every reference vector: loose files in memory, inspections
 * emulated. Verdicts must match the reference, except that an inspection the browser cannot
 * emulate makes the verdict `incomplete` — never `pass`.
 */
import { describe, expect, it } from 'vitest'
import { loadVectors } from '../../../test/support/vectors.ts'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import type { InspectionTrace, VerificationReport } from '../verify/report.ts'
import { parseEmulatedCommand } from './emulate.ts'
import { readBundleFiles, verifyBundle } from './verify-bundle.ts'
import type { BundleInput } from './assemble.ts'
import { FULL, inTotoLink } from '../../../test/support/in-toto-link.ts'
import type { PackedArtifactMap } from '../links/index.ts'

const vectors = loadVectors()

/** Inspections of the report and of its sublayouts' reports. */
function allInspections(report: VerificationReport): InspectionTrace[] {
  return [...report.inspections, ...report.steps.flatMap((step) => (step.sublayout ? allInspections(step.sublayout) : []))]
}

describe('verifying the reference vectors from dropped files', () => {
  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expected.verdict}`, async () => {
      const { report, analysis } = await verifyBundle(vectorRequest(vector.name))
      expect(analysis.refusals).toEqual([])
      expect(report).toBeDefined()
      const notRun = allInspections(report!).filter((inspection) => inspection.how === 'not-run' && inspection.status === 'not-run')
      if (vector.expected.verdict === 'pass' && notRun.length > 0) {
        expect(report!.verdict).toBe('incomplete')
        expect(notRun.length).toBeGreaterThan(0)
        expect(notRun[0]?.message).toMatch(/a browser cannot run/)
      } else {
        expect({ verdict: report!.verdict, stage: report!.failure?.stage ?? 'none' }, JSON.stringify(report!.failure)).toEqual({
          verdict: vector.expected.verdict,
          stage: vector.expected.stage,
        })
      }
      // Only shell commands stay unrun here; every tar inspection of the vectors is emulated.
      expect(notRun.every((inspection) => inspection.run[0] === 'sh')).toBe(true)
      for (const inspection of allInspections(report!)) if (inspection.status === 'pass') expect(inspection.how).toBe('emulated')
    })
  }

  it('reports an inspection not run (not pass) when the product file is missing', async () => {
    const request = { ...vectorRequest('keys-owner-rsa-func-rsa'), products: [] }
    const { report } = await verifyBundle(request)
    expect(report?.verdict).toBe('incomplete')
    expect(report?.inspections[0]).toMatchObject({ how: 'not-run', status: 'not-run' })
    expect(report?.inspections[0]?.message).toMatch(/^add foo\.tar\.gz to the product files to check it here/)
  })
})

describe('emulated inspection commands', () => {
  it('parses only the commands it reproduces', () => {
    expect(parseEmulatedCommand(['tar', 'xzf', 'a.tgz'])).toEqual({ program: 'tar', file: 'a.tgz', gzip: true })
    expect(parseEmulatedCommand(['tar', '-xf', 'a.tar'])).toEqual({ program: 'tar', file: 'a.tar', gzip: false })
    expect(parseEmulatedCommand(['unzip', '-o', 'a.zip'])).toEqual({ program: 'unzip', file: 'a.zip', overwrite: true })
    expect(parseEmulatedCommand(['false'])).toEqual({ program: 'exit', code: 1 })
    for (const argv of [
      ['tar', 'xzf', 'a', '-C', 'b'],
      ['tar', 'czf', 'a'],
      ['tar', 'xfz', 'a'],
      ['sh', '-c', 'tar xzf a'],
      ['unzip', '-d', 'x', 'a.zip'],
    ]) {
      expect(parseEmulatedCommand(argv), argv.join(' ')).toBeUndefined()
    }
  })
})

describe('reading dropped links once', () => {
  it('reads the artifact maps links share once: their envelopes share the maps', async () => {
    const text = new TextEncoder().encode(inTotoLink({ ...FULL, name: 'build' }))
    const input = (path: string): BundleInput => ({ path, size: text.length, read: async () => text })
    const { classified } = await readBundleFiles([input('build.aaaaaaaa.link'), input('build.bbbbbbbb.link')], [])
    const [first, second] = classified.map((file) => (file.envelope?.content.type === 'link' ? file.envelope.content.link : undefined))
    expect(first?.products.size).toBe(500)
    expect(second?.products).not.toBe(first?.products)
    expect((second?.products as PackedArtifactMap).packed).toBe((first?.products as PackedArtifactMap).packed)
    expect((second?.materials as PackedArtifactMap).packed).toBe((first?.materials as PackedArtifactMap).packed)
  })
})
