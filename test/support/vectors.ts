/** The reference vectors (test/fixtures/vectors), read for tests and benchmarks. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURES = resolve(fileURLToPath(new URL('../fixtures', import.meta.url)))
export const VECTORS = join(FIXTURES, 'vectors')

export interface Expected {
  readonly name: string
  readonly verdict: 'pass' | 'fail'
  readonly exit_code: number
  readonly stage: string
  readonly error_type: string | null
  readonly reason: string | null
  readonly warnings: readonly string[]
  readonly command: readonly string[]
  readonly runner: 'cli' | 'api'
  readonly substitution_parameters?: Record<string, string>
  readonly inner_stage?: string | null
}

export interface Vector {
  readonly name: string
  readonly dir: string
  readonly expected: Expected
  /** `--layout-keys` paths relative to work/ and their `--key-types`. */
  readonly layoutKeys: readonly string[]
  readonly keyTypes: readonly ('rsa' | 'ed25519' | 'ecdsa')[]
}

export function loadVectors(): Vector[] {
  return readdirSync(VECTORS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(VECTORS, entry.name)
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected
      const command = expected.command
      const layoutKeys = valuesOf(command, ['--layout-keys', '-k'])
      const keyTypes = valuesOf(command, ['--key-types', '-t']) as ('rsa' | 'ed25519' | 'ecdsa')[]
      return { name: entry.name, dir, expected, layoutKeys, keyTypes: keyTypes.length > 0 ? keyTypes : layoutKeys.map(() => 'rsa' as const) }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** The values following a flag in an argv, up to the next flag. */
function valuesOf(argv: readonly string[], flags: readonly string[]): string[] {
  const at = argv.findIndex((arg) => flags.includes(arg))
  if (at < 0) return []
  const values: string[] = []
  for (const arg of argv.slice(at + 1)) {
    if (arg.startsWith('-')) break
    values.push(arg)
  }
  return values
}

/** A fresh copy of the vector (inspections write into work/), removed by `dispose`. */
export function freshCopy(vector: Vector): { root: string; work: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), `vector-${vector.name}-`))
  cpSync(vector.dir, root, { recursive: true })
  const work = join(root, 'work')
  if (!existsSync(work)) throw new Error(`vector ${vector.name} has no work/ directory`)
  return { root, work, dispose: () => rmSync(root, { recursive: true, force: true }) }
}
