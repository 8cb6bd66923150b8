import { describe, expect, it } from 'vitest'
import * as edit from '../editor/commands.ts'
import { deriveGraph, keyNodeId } from '../editor/graph.ts'
import { demoChain } from '../editor/templates.ts'
import { computeKeyId } from '../keys/keyid.ts'
import { layoutKeyFromJson, layoutKeyJson } from '../model/layout.ts'
import { comparisonGraph } from './comparison-graph.ts'
import { diffLayouts } from './layout-diff.ts'

const { layout: base } = demoChain(new Date('2026-01-01T00:00:00Z'))
const [, carl] = [...base.keys.keys()] as [string, string]

describe('comparisonGraph', () => {
  it('draws removed items and edges beside the new layout, marking added, removed and changed', () => {
    let after = edit.deleteItem(base, edit.findItem(base, 'untar') as edit.ItemRef)
    after = edit.addStep(after, 'test')
    after = edit.connectItems(after, 'package', edit.findItem(after, 'test') as edit.ItemRef)
    after = edit.replaceRule(after, edit.findItem(after, 'package') as edit.ItemRef, 'products', 1, ['ALLOW', '*'])
    const graph = comparisonGraph(base, after, diffLayouts(base, after))
    expect(graph.marks.nodes).toEqual(
      new Map([
        ['step:test', { state: 'added', label: 'added' }],
        ['step:package', { state: 'changed', label: 'changed' }],
        ['inspection:untar', { state: 'removed', label: 'removed' }],
      ]),
    )
    const edges = deriveGraph(graph.layout).edges.filter((e) => e.kind === 'artifact')
    const mark = (source: string, target: string) => edges.filter((e) => e.source === source && e.target === target).map((e) => graph.marks.edges.get(e.id)?.state)
    expect(mark('step:package', 'step:test')).toEqual(['added'])
    expect(mark('step:package', 'inspection:untar')).toEqual(['removed'])
    expect(mark('step:write-code', 'inspection:untar')).toEqual(['removed'])
    expect(mark('step:write-code', 'step:package')).toEqual([undefined])
  })

  it('shows a rotated key as the new key, changed, and the old one removed with its authorization', () => {
    const publicHex = '33'.repeat(32)
    const erin = computeKeyId('ed25519', 'ed25519', publicHex)
    const after = {
      ...base,
      keys: new Map(
        [...base.keys].map(([id, k]) =>
          id === carl ? [erin, layoutKeyFromJson(layoutKeyJson({ keyid: erin, keytype: 'ed25519', scheme: 'ed25519', public: publicHex }))] : [id, k],
        ),
      ),
      steps: base.steps.map((s) => ({ ...s, pubkeys: s.pubkeys.map((id) => (id === carl ? erin : id)) })),
    }
    const graph = comparisonGraph(base, after, diffLayouts(base, after))
    expect(graph.marks.nodes.get(keyNodeId(erin))).toEqual({ state: 'changed', label: `rotated from ${carl.slice(0, 8)}…` })
    expect(graph.marks.nodes.get(keyNodeId(carl))?.state).toBe('removed')
    const auth = deriveGraph(graph.layout).edges.filter((e) => e.kind === 'authorizes' && e.target === 'step:package')
    expect(auth.map((e) => [e.source, graph.marks.edges.get(e.id)?.state])).toEqual([
      [keyNodeId(erin), 'added'],
      [keyNodeId(carl), 'removed'],
    ])
  })
})
