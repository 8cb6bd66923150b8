/**
 * The `layout-studio` command's basics: `--help` and `--version` print usage and the
 * package.json version and exit 0; an unknown command is a usage error (exit 2). Checked in
 * process (main) and as real processes (the source entry through tsx, and the `bin` script).
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli } from '../../test/support/cli.ts'

const ROOT = join(import.meta.dirname, '../..')
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> }

function spawn(command: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, timeout: 60_000, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr })
    })
  })
}

describe('layout-studio (in process)', () => {
  it('--help prints the usage and the commands, exit 0', async () => {
    const result = await cli('--help')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage: layout-studio \[options\] \[command\]/)
    expect(result.stdout).toContain('--version')
    expect(result.stdout).toMatch(/^\s+verify\b/m)
    expect(result.stderr).toBe('')
  })

  it('--version prints the package.json version, exit 0', async () => {
    const result = await cli('--version')
    expect(result).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' })
  })

  it('an unknown command is a usage error: exit 2, named on stderr', async () => {
    const result = await cli('frobnicate')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("unknown command 'frobnicate'")
    expect(result.stdout).toBe('')
  })
})

describe('layout-studio (as a process)', () => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx')

  it('exits 0 with the version, and 2 for an unknown command (source entry)', async () => {
    const version = await spawn(tsx, ['src/cli/main.ts', '--version'])
    expect(version).toMatchObject({ code: 0, stdout: `${PACKAGE.version}\n` })
    const unknown = await spawn(tsx, ['src/cli/main.ts', 'frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
  }, 120_000)

  it('runs through the package bin script', async () => {
    expect(PACKAGE.bin['layout-studio']).toBe('bin/layout-studio.mjs')
    const help = await spawn(process.execPath, [join(ROOT, PACKAGE.bin['layout-studio']!), '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: layout-studio')
  }, 120_000)
})
