/**
 * `layout-studio infer` and `layout-studio diff` (the built CLI) at scale: a five-step chain
 * (clone → update → build → test → package) whose links record N files each, unsigned as
 * in-toto-mock writes them; then the inferred layout compared with itself minus one step.
 * Whole-process wall time (start-up included) and peak memory; nothing is asserted.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureCli } from '../lib/bundles.mjs'

const SIZES = [1_000, 10_000, 50_000]
const QUICK_SIZES = [1_000]

const digest = (i, version) => ((i * 7919 + version) >>> 0).toString(16).padStart(64, '0')

function link(name, materials, products) {
  return JSON.stringify({ signatures: [], signed: { _type: 'link', name, command: [], materials, products, byproducts: {}, environment: {} } })
}

/** Writes the chain's links for `files` files into `dir`; returns their names. */
function writeChain(dir, files) {
  mkdirSync(dir, { recursive: true })
  const src = {}
  for (let i = 0; i < files; i++) src[`src/pkg${i % 50}/file${i}.py`] = { sha256: digest(i, 0) }
  const updated = { ...src }
  for (let i = 0; i < files; i += 100) updated[`src/pkg${i % 50}/file${i}.py`] = { sha256: digest(i, 1) }
  const built = { ...updated, 'dist/app.bin': { sha256: digest(1, 9) } }
  const chain = [
    ['clone', {}, src],
    ['update', src, updated],
    ['build', updated, built],
    ['test', updated, updated],
    ['package', { 'dist/app.bin': built['dist/app.bin'] }, { 'app.tar.gz': { sha256: digest(2, 9) } }],
  ]
  return chain.map(([name, materials, products]) => {
    writeFileSync(join(dir, `${name}.link`), link(name, materials, products))
    return `${name}.link`
  })
}

export default async function inferDiff(ctx) {
  const cli = ensureCli(ctx)
  const rows = []
  const data = []
  for (const files of ctx.quick ? QUICK_SIZES : SIZES) {
    const dir = join(ctx.workDir, `chain-${files}`)
    const links = writeChain(dir, files)
    const infer = []
    const diff = []
    let peak = { infer: 0, diff: 0 }
    for (let r = 0; r < ctx.repeat; r++) {
      ctx.log(`infer-diff: ${files} files per link, run ${r + 1}/${ctx.repeat}`)
      const inferred = await ctx.measure(process.execPath, [cli, 'infer', ...links, '-o', 'layout.json'], { cwd: dir })
      if (inferred.code !== 0) throw new Error(`infer failed: ${inferred.stderr}`)
      infer.push(inferred.wallMs)
      peak = { ...peak, infer: Math.max(peak.infer, inferred.peakRssKiB ?? 0) }
      const layout = JSON.parse(readFileSync(join(dir, 'layout.json'), 'utf8'))
      layout.signed.steps = layout.signed.steps.filter((step) => step.name !== 'test')
      writeFileSync(join(dir, 'edited.json'), JSON.stringify(layout))
      const compared = await ctx.measure(process.execPath, [cli, 'diff', 'layout.json', 'edited.json'], { cwd: dir })
      if (compared.code !== 1) throw new Error(`diff should find the removed step: ${compared.stdout}${compared.stderr}`)
      diff.push(compared.wallMs)
      peak = { ...peak, diff: Math.max(peak.diff, compared.peakRssKiB ?? 0) }
    }
    const row = { files, inferMs: ctx.median(infer), diffMs: ctx.median(diff), inferPeakMiB: peak.infer / 1024, diffPeakMiB: peak.diff / 1024 }
    data.push(row)
    rows.push([files, links.length, (row.inferMs / 1000).toFixed(2), row.inferPeakMiB.toFixed(0), (row.diffMs / 1000).toFixed(2), row.diffPeakMiB.toFixed(0)])
  }
  return {
    title: 'infer and diff: a five-step chain',
    columns: ['files per link', 'links', 'infer s', 'infer MiB', 'diff s', 'diff MiB'],
    rows,
    notes: [`Medians of ${ctx.repeat} whole-process runs of the built CLI (start-up included); diff compares the inferred layout with itself minus one step.`],
    data,
  }
}
