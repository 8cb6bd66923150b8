import { describe, expect, it } from 'vitest'
import { addRule, addStep, authorizeKey, setThreshold } from './commands.ts'
import { deriveGraph, type ArtifactEdge } from './graph.ts'
import { demoChain } from './templates.ts'

const NOW = new Date('2025-01-01T00:00:00Z')

describe('deriveGraph', () => {
  it('draws the demo chain: items, functionaries, artifact edges from MATCH rules, authorizations', () => {
    const { layout, keyNames } = demoChain(NOW)
    const graph = deriveGraph(layout, keyNames)
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['inspection:untar', 'step:package', 'step:write-code', ...[...layout.keys.keys()].map((k) => `key:${k}`)].sort())
    const artifacts = graph.edges.filter((e): e is ArtifactEdge => e.kind === 'artifact').map((e) => `${e.source} -[${e.label}]-> ${e.target}`)
    expect(artifacts.sort()).toEqual(['step:package -[foo.tar.gz]-> inspection:untar', 'step:write-code -[foo.py]-> inspection:untar', 'step:write-code -[foo.py]-> step:package'])
    const auth = graph.edges.filter((e) => e.kind === 'authorizes').map((e) => `${keyNames.get(e.source.slice(4))}->${e.target}`)
    expect(auth.sort()).toEqual(['bob->step:write-code', 'carl->step:package'])
    const bob = graph.nodes.find((n) => n.kind === 'functionary' && n.label === 'bob')
    expect(bob).toMatchObject({ keytype: 'rsa', missing: false })
  })

  it('derives edges from rules, not list order, and skips MATCH rules that cannot match', () => {
    let { layout } = demoChain(NOW)
    layout = addStep(layout, 'late', {
      expectedMaterials: [
        ['MATCH', 'x', 'WITH', 'PRODUCTS', 'FROM', 'untar'],
        ['match', '*', 'in', 'src', 'with', 'materials', 'from', 'package'],
      ],
    })
    layout = addRule(layout, { kind: 'step', index: 0 }, 'materials', ['MATCH', 'y', 'WITH', 'PRODUCTS', 'FROM', 'nowhere'])
    const edges = deriveGraph(layout).edges.filter((e): e is ArtifactEdge => e.kind === 'artifact' && e.target === 'step:late')
    // A step cannot match an inspection's artifacts (inspections run after step rules are checked).
    expect(edges).toHaveLength(1)
    expect(edges[0]).toMatchObject({ source: 'step:package', withKind: 'materials', pattern: '*', rule: { item: 'late', list: 'materials', index: 1 } })
    expect(deriveGraph(layout).edges.some((e) => e.source === 'step:nowhere')).toBe(false)
  })

  it('flags a threshold above the number of distinct keys, and keys missing from the layout', () => {
    let { layout } = demoChain(NOW)
    layout = setThreshold(layout, 0, 2n)
    layout = authorizeKey(layout, 1, 'ab'.repeat(32))
    const nodes = deriveGraph(layout).nodes
    expect(nodes.find((n) => n.id === 'step:write-code')).toMatchObject({ threshold: 2n, keyCount: 1, thresholdTooHigh: true })
    expect(nodes.find((n) => n.id === 'step:package')).toMatchObject({ keyCount: 2, thresholdTooHigh: false })
    expect(nodes.find((n) => n.id === `key:${'ab'.repeat(32)}`)).toMatchObject({ missing: true })
  })
})
