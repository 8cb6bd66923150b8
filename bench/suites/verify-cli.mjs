/**
 * `layout-studio verify` (the built CLI) against the reference `in-toto-verify` on the same
 * synthetic bundles, in the same run: paired, interleaved runs (reference, ours, reference,
 * ours, …), both verdicts checked to be PASS, medians of wall time and peak RSS.
 *
 * Cells are steps × artifacts per link × threshold (functionaries per step). The S10/T1 cells
 * form a series over the number of artifacts (1k, 5k, 10k, 20k) to show how cost grows; the
 * suite fits time = a + b·artifacts to it and prints the fit. Bundles are generated once with
 * bench/lib/make-bundle.ts (Layout Studio's core) and cached for all suites (bench/lib/bundles.mjs).
 *
 * With `--baseline REF` the CLI built from REF runs in the same interleaved series (reference,
 * baseline, this build, …), and the table adds its time and memory and the ratios this ÷ baseline.
 */
import { spawnSync } from 'node:child_process'
import { cellName, ensureBundle, ensureCli } from '../lib/bundles.mjs'

const FULL = [
  { steps: 5, artifacts: 1000, threshold: 1 },
  { steps: 10, artifacts: 1000, threshold: 1, series: true },
  { steps: 10, artifacts: 5000, threshold: 1, series: true },
  { steps: 10, artifacts: 10000, threshold: 1, series: true },
  { steps: 10, artifacts: 20000, threshold: 1, series: true },
  { steps: 20, artifacts: 10000, threshold: 3 },
]
const QUICK = [
  { steps: 5, artifacts: 1000, threshold: 1, series: true },
  { steps: 5, artifacts: 5000, threshold: 1, series: true },
]

function checkPass(tool, cell, run) {
  if (run.code !== 0) {
    throw new Error(`${tool} did not pass ${cellName(cell)} (exit ${run.code}): ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' / ')}`)
  }
  if (!/PASS/.test(run.stdout + run.stderr) && tool === 'layout-studio') throw new Error(`layout-studio printed no PASS verdict for ${cellName(cell)}`)
}

/** Least-squares fit y = a + b·x, with R². */
function linearFit(points) {
  const n = points.length
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0)
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0)
  const b = sxy / sxx
  const a = my - b * mx
  const ssTot = points.reduce((s, p) => s + (p.y - my) ** 2, 0)
  const ssRes = points.reduce((s, p) => s + (p.y - (a + b * p.x)) ** 2, 0)
  return { a, b, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot }
}

/** This build's runs against the baseline's of the same repetitions: medians and per-pair ratios. */
function pairedWithBaseline(ctx, ours, old) {
  return {
    baselineMs: ctx.median(old.map((r) => r.wallMs)),
    baselineRssKiB: ctx.median(old.map((r) => r.peakRssKiB)),
    timeVsBaseline: ctx.median(ours.map((run, i) => run.wallMs / old[i].wallMs)),
    cpuVsBaseline: ctx.median(ours.map((run, i) => (run.cpuMs && old[i].cpuMs ? run.cpuMs / old[i].cpuMs : undefined))),
    memoryVsBaseline: ctx.median(ours.map((run, i) => (run.peakRssKiB && old[i].peakRssKiB ? run.peakRssKiB / old[i].peakRssKiB : undefined))),
    baselineRuns: { ms: old.map((r) => Math.round(r.wallMs)), cpuMs: old.map((r) => r.cpuMs), rssKiB: old.map((r) => r.peakRssKiB) },
    oursCpuMs: ours.map((r) => r.cpuMs),
  }
}

const ratio = (value) => (value === undefined ? 'n/a' : value.toFixed(3))
const seconds = (ms) => (ms / 1000).toFixed(2)
const mib = (kib) => (kib === undefined ? 'n/a' : (kib / 1024).toFixed(0))

