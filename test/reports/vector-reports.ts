/**
 * The whole verification report of every reference vector, on each of the verifier's hosts:
 * a link directory read on the calling thread, the same directory decoded on worker threads,
 * and dropped files (links classified first, inspections emulated) with their triage. The
 * reports were captured before the verifier was restructured (test/fixtures/reports, written
 * by capture.ts); vector-reports.test.ts requires them to stay byte-identical.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { verifyBundle } from '../../src/core/bundle/verify-bundle.ts'
import { importVerifyKeyFile } from '../../src/core/keys/import.ts'
import type { VerificationReport } from '../../src/core/verify/report.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DecodingPool, DirectoryLinks } from '../../src/cli/links/index.ts'
import { vectorRequest } from '../support/vector-request.ts'
import { FIXTURES, freshCopy, loadVectors, type Vector } from '../support/vectors.ts'

export const REPORTS = join(FIXTURES, 'reports')

/** Long after every vector was made and long before their layouts expire (2099), except the expired one's (2001). */
const NOW = new Date('2030-01-01T00:00:00Z')

export type Host = 'directory' | 'threads' | 'bundle'
export const HOSTS: readonly Host[] = ['directory', 'threads', 'bundle']

/** A report as compared: everything but the timings, which differ from run to run. */
export function withoutTimings(report: VerificationReport): unknown {
  const { timings: _timings, steps, ...rest } = report
  return { ...rest, steps: steps.map((step) => (step.sublayout ? { ...step, sublayout: withoutTimings(step.sublayout) } : step)) }
}

/** The reports of every vector on `host`, by vector name, as JSON text ready to compare. */
export async function vectorReports(host: Host): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const pool = host === 'threads' ? new DecodingPool(2) : undefined
  try {
    for (const vector of loadVectors()) out.set(vector.name, JSON.stringify(await reportOf(vector, host, pool), null, 2))
  } finally {
    await pool?.close()
  }
  return out
}

async function reportOf(vector: Vector, host: Host, pool: DecodingPool | undefined): Promise<unknown> {
  const parameters = vector.expected.substitution_parameters ? new Map(Object.entries(vector.expected.substitution_parameters)) : undefined
  if (host === 'bundle') {
    const { analysis, report } = await verifyBundle({ ...vectorRequest(vector.name), now: NOW })
    return { analysis, report: report && withoutTimings(report) }
  }
  const copy = freshCopy(vector)
  try {
    const keys = vector.layoutKeys.map((path, index) => {
      const file = resolve(copy.work, path)
      return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', path)
    })
    const report = await verifyLayoutFile(readFileSync(join(copy.root, 'layout', 'root.layout')), 'root.layout', {
      layoutKeys: keys,
      // On this thread, or (minParallelBytes 0) on the threads even for the vectors' small files.
      links: new DirectoryLinks(join(copy.root, 'links'), pool ? { pool, minParallelBytes: 0 } : { minParallelBytes: Number.POSITIVE_INFINITY }),
      inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
      parameters: vector.expected.runner === 'api' ? parameters : undefined,
      now: NOW,
    })
    return withoutTimings(report)
  } finally {
    copy.dispose()
  }
}
