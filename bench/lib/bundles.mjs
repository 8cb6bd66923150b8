/**
 * What the verify suites share: synthetic bundles (bench/lib/make-bundle.ts, generated once and
 * cached where every suite finds them) and the built CLI.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** Bump when make-bundle.ts changes what it writes, so cached bundles are rebuilt. */
const BUNDLE_VERSION = 1

/** `S20 A10000 T3`: steps × artifacts per link × threshold (functionaries per step). */
export function cellName(cell) {
  return `S${cell.steps} A${cell.artifacts} T${cell.threshold}`
}

/** The built CLI entry, building it when missing. */
export function ensureCli(ctx) {
  const built = join(ctx.root, 'dist-cli', 'layout-studio.mjs')
  if (existsSync(built)) return built
  ctx.log('dist-cli is missing: running npm run build:cli')
  const result = spawnSync('npm', ['run', 'build:cli'], { cwd: ctx.root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0 || !existsSync(built)) throw new Error('npm run build:cli failed')
  return built
}

/**
 * The bundle of `cell` as `{ dir, bundle }` (`bundle`: make-bundle's bundle.json, with the
 * verify argv relative to `dir`). Bundles live beside the suites' work directories, shared by
 * all suites; a new one is generated into a scratch directory and renamed into place, so a
 * suite running at the same time never reads a half-written bundle.
 */
export function ensureBundle(ctx, cell) {
  const cache = join(dirname(ctx.workDir), 'bundles')
  const dir = join(cache, `v${BUNDLE_VERSION}-s${cell.steps}-a${cell.artifacts}-t${cell.threshold}`)
  const meta = join(dir, 'bundle.json')
  if (!existsSync(meta)) {
    const scratch = `${dir}.partial-${process.pid}`
    rmSync(scratch, { recursive: true, force: true })
    ctx.log(`generating ${cellName(cell)} in ${dir}`)
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ctx.root, 'bench/lib/make-bundle.ts'),
        scratch,
        '--steps',
        String(cell.steps),
        '--artifacts',
        String(cell.artifacts),
        '--threshold',
        String(cell.threshold),
      ],
      { cwd: ctx.root, stdio: ['ignore', 'ignore', 'inherit'] },
    )
    if (result.status !== 0) throw new Error(`generating ${cellName(cell)} failed`)
    if (existsSync(meta)) rmSync(scratch, { recursive: true, force: true })
    else {
      rmSync(dir, { recursive: true, force: true })
      renameSync(scratch, dir)
    }
  }
  return { dir, bundle: JSON.parse(readFileSync(meta, 'utf8')) }
}
