/** Requests for the bundle pipeline made from a reference vector's directory. */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { loadVectors } from './vectors.ts'
import type { BundleInput } from '../../src/core/bundle/assemble.ts'
import type { BundleRequest } from '../../src/core/bundle/verify-bundle.ts'

const vectors = loadVectors()

export function filesUnder(root: string): BundleInput[] {
  const out: BundleInput[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (name !== '.keep') {
        const bytes = new Uint8Array(readFileSync(full))
        out.push({ path: relative(root, full), size: bytes.length, read: async () => bytes })
      }
    }
  }
  walk(root)
  return out
}

export function vectorRequest(name: string): BundleRequest {
  const vector = vectors.find((candidate) => candidate.name === name)
  if (!vector) throw new Error(`no vector ${name}`)
  return {
    layout: { path: 'root.layout', bytes: new Uint8Array(readFileSync(join(vector.dir, 'layout/root.layout'))) },
    ownerKeys: vector.layoutKeys.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(vector.dir, 'work', path))) })),
    links: filesUnder(join(vector.dir, 'links')),
    products: filesUnder(join(vector.dir, 'work')),
    parameters: vector.expected.substitution_parameters ? new Map(Object.entries(vector.expected.substitution_parameters)) : undefined,
  }
}
