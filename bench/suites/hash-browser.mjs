/**
 * Hashing throughput in the browser: the built app's "Check files against a link" (Verify
 * workspace) hashing a large file in its worker (hash-wasm SHA-256, read from the File a
 * chunk at a time), next to `sha256sum` and `layout-studio match-products` (node:crypto) on
 * the same file; and many small files (per-file costs). Target (issue 15): at least
 * 200 MiB/s SHA-256 in Chromium. hash-wasm's SHA-512 (rebuilder attestations carry sha512) is
 * measured in Node, on the same WebAssembly under the same engine (V8).
 *
 * The browser's time is the app's own, from the click on "Check files" until the result
 * (performance.now in the page, `data-elapsed-ms` on the result): it includes starting the
 * worker the first time in a page, reading the file and hashing it.
 */
import { execFileSync } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { basename, join } from 'node:path'
import { buildApp, launchChromium, startPreview } from '../lib/browser.mjs'
import { ensureCli } from '../lib/bundles.mjs'

const TARGET_MIB_S = 200
const MiB = 1024 * 1024

/** A file of `mib` MiB of random bytes (cached in the work directory), with its SHA-256. */
function ensureBigFile(ctx, mib) {
  const file = join(ctx.workDir, `big-${mib}MiB.bin`)
  if (!existsSync(file) || statSync(file).size !== mib * MiB) {
    ctx.log(`writing ${mib} MiB of random bytes`)
    const chunk = Buffer.alloc(MiB)
    const fd = openSync(file, 'w')
    try {
      for (let i = 0; i < mib; i++) writeSync(fd, randomFillSync(chunk))
    } finally {
      closeSync(fd)
    }
  }
  return file
}

/** `count` files of `kib` KiB in a folder `small/`, cached. */
function ensureSmallFiles(ctx, count, kib) {
  const dir = join(ctx.workDir, `small-${count}x${kib}KiB`, 'small')
  if (!existsSync(dir) || readdirSync(dir).length !== count) {
    ctx.log(`writing ${count} files of ${kib} KiB`)
    mkdirSync(dir, { recursive: true })
    for (let i = 0; i < count; i++) writeFileSync(join(dir, `f${String(i).padStart(5, '0')}.bin`), randomFillSync(Buffer.alloc(kib * 1024)))
  }
  return dir
}

/** An unsigned link whose products are exactly `files` (name → path on disk), so a check matches. */
function writeLink(ctx, name, files) {
  const products = {}
  for (const [artifact, path] of files) products[artifact] = { sha256: createHash('sha256').update(readFileSync(path)).digest('hex') }
  const link = join(ctx.workDir, `${name}.link`)
  writeFileSync(link, JSON.stringify({ signed: { _type: 'link', name, command: [], materials: {}, products, byproducts: {}, environment: {} }, signatures: [] }))
  return link
}

async function browserCheck(browser, url, link, pick) {
  const page = await browser.newPage()
  try {
    await page.goto(url)
    await page.getByRole('tab', { name: 'Verify' }).click()
    const panel = page.getByRole('region', { name: 'Check files against a link' })
    await panel.getByLabel('Link to check against').setInputFiles(link)
    await pick(panel)
    await panel.getByRole('button', { name: 'Check files' }).click()
    const result = panel.getByRole('region', { name: 'Match result' })
    await result.waitFor({ timeout: 300_000 })
    const heading = await result.getByRole('heading', { level: 4 }).textContent()
    if (!heading?.startsWith('match')) throw new Error(`the browser's check did not match: ${heading}`)
    return { ms: Number(await result.getAttribute('data-elapsed-ms')), bytes: Number(await result.getAttribute('data-bytes')) }
  } finally {
    await page.close()
  }
}

