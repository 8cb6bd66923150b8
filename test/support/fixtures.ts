/**
 * Finding the reference-made documents under test/fixtures and small byte helpers shared by the
 * test/core suites. Digests are computed with node:crypto, independently of the core.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { FIXTURES, VECTORS } from './key-fixtures.ts'

export { FIXTURES, VECTORS }

/** Every group of documents: one per vector, plus the two upstream demo directories. */
export function documentGroups(): string[] {
  const vectors = readdirSync(VECTORS)
    .filter((name) => existsSync(join(VECTORS, name, 'expected.json')))
    .sort()
    .map((name) => join(VECTORS, name))
  return [...vectors, join(FIXTURES, 'upstream/demo_files'), join(FIXTURES, 'upstream/demo_dsse_files')]
}

/** Layouts, links and templates below `dir` (sublayout link directories included), sorted. */
export function documentsIn(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...documentsIn(path))
    else if (/\.(link|layout|template)$/.test(name)) out.push(path)
  }
  return out
}

/** The link files below `dir` (sublayout link directories included), sorted. */
export function linkFilesIn(dir: string): string[] {
  return documentsIn(dir).filter((path) => path.endsWith('.link'))
}

/** `path` relative to test/fixtures with `/` separators (the keys of the golden files). */
export function fixtureName(path: string): string {
  return relative(FIXTURES, path).split(sep).join('/')
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** A copy of `bytes` with bit 0 of byte `index` flipped. */
export function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(bytes)
  copy[index]! ^= 0x01
  return copy
}
