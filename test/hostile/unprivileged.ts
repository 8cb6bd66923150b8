/**
 * Running a command as a user file permissions apply to. Root reads any file whatever its
 * mode, so a test of "permission denied" run as root drops to `nobody` with util-linux's
 * `setpriv`; any other user is subject to permissions already.
 */
import { execFile, execFileSync } from 'node:child_process'
import type { CliResult } from '../support/cli.ts'

const NOBODY = '65534'

function isRoot(): boolean {
  return process.getuid?.() === 0
}

function haveSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Whether permission tests can run here (as a non-root user, or as root with `setpriv`). */
export function canDropPrivileges(): boolean {
  return !isRoot() || haveSetpriv()
}

/** Runs `argv` in `cwd` as a user without root's privileges; never throws on a non-zero exit. */
export function asUnprivileged(argv: readonly string[], cwd: string): Promise<CliResult> {
  const command = isRoot() ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...argv] : [...argv]
  return new Promise((resolve) => {
    execFile(command[0] as string, command.slice(1), { cwd, timeout: 60_000, env: { ...process.env, HOME: cwd } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}
