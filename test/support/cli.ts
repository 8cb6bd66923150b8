/**
 * Running the CLI in-process for tests: `main` with captured stdout/stderr, inside a fresh
 * temporary working directory; and the reference tools (Debian's in-toto) when installed.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { vi } from 'vitest'
import type { PublicKey } from '../../src/core/keys/types.ts'
import { main } from '../../src/cli/program.ts'

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `layout-studio ARGS` in the current working directory. */
export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    return true
  })
  try {
    const code = await main(args)
    return { code, stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = 0
  }
}

/** A temporary directory made the working directory; `dispose` goes back and removes it. */
export function tempWorkdir(prefix: string): { dir: string; dispose: () => void } {
  const previous = process.cwd()
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  process.chdir(dir)
  return {
    dir,
    dispose: () => {
      process.chdir(previous)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const run = promisify(execFile)

/** Runs a reference tool; never throws on a non-zero exit. */
export async function reference(tool: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(tool, args, { cwd, timeout: timeoutMs })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string; killed?: boolean }
    if (typeof failure.code !== 'number') throw error
    return { code: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' }
  }
}

/** Whether Debian's in-toto tools are installed; in CI their absence is a failure. */
export async function referenceAvailable(): Promise<boolean> {
  try {
    await run('in-toto-verify', ['--version'], { timeout: 30_000 })
    return true
  } catch {
    if (process.env.CI) throw new Error("the reference tools (Debian's in-toto: in-toto-verify, in-toto-sign, in-toto-run) must be installed in CI")
    return false
  }
}

export interface StepSpec {
  readonly name: string
  readonly pubkeys: readonly string[]
  readonly materials?: readonly (readonly string[])[]
  readonly products?: readonly (readonly string[])[]
  readonly command?: readonly string[]
  readonly threshold?: number
}

/** A bare layout document (`{"_type": "layout", ...}`) over `keys`, expiring in a year. */
export function layoutDocument(keys: readonly PublicKey[], steps: readonly StepSpec[], expires = inAYear()): Record<string, unknown> {
  return {
    _type: 'layout',
    expires,
    readme: '',
    keys: Object.fromEntries(
      keys.map((key) => [key.keyid, { keyid: key.keyid, keytype: key.keytype, scheme: key.scheme, keyval: { public: key.public }, keyid_hash_algorithms: ['sha256', 'sha512'] }]),
    ),
    steps: steps.map((step) => ({
      _type: 'step',
      name: step.name,
      pubkeys: step.pubkeys,
      threshold: step.threshold ?? 1,
      expected_command: step.command ?? [],
      expected_materials: step.materials ?? [],
      expected_products: step.products ?? [],
    })),
    inspect: [],
  }
}

function inAYear(): string {
  return new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
