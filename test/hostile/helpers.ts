/** Shared setup of the hostile-input tests: a passing reference vector, copied, verified. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { serializeEnvelope, signDocument } from '../../src/core/envelope/sign.ts'
import { parseJson } from '../../src/core/json/parse.ts'
import { exportPublicKeyPem } from '../../src/core/keys/export.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import { importVerifyKeyFile } from '../../src/core/keys/import.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { parseLayout } from '../../src/core/model/layout.ts'
import type { VerificationReport } from '../../src/core/verify/report.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { freshCopy, loadVectors, type Vector } from '../support/vectors.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DirectoryLinks, type DirectoryLinksOptions } from '../../src/cli/links/index.ts'
import { cli, type CliResult } from '../support/cli.ts'

/** Links read on the calling thread, whatever their size. */
export const HERE: DirectoryLinksOptions = { minParallelBytes: Number.POSITIVE_INFINITY }

/** A vector that passes and has link files to replace. */
export function passingVector(): Vector {
  const vector = loadVectors().find((v) => v.expected.verdict === 'pass' && v.expected.runner === 'cli' && readdirSync(join(v.dir, 'links')).some((name) => name.endsWith('.link')))
  if (!vector) throw new Error('no passing vector with links')
  return vector
}

export interface Bundle {
  /** The copy's root (layout/, keys/, links/, work/). */
  readonly root: string
  /** The working directory the vector's command runs in. */
  readonly work: string
  readonly linksDir: string
  /** Link file names of the vector. */
  readonly links: readonly string[]
  /** `links`: how the directory is read (on this thread by default). */
  verify(links?: DirectoryLinksOptions): Promise<VerificationReport>
  dispose(): void
}

export function copyOf(vector: Vector): Bundle {
  const copy = freshCopy(vector)
  const linksDir = join(copy.root, 'links')
  return {
    root: copy.root,
    work: copy.work,
    linksDir,
    links: readdirSync(linksDir).filter((name) => name.endsWith('.link')),
    async verify(options = HERE) {
      const keys = vector.layoutKeys.map((path, index) => {
        const file = resolve(copy.work, path)
        return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
      })
      return verifyLayoutFile(readFileSync(join(copy.root, 'layout', 'root.layout')), 'root.layout', {
        layoutKeys: keys,
        links: new DirectoryLinks(linksDir, options),
        inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
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

/** `layout-studio verify` with the vector's keys on the copy (in its working directory), with `overrides` of single flags and `extra` arguments. */
export async function verifyCli(
  vector: Vector,
  bundle: Bundle,
  overrides: { layout?: string; keys?: readonly string[]; linkDir?: string } = {},
  ...extra: string[]
): Promise<CliResult> {
  const previous = process.cwd()
  process.chdir(bundle.work)
  try {
    const keys = overrides.keys ?? vector.layoutKeys.map((path) => resolve(bundle.work, path))
    return await cli(
      'verify',
      '--layout',
      overrides.layout ?? join(bundle.root, 'layout', 'root.layout'),
      '--layout-keys',
      ...keys,
      '--key-types',
      ...vector.keyTypes.slice(0, keys.length),
      '--link-dir',
      overrides.linkDir ?? bundle.linksDir,
      ...extra,
    )
  } finally {
    process.chdir(previous)
  }
}

/** A named pipe at `path` (Node has no mkfifo). */
export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path])
}

/** A listening Unix socket at `path`; close it when done. */
export async function unixSocket(path: string): Promise<{ close(): Promise<void> }> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(path, done))
  return { close: () => new Promise<void>((done) => server.close(() => done())) }
}

/** The report `--format json` printed; fails the test when stdout is not one JSON document. */
export function jsonReport(result: CliResult): VerificationReport {
  try {
    return JSON.parse(result.stdout) as VerificationReport
  } catch {
    throw new Error(`stdout is not a JSON report (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}

/** No stack trace and no "unexpected error" in anything the command printed. */
export function expectNoCrash(result: CliResult): void {
  const printed = `${result.stdout}\n${result.stderr}`
  if (/unexpected error|\n\s+at .+:\d+:\d+\)?/.test(printed)) throw new Error(`the command crashed:\n${printed}`)
}

export interface Chain {
  readonly dir: string
  readonly owner: PrivateKey
  /** The owner's public key file (SPKI PEM), for --verification-keys. */
  readonly ownerPub: string
  /** Writes `doc` (a bare layout document, `signed` of a metablock) signed by the owner to `name`; returns the path. */
  writeLayout(doc: Record<string, unknown>, name?: string): Promise<string>
  /** `layout-studio verify` of `layout` in `dir` with the owner key. */
  verify(layout: string, ...extra: string[]): Promise<CliResult>
  dispose(): void
}

/** A temporary directory with a fresh owner key, for hostile layouts made in the test. */
export async function chain(prefix: string): Promise<Chain> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  const owner = await generateKeyPair('ed25519')
  const ownerPub = join(dir, 'owner.pub')
  writeFileSync(ownerPub, exportPublicKeyPem(owner.publicKey))
  return {
    dir,
    owner,
    ownerPub,
    async writeLayout(doc, name = 'root.layout') {
      const layout = parseLayout(parseJson(JSON.stringify(doc)))
      const envelope = await signDocument({ type: 'layout', layout }, [owner])
      const path = join(dir, name)
      writeFileSync(path, serializeEnvelope(envelope))
      return path
    },
    async verify(layout, ...extra) {
      const previous = process.cwd()
      process.chdir(dir)
      try {
        return await cli('verify', '--layout', layout, '--verification-keys', ownerPub, '--link-dir', dir, ...extra)
      } finally {
        process.chdir(previous)
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** A bare layout document with `inspect` and `steps` (no keys), expiring in a year. */
export function layoutWith(parts: { steps?: unknown[]; inspect?: unknown[]; keys?: Record<string, unknown> }): Record<string, unknown> {
  return {
    _type: 'layout',
    expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    readme: '',
    keys: parts.keys ?? {},
    steps: parts.steps ?? [],
    inspect: parts.inspect ?? [],
  }
}

export function inspection(name: string, run: readonly string[], rules: { materials?: unknown[]; products?: unknown[] } = {}): Record<string, unknown> {
  return { _type: 'inspection', name, run, expected_materials: rules.materials ?? [], expected_products: rules.products ?? [] }
}
