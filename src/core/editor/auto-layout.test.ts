import dagre from '@dagrejs/dagre'
import { describe, expect, it } from 'vitest'
import { autoLayout, nodeSize, placeNewNodes, planPlacement } from './auto-layout.ts'
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

describe('placeNewNodes never overlaps', () => {
  const { layout, keyNames } = demoChain(new Date('2026-01-01T00:00:00Z'))
  const graph = deriveGraph(layout, keyNames)
  const known = autoLayout(graph, dagre)

  it('puts a new functionary left of the steps it may sign, clear of every node', () => {
    // Only the items have places: the functionaries are "new" (as after adding one to a laid-out chain).
    const itemsOnly = new Map([...known].filter(([id]) => !id.startsWith('key:')))
    const placed = placeNewNodes(graph, itemsOnly)
    const boxes = [...placed].map(([id, p]) => ({ id, ...p, ...nodeSize(graph.nodes.find((n) => n.id === id)!) }))
    for (const a of boxes) {
      for (const b of boxes) {
        if (a.id >= b.id) continue
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true)
      }
    }
    for (const edge of graph.edges) {
      if (edge.kind !== 'authorizes') continue
      expect((placed.get(edge.source)?.x ?? 0) + 150).toBeLessThan(placed.get(edge.target)?.x ?? 0)
    }
  })

  it('asks for the engine when many nodes are new, and places a few at once', () => {
    expect(planPlacement(graph, new Map()).engine).toBe(true)
    const fewMissing = new Map([...known].slice(1))
    const plan = planPlacement(graph, fewMissing)
    expect(plan.engine).toBe(false)
    expect(plan.positions.size).toBe(graph.nodes.length)
    expect(planPlacement(graph, known).positions).toBe(known)
  })
})
