/**
 * Writes test/fixtures/reports/HOST.json: the reports vector-reports.test.ts compares with.
 * Run only to capture a verifier whose reports are known to be right:
 *
 *   node --import tsx test/reports/capture.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HOSTS, REPORTS, vectorReports } from './vector-reports.ts'

mkdirSync(REPORTS, { recursive: true })
for (const host of HOSTS) {
  const reports = await vectorReports(host)
  const entries = [...reports].map(([name, text]) => `  ${JSON.stringify(name)}: ${text.replace(/\n/g, '\n  ')}`)
  writeFileSync(join(REPORTS, `${host}.json`), `{\n${entries.join(',\n')}\n}\n`)
  process.stdout.write(`${host}: ${reports.size} reports\n`)
}
