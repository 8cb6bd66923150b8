/**
 * Restructuring the verifier changes no report: every vector's whole report (all but the
 * timings), on every host, is byte for byte the one captured before (vector-reports.ts).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HOSTS, REPORTS, vectorReports } from './vector-reports.ts'

describe.each(HOSTS)('the reports of the reference vectors (%s)', (host) => {
  it('are the ones captured', { timeout: 120_000 }, async () => {
    const captured = JSON.parse(readFileSync(join(REPORTS, `${host}.json`), 'utf8')) as Record<string, unknown>
    const reports = await vectorReports(host)
    expect([...reports.keys()]).toEqual(Object.keys(captured))
    for (const [name, text] of reports) expect(text, name).toBe(JSON.stringify(captured[name], null, 2))
  })
})
