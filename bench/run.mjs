#!/usr/bin/env node
/**
 * `npm run bench` — runs every benchmark suite and prints its results as markdown tables.
 *
 *   node bench/run.mjs [SUITE ...] [--quick] [--repeat N] [--baseline REF]
 *
 * With `--baseline REF` (a git revision: a commit, `main`, `HEAD~3`) the suites that support it
 * also run the build of REF (bench/lib/baseline.mjs), paired with this one, and report the
 * ratios new ÷ old: the way to show a change keeps verification time and memory.
 *
 * Suites are the files `bench/suites/*.mjs` (all of them, or only those named on the command
 * line, without `.mjs`). The results of the run also go to `reports/bench.json`.
 *
 * Suite contract — a suite is an ES module whose default export is
 *
 *   export default async function (ctx) { return result | result[] }
 *
 * where `ctx` is
 *   - `root`     absolute path of the repository
 *   - `quick`    true with `--quick`: smaller inputs, one repetition (for a smoke test)
 *   - `repeat`   repetitions per measurement (`--repeat N`; default 3, 1 with --quick)
 *   - `workDir`  a scratch directory for this suite, kept between runs (cache inputs there)
 *   - `log(msg)` progress output (stderr; the tables go to stdout)
 *   - `measure(command, args, { cwd, env })` runs a process to completion and resolves to
 *     `{ code, wallMs, peakRssKiB, cpuMs, stdout, stderr }` (peak RSS and user + system CPU time
 *     from GNU time when installed, else from the child's resource usage; `undefined` if neither)
 *   - `median(numbers)`
 *   - `baseline` with `--baseline`: `{ ref, commit, root, cli }`, the other build's checkout and
 *     its built CLI entry (else `undefined`)
 * and each `result` is `{ title, columns: string[], rows: (string|number)[][], notes?: string[],
 * data?: unknown }`: `columns`/`rows` are printed as a markdown table under `## title`, `notes`
 * as lines below it, and the whole result (with `data`, free-form) is written to
 * reports/bench.json under the suite's name. A suite that throws is reported as failed and
 * makes the run exit with status 1; the other suites still run.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { prepareBaseline } from './lib/baseline.mjs'
import { measure, median } from './lib/measure.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

function parseArgs(argv) {
  const options = { suites: [], quick: false, repeat: undefined, baseline: undefined }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') options.quick = true
    else if (arg === '--repeat') {
      options.repeat = Number(argv[++i])
      if (!Number.isInteger(options.repeat) || options.repeat < 1) throw new Error('--repeat needs a positive integer')
    } else if (arg === '--baseline') {
      options.baseline = argv[++i]
      if (!options.baseline) throw new Error('--baseline needs a git revision')
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node bench/run.mjs [SUITE ...] [--quick] [--repeat N] [--baseline REF]\n')
      process.exit(0)
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`)
    else options.suites.push(arg)
  }
  return options
}

function markdownTable(columns, rows) {
  const line = (cells) => `| ${cells.map((cell) => String(cell)).join(' | ')} |`
  return [line(columns), line(columns.map(() => '---')), ...rows.map(line)].join('\n')
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const suitesDir = join(root, 'bench', 'suites')
  const available = readdirSync(suitesDir)
    .filter((name) => name.endsWith('.mjs'))
    .sort()
    .map((name) => basename(name, '.mjs'))
  const unknown = options.suites.filter((name) => !available.includes(name))
  if (unknown.length > 0) throw new Error(`no such suite: ${unknown.join(', ')} (available: ${available.join(', ')})`)
  const selected = options.suites.length > 0 ? options.suites : available
  const repeat = options.repeat ?? (options.quick ? 1 : 3)

  const baseline = options.baseline ? prepareBaseline(root, options.baseline, (message) => process.stderr.write(`[baseline] ${message}\n`)) : undefined
  const report = {
    startedAt: new Date().toISOString(),
    ...(baseline ? { baseline: { ref: baseline.ref, commit: baseline.commit } } : {}),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    options: { quick: options.quick, repeat },
    suites: {},
  }
  let failed = false
  for (const name of selected) {
    const workDir = join(tmpdir(), 'layout-studio-bench', name)
    mkdirSync(workDir, { recursive: true })
    const ctx = { root, quick: options.quick, repeat, workDir, log: (message) => process.stderr.write(`[${name}] ${message}\n`), measure, median, baseline }
    const started = performance.now()
    try {
      const { default: suite } = await import(pathToFileURL(join(suitesDir, `${name}.mjs`)).href)
      const output = await suite(ctx)
      const results = Array.isArray(output) ? output : [output]
      for (const result of results) {
        process.stdout.write(`\n## ${result.title}\n\n${markdownTable(result.columns, result.rows)}\n`)
        if (result.notes?.length) process.stdout.write(`\n${result.notes.join('\n')}\n`)
      }
      report.suites[name] = { seconds: Math.round((performance.now() - started) / 100) / 10, results }
    } catch (error) {
      failed = true
      process.stderr.write(`[${name}] FAILED: ${error instanceof Error ? error.stack : String(error)}\n`)
      report.suites[name] = { failed: error instanceof Error ? error.message : String(error) }
    }
  }
  mkdirSync(join(root, 'reports'), { recursive: true })
  const out = join(root, 'reports', 'bench.json')
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`)
  process.stdout.write(`\nResults written to ${out}\n`)
  process.exitCode = failed ? 1 : 0
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 2
})
