/**
 * Folders whose inside is their own business show one module to the rest of the code: the
 * link-reading machinery of the core (src/core/links) and of the CLI (src/cli/links) are used
 * through their index.ts only, so the speed tricks inside can change without touching callers.
 * Tests may reach inside (to test the parts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g

/** Folders with one public module, and the importers allowed past it (with the reason). */
const SURFACES: ReadonlyArray<{ readonly folder: string; readonly exceptions: Readonly<Record<string, string>> }> = [
  { folder: 'src/core/links', exceptions: {} },
  // main.ts starts the decoding threads before the rest of the program loads: it must load nothing else.
  { folder: 'src/cli/links', exceptions: { 'src/cli/main.ts': 'src/cli/links/threads.ts' } },
]

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sources(path)
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

describe('public surfaces', () => {
  const files = sources(join(ROOT, 'src'))
  for (const { folder, exceptions } of SURFACES) {
    it(`${folder} is imported through its index.ts only`, () => {
      const inside = join(ROOT, folder)
      const breaches: string[] = []
      let imports = 0
      for (const file of files) {
        if (file.startsWith(`${inside}/`)) continue
        const from = relative(ROOT, file)
        for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
          const target = resolve(dirname(file), match[1] as string)
          if (!target.startsWith(`${inside}/`)) continue
          imports++
          const to = relative(ROOT, target)
          if (to !== `${folder}/index.ts` && exceptions[from] !== to) breaches.push(`${from} → ${to}`)
        }
      }
      expect(imports).toBeGreaterThan(0)
      expect(breaches).toEqual([])
    })
  }
})
