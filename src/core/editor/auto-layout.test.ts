import dagre from '@dagrejs/dagre'
import { describe, expect, it } from 'vitest'
import { autoLayout, placeNewNodes } from './auto-layout.ts'
import { addStep, connectItems } from './commands.ts'
import { deriveGraph } from './graph.ts'
import { demoChain } from './templates.ts'

describe('placeNewNodes', () => {
  const { layout, keyNames } = demoChain(new Date('2026-01-01T00:00:00Z'))
  const known = autoLayout(deriveGraph(layout, keyNames), dagre)
  const rightmost = Math.max(...[...known].filter(([id]) => !id.startsWith('key:')).map(([, p]) => p.x))

  it('puts a new step of its own right of the rightmost step or inspection, keeping every known place', () => {
    const graph = deriveGraph(addStep(layout, 'sign'), keyNames)
    const placed = placeNewNodes(graph, known)
    const id = graph.nodes.find((node) => node.kind !== 'functionary' && node.name === 'sign')?.id as string
    expect(placed.get(id)?.x).toBe(rightmost + 290)
    for (const [nodeId, point] of known) expect(placed.get(nodeId)).toEqual(point)
  })

  it('puts a new step fed by another right of its source', () => {
    const withStep = connectItems(addStep(layout, 'sign'), 'write-code', { kind: 'step', index: layout.steps.length })
    const graph = deriveGraph(withStep, keyNames)
    const placed = placeNewNodes(graph, known)
    const source = graph.nodes.find((node) => node.kind !== 'functionary' && node.name === 'write-code')?.id as string
    const id = graph.nodes.find((node) => node.kind !== 'functionary' && node.name === 'sign')?.id as string
    expect(placed.get(id)?.x).toBe((known.get(source)?.x as number) + 290)
  })
})