export default async function verifyCli(ctx) {
  const cli = ensureCli(ctx)
  const reference = spawnSync('in-toto-verify', ['--version'], { encoding: 'utf8' })
  if (reference.error) throw new Error('in-toto-verify is not installed (Debian: apt-get install in-toto)')
  const cells = ctx.quick ? QUICK : FULL
  const rows = []
  const data = []
  for (const cell of cells) {
    const { dir, bundle } = ensureBundle(ctx, cell)
    const argv = bundle.verify
    const ours = []
    const theirs = []
    const old = []
    for (let i = 0; i < ctx.repeat; i++) {
      ctx.log(`${cellName(cell)}: run ${i + 1}/${ctx.repeat}`)
      const ref = await ctx.measure('in-toto-verify', argv, { cwd: dir })
      checkPass('in-toto-verify', cell, ref)
      theirs.push(ref)
      if (ctx.baseline) {
        const run = await ctx.measure(process.execPath, [ctx.baseline.cli, 'verify', ...argv], { cwd: dir })
        checkPass('layout-studio', cell, run)
        old.push(run)
      }
      const run = await ctx.measure(process.execPath, [cli, 'verify', ...argv], { cwd: dir })
      checkPass('layout-studio', cell, run)
      ours.push(run)
    }
    const ratios = ours.map((run, i) => theirs[i].wallMs / run.wallMs)
    const result = {
      ...cell,
      links: bundle.links,
      linkMB: bundle.linkBytes / 1e6,
      referenceMs: ctx.median(theirs.map((r) => r.wallMs)),
      oursMs: ctx.median(ours.map((r) => r.wallMs)),
      ratio: ctx.median(ratios),
      referenceRssKiB: ctx.median(theirs.map((r) => r.peakRssKiB)),
      oursRssKiB: ctx.median(ours.map((r) => r.peakRssKiB)),
      runs: { referenceMs: theirs.map((r) => Math.round(r.wallMs)), oursMs: ours.map((r) => Math.round(r.wallMs)) },
      ...(ctx.baseline ? pairedWithBaseline(ctx, ours, old) : {}),
    }
    data.push(result)
    rows.push([
      cellName(cell),
      bundle.links,
      result.linkMB.toFixed(1),
      seconds(result.referenceMs),
      seconds(result.oursMs),
      `${result.ratio.toFixed(1)}×`,
      mib(result.referenceRssKiB),
      mib(result.oursRssKiB),
      ...(ctx.baseline
        ? [
            seconds(result.baselineMs),
            result.timeVsBaseline.toFixed(3),
            mib(result.baselineRssKiB),
            result.memoryVsBaseline === undefined ? 'n/a' : result.memoryVsBaseline.toFixed(3),
          ]
        : []),
    ])
  }

  const notes = [
    `Wall time: medians of ${ctx.repeat} paired, interleaved whole-process runs per cell (both verdicts PASS); ratio = median of the per-pair ratios (reference ÷ layout-studio).`,
  ]
  if (ctx.baseline) {
    notes.push(
      `Baseline: the CLI built from ${ctx.baseline.ref} (${ctx.baseline.commit.slice(0, 12)}), run between the reference and this build in every repetition; this ÷ baseline = median of the per-repetition ratios of wall time, of CPU time (user + system, all threads: less disturbed by other load than wall time) and of peak RSS (1.000: no change).`,
    )
  }
  const series = data.filter((d) => cells.find((c) => c.steps === d.steps && c.artifacts === d.artifacts && c.threshold === d.threshold)?.series)
  if (series.length >= 3) {
    const ours = linearFit(series.map((d) => ({ x: d.artifacts, y: d.oursMs })))
    const ref = linearFit(series.map((d) => ({ x: d.artifacts, y: d.referenceMs })))
    const perK = series.map((d) => `${d.artifacts / 1000}k: ${((d.oursMs - ours.a) / (d.artifacts / 1000)).toFixed(1)}`)
    notes.push(
      `Growth over artifacts per link (S${series[0].steps} T${series[0].threshold}): layout-studio ${ours.a.toFixed(0)} ms + ${(ours.b * 1000).toFixed(1)} ms per 1k artifacts (R² = ${ours.r2.toFixed(3)}); in-toto-verify ${ref.a.toFixed(0)} ms + ${(ref.b * 1000).toFixed(1)} ms per 1k (R² = ${ref.r2.toFixed(3)}).`,
      `layout-studio ms per 1k artifacts above the fitted start-up cost: ${perK.join(', ')}.`,
    )
  }
  return {
    title: 'verify: layout-studio vs in-toto-verify',
    columns: [
      'bundle (steps × artifacts × threshold)',
      'links',
      'link MB',
      'in-toto-verify s',
      'layout-studio s',
      'ratio',
      'in-toto-verify MiB',
      'layout-studio MiB',
      ...(ctx.baseline ? ['baseline s', 'time this ÷ baseline', 'CPU time this ÷ baseline', 'baseline MiB', 'memory this ÷ baseline'] : []),
    ],
    rows,
    notes,
    data,
  }
}
