/** Shared setup of the hostile-input tests: a passing reference vector, copied, verified. */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { importVerifyKeyFile } from '../../src/core/keys/import.ts'
import type { LinkDecoder } from '../../src/core/verify/decode.ts'
import type { VerificationReport } from '../../src/core/verify/report.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { freshCopy, loadVectors, type Vector } from '../support/vectors.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DirectoryLinkSource } from '../../src/cli/node-fs.ts'

/** A vector that passes and has link files to replace. */
export function passingVector(): Vector {
  const vector = loadVectors().find((v) => v.expected.verdict === 'pass' && v.expected.runner === 'cli' && readdirSync(join(v.dir, 'links')).some((name) => name.endsWith('.link')))
  if (!vector) throw new Error('no passing vector with links')
  return vector
}

export interface Bundle {
  readonly linksDir: string
  /** Link file names of the vector. */
  readonly links: readonly string[]
  verify(decoder?: LinkDecoder): Promise<VerificationReport>
  dispose(): void
}

export function copyOf(vector: Vector): Bundle {
  const copy = freshCopy(vector)
  const linksDir = join(copy.root, 'links')
  return {
    linksDir,
    links: readdirSync(linksDir).filter((name) => name.endsWith('.link')),
    async verify(decoder) {
      const keys = vector.layoutKeys.map((path, index) => {
        const file = resolve(copy.work, path)
        return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
      })
      return verifyLayoutFile(readFileSync(join(copy.root, 'layout', 'root.layout')), 'root.layout', {
        layoutKeys: keys,
        links: new DirectoryLinkSource(linksDir),
        inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
        decoder,
      })
    },
    dispose: copy.dispose,
  }
}

/** Runs `work` and prints how long it took (the tests only bound it loosely). */
export async function timed<T>(label: string, work: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now()
  const value = await work()
  const ms = performance.now() - started
  process.stdout.write(`[hostile] ${label}: ${ms.toFixed(1)} ms\n`)
  return { value, ms }
}
