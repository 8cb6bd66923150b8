/**
 * Verdict parity with the reference: every vector made with in-toto 1.3.1 gets the same
 * verdict and stage, each run in a fresh copy of its work/ directory (inspections write there).
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importVerifyKeyFile } from '../../src/core/keys/import.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DirectoryLinks } from '../../src/cli/links/index.ts'
import { freshCopy, loadVectors } from '../support/vectors.ts'

const vectors = loadVectors()

describe('reference vectors', () => {
  it('are all present (60 in the public set)', () => {
    expect(vectors.length).toBe(60)
  })

  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expected.verdict}${vector.expected.stage !== 'none' ? ` at ${vector.expected.stage}` : ''}`, async () => {
      const copy = freshCopy(vector)
      try {
        const keys = vector.layoutKeys.map((path, index) => {
          const file = resolve(copy.work, path)
          return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
        })
        const layoutPath = join(copy.root, 'layout', 'root.layout')
        const parameters =
          vector.expected.runner === 'api' && vector.expected.substitution_parameters ? new Map(Object.entries(vector.expected.substitution_parameters)) : undefined
        const report = await verifyLayoutFile(readFileSync(layoutPath), 'root.layout', {
          layoutKeys: keys,
          links: new DirectoryLinks(join(copy.root, 'links')),
          inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
          parameters,
        })
        const summary = { verdict: report.verdict, stage: report.failure?.stage ?? 'none', message: report.failure?.message }
        expect(summary, JSON.stringify(report.failure)).toMatchObject({ verdict: vector.expected.verdict, stage: vector.expected.stage })
        if (vector.expected.inner_stage) expect(report.failure?.inner?.stage).toBe(vector.expected.inner_stage)
        // The reference's exception, named where the error arose.
        expect(report.failure?.errorType ?? null).toBe(vector.expected.error_type)
        // Command-mismatch warnings are the reference's only warnings; we must report the same ones.
        const mismatches = report.warnings.filter((w) => w.kind === 'command-mismatch').map((w) => w.message)
        expect(mismatches.sort()).toEqual([...vector.expected.warnings].filter((w) => w.startsWith('Run command')).sort())
      } finally {
        copy.dispose()
      }
    })
  }
})
