/**
 * Running the reference tools (Debian's `in-toto` package: in-toto 1.3.1, securesystemslib
 * 0.26) from tests. Interop suites run when `in-toto-sign` is on PATH; without it they fail in
 * CI (`CI` set) and are skipped elsewhere, saying how to install it.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export const INSTALL_HINT = 'the in-toto reference tools are not installed: apt-get install in-toto'

/** The Debian interpreter that has in-toto and securesystemslib (not a pyenv python3). */
export const REFERENCE_PYTHON = '/usr/bin/python3'

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)))
}

export const referenceInstalled = onPath('in-toto-sign') && onPath('in-toto-verify') && existsSync(REFERENCE_PYTHON)

export interface RunResult {
  /** Exit code; -1 when the process was killed (timeout) or could not start. */
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `command` with a timeout; never throws for a non-zero exit. */
export function run(command: string, args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr })
      const code = typeof error.code === 'number' ? error.code : -1
      resolve({ code, stdout, stderr: `${stderr}${error.killed ? `\n(killed after ${timeoutMs} ms)` : code === -1 ? `\n${error.message}` : ''}` })
    })
  })
}

/** A readable account of a run for assertion messages. */
export function describeRun(args: readonly string[], result: RunResult): string {
  return `${args.join(' ')} → exit ${result.code}\n${result.stdout}\n${result.stderr}`
}