function nodeWasmThroughput(ctx, algorithm, mib) {
  const script = `
    import { createSHA256, createSHA512 } from 'hash-wasm'
    const data = new Uint8Array(${mib} * 1024 * 1024).map((_, i) => i * 31)
    const h = await (${JSON.stringify(algorithm)} === 'sha256' ? createSHA256 : createSHA512)()
    const t = performance.now()
    for (let o = 0; o < data.length; o += 4 << 20) h.update(data.subarray(o, o + (4 << 20)))
    h.digest('hex')
    process.stdout.write(String(performance.now() - t))`
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ctx.root }).toString())
}

const rate = (bytes, ms) => bytes / MiB / (ms / 1000)

export default async function hashBrowser(ctx) {
  const cli = ensureCli(ctx)
  const mib = ctx.quick ? 64 : 512
  const big = ensureBigFile(ctx, mib)
  const bigLink = writeLink(ctx, 'big', [[basename(big), big]])
  const [count, kib] = ctx.quick ? [200, 64] : [2000, 64]
  const smallDir = ensureSmallFiles(ctx, count, kib)
  const smallLink = writeLink(
    ctx,
    'small',
    readdirSync(smallDir).map((name) => [`small/${name}`, join(smallDir, name)]),
  )
  const dist = buildApp(ctx)
  const server = await startPreview(ctx.root, dist)
  const browser = await launchChromium()
  const runs = { browserBig: [], browserSmall: [], sha256sum: [], cli: [] }
  try {
    for (let i = 0; i < ctx.repeat; i++) {
      ctx.log(`run ${i + 1}/${ctx.repeat}`)
      runs.browserBig.push(await browserCheck(browser, server.url, bigLink, (panel) => panel.getByRole('button', { name: 'Files to check', exact: true }).setInputFiles(big)))
      runs.browserSmall.push(await browserCheck(browser, server.url, smallLink, (panel) => panel.getByLabel('Folder to check').setInputFiles(smallDir)))
      const sum = await ctx.measure('sha256sum', [big])
      runs.sha256sum.push(sum.wallMs)
      const match = await ctx.measure(process.execPath, [cli, 'match-products', '-l', bigLink, '-p', basename(big)], { cwd: ctx.workDir })
      if (match.code !== 0) throw new Error(`layout-studio match-products exited ${match.code}: ${match.stderr}`)
      runs.cli.push(match.wallMs)
    }
  } finally {
    await browser.close()
    server.stop()
  }
  const bigBytes = mib * MiB
  const browserBig = ctx.median(runs.browserBig.map((run) => rate(run.bytes, run.ms)))
  const browserSmall = ctx.median(runs.browserSmall.map((run) => rate(run.bytes, run.ms)))
  const wasm256 = rate(64 * MiB, nodeWasmThroughput(ctx, 'sha256', 64))
  const wasm512 = rate(64 * MiB, nodeWasmThroughput(ctx, 'sha512', 64))
  const rows = [
    [`browser app, hash worker (hash-wasm SHA-256), one ${mib} MiB file`, browserBig.toFixed(0), browserBig >= TARGET_MIB_S ? 'yes' : 'NO'],
    [`browser app, ${count} files of ${kib} KiB (WebCrypto per file)`, browserSmall.toFixed(0), ''],
    [`sha256sum, the same ${mib} MiB file (whole process)`, rate(bigBytes, ctx.median(runs.sha256sum)).toFixed(0), ''],
    [`layout-studio match-products (node:crypto), the same file (whole process)`, rate(bigBytes, ctx.median(runs.cli)).toFixed(0), ''],
    ['hash-wasm SHA-256 in Node (same WebAssembly, V8), 64 MiB in memory', wasm256.toFixed(0), ''],
    ['hash-wasm SHA-512 in Node (same WebAssembly, V8), 64 MiB in memory', wasm512.toFixed(0), ''],
  ]
  return {
    title: 'Hashing throughput (check files against a link)',
    columns: ['what', 'MiB/s (median)', `≥ ${TARGET_MIB_S} MiB/s`],
    rows,
    notes: [`${ctx.repeat} run(s); the browser figures are the app's own time from the click to the result, worker start included.`],
    data: { mib, count, kib, runs },
  }
}
