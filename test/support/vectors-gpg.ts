/**
 * The OpenPGP vectors (test/fixtures/vectors-gpg): each with its reference command line, its
 * GnuPG home and every OpenPGP key of the vector exported as `keys/ROLE.asc`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FIXTURES, type Expected } from './vectors.ts'

export const VECTORS_GPG = join(FIXTURES, 'vectors-gpg')

export interface GpgExpected extends Expected {
  readonly gpg_keys: Record<string, { readonly fingerprint: string; readonly type: string; readonly subkeys: readonly string[] }>
  readonly gpg_home_keys: readonly string[]
  readonly notes: string
}

export interface GpgVector {
  readonly name: string
  readonly dir: string
  readonly expected: GpgExpected
  /** `--gpg` key IDs of the command (empty when the owner is given with `--layout-keys`). */
  readonly gpgKeyids: readonly string[]
  /** `--layout-keys` paths relative to work/, with their `--key-types`. */
  readonly layoutKeys: readonly string[]
  readonly keyTypes: readonly ('rsa' | 'ed25519' | 'ecdsa')[]
  /** The `.asc` files (paths) of the keys the vector's GnuPG home holds: what a keyring export gives. */
  readonly homeKeyFiles: readonly string[]
}

export function loadGpgVectors(): GpgVector[] {
  return readdirSync(VECTORS_GPG, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(VECTORS_GPG, entry.name, 'expected.json')))
    .map((entry) => {
      const dir = join(VECTORS_GPG, entry.name)
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as GpgExpected
      const command = expected.command
      const layoutKeys = valuesOf(command, ['--layout-keys', '-k'])
      const keyTypes = valuesOf(command, ['--key-types', '-t']) as ('rsa' | 'ed25519' | 'ecdsa')[]
      const homeKeyFiles = Object.entries(expected.gpg_keys)
        .filter(([, key]) => expected.gpg_home_keys.includes(key.fingerprint))
        .map(([role]) => join(dir, 'keys', `${role}.asc`))
      return {
        name: entry.name,
        dir,
        expected,
        gpgKeyids: valuesOf(command, ['--gpg', '-g']),
        layoutKeys,
        keyTypes: keyTypes.length > 0 ? keyTypes : layoutKeys.map(() => 'rsa' as const),
        homeKeyFiles,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

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
