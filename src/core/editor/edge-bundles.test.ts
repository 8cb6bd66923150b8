import { describe, expect, it } from 'vitest'
import { bundleArtifactEdges } from './edge-bundles.ts'
import type { ArtifactEdge } from './graph.ts'

function edge(id: string, source: string, target: string, pattern: string, withKind: 'materials' | 'products' = 'products'): ArtifactEdge {
  return { id, kind: 'artifact', source, target, pattern, withKind, label: pattern, rule: { item: target, itemKind: 'step', list: 'materials', index: Number(id.slice(-1)) } }
}

describe('bundleArtifactEdges', () => {
  it('draws the MATCH rules between two items as one edge naming every pattern, per kind of artifacts compared', () => {
    const bundles = bundleArtifactEdges([
      edge('r0', 'step:a', 'step:b', 'src/*'),
      edge('r1', 'step:a', 'step:b', 'docs/*'),
      edge('r2', 'step:a', 'step:b', '*.toml'),
      edge('r3', 'step:a', 'step:b', '*', 'materials'),
      edge('r4', 'step:b', 'step:b', 'out/*'),
    ])
    expect(bundles.map((b) => [b.source, b.target, b.withKind, b.patterns, b.label, b.edgeIds])).toEqual([
      ['step:a', 'step:b', 'products', ['src/*', 'docs/*', '*.toml'], 'src/*, docs/* +1', ['r0', 'r1', 'r2']],
      ['step:a', 'step:b', 'materials', ['*'], '*', ['r3']],
      ['step:b', 'step:b', 'products', ['out/*'], 'out/*', ['r4']],
    ])
    // A single rule keeps its edge's id; bundles get distinct ids.
    expect(bundles[1]?.id).toBe('r3')
    expect(new Set(bundles.map((b) => b.id)).size).toBe(3)
  })
})
