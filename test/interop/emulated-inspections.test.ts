/**
 * The browser's emulated inspections (src/core/bundle/emulate.ts) must record exactly what the
 * CLI records by running the real command (src/cli/inspection-runner.ts) on the same files.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { filesUnder } from '../support/vector-request.ts'
import { EmulatedInspectionRunner } from '../../src/core/bundle/emulate.ts'
import { readEnvelope } from '../../src/core/envelope/read.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { freshCopy, loadVectors } from '../support/vectors.ts'

const vectors = loadVectors()

describe('emulated inspections record what the real command records', () => {
  const withTar = vectors.filter((vector) => ['keys-owner-rsa-func-rsa', 'inspection-tarball-replaced', 'unicode-artifact-names'].includes(vector.name))
  for (const vector of withTar) {
    it(`${vector.name}: same materials and products as running tar in work/`, async () => {
      const envelope = readEnvelope(readFileSync(join(vector.dir, 'layout/root.layout')))
      if (envelope.content.type !== 'layout') throw new Error('not a layout')
      const products = new Map(await Promise.all(filesUnder(join(vector.dir, 'work')).map(async (file) => [file.path, await file.read()] as const)))
      const emulated = new EmulatedInspectionRunner(products)
      const copy = freshCopy(vector)
      try {
        const real = new SubprocessInspectionRunner({ cwd: copy.work, persistLinks: false })
        for (const inspection of envelope.content.layout.inspect) {
          const a = await emulated.run(inspection)
          const b = await real.run(inspection)
          expect(a.status).toBe('ran')
          expect(b.status).toBe('ran')
          if (a.status !== 'ran' || b.status !== 'ran') continue
          expect([...a.link.materials]).toEqual([...b.link.materials])
          expect([...a.link.products]).toEqual([...b.link.products])
          expect(a.link.byproducts.get('return-value')).toBe(b.link.byproducts.get('return-value'))
        }
      } finally {
        copy.dispose()
      }
    })
  }
})
