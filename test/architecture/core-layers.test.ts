/**
 * The folders of src/core are layers: imports between them point one way, so no two folders
 * depend on each other, directly or around a longer loop. The graph is computed from the
 * sources (every static and dynamic import and re-export of a module outside tests); a file
 * directly in src/core is a node of its own.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CORE = resolve(fileURLToPath(new URL('../../src/core', import.meta.url)))

/** `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sources(path)
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : []
  })
}

/** The layer of a file: its top folder under src/core, or the file itself when it is directly there. */
function layerOf(file: string): string {
  const [first = '', ...rest] = relative(CORE, file).split('/')
  return rest.length === 0 ? first : `${first}/`
}

interface LayerGraph {
  /** Layer → the layers it imports, each with one import that shows it. */
  readonly edges: ReadonlyMap<string, ReadonlyMap<string, string>>
}

function layerGraph(files: readonly string[]): LayerGraph {
  const edges = new Map<string, Map<string, string>>()
  for (const file of files) {
    const from = layerOf(file)
    for (const match of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), match[1] as string)
      if (!target.startsWith(`${CORE}/`)) continue
      const to = layerOf(target)
      if (to === from) continue
      let out = edges.get(from)
      if (out === undefined) edges.set(from, (out = new Map()))
      if (!out.has(to)) out.set(to, `${relative(CORE, file)} → ${relative(CORE, target)}`)
    }
  }
  return { edges }
}

/** Every strongly connected group of more than one layer (Tarjan), each as a cycle through it. */
function cycles(graph: LayerGraph): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const groups: string[][] = []
  const visit = (node: string) => {
    index.set(node, index.size)
    low.set(node, index.get(node) as number)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number))
    }
    if (low.get(node) !== index.get(node)) return
    const group: string[] = []
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member)
      group.push(member)
      if (member === node) break
    }
    if (group.length > 1) groups.push(group.sort())
  }
  for (const node of graph.edges.keys()) if (!index.has(node)) visit(node)
  return groups
}

/** A group's imports among its own members, one line each: what to untangle. */
function explain(graph: LayerGraph, group: readonly string[]): string {
  const lines = group.flatMap((from) => [...(graph.edges.get(from) ?? [])].filter(([to]) => group.includes(to)).map(([to, example]) => `  ${from} → ${to} (${example})`))
  return `${group.join(' ↔ ')}:\n${lines.join('\n')}`
}

describe('the layers of src/core', () => {
  it('import each other without cycles', () => {
    const graph = layerGraph(sources(CORE))
    expect(graph.edges.size).toBeGreaterThan(5)
    expect(cycles(graph).map((group) => explain(graph, group))).toEqual([])
  })

  it('finds a cycle when there is one (the check can fail)', () => {
    const graph: LayerGraph = {
      edges: new Map([
        ['a/', new Map([['b/', 'a/x.ts → b/y.ts']])],
        ['b/', new Map([['c/', 'b/y.ts → c/z.ts']])],
        ['c/', new Map([['a/', 'c/z.ts → a/x.ts']])],
        ['d/', new Map([['a/', 'd/w.ts → a/x.ts']])],
      ]),
    }
    expect(cycles(graph)).toEqual([['a/', 'b/', 'c/']])
  })
})
