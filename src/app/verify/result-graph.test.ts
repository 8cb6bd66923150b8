import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VECTORS } from '../../../test/support/vectors.ts'
import { deriveGraph } from '../../core/editor/graph.ts'
import { JsonFloat } from '../../core/json/value.ts'
import { clonesExactly, prepareResultGraph, readLayoutEnvelope } from './result-graph.ts'

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

function layoutFile(command: unknown[]): Uint8Array {
  return encode({
    signatures: [],
    signed: {
      _type: 'layout',
      expires: '2030-01-01T00:00:00Z',
      readme: '',
      keys: {},
      steps: [{ _type: 'step', name: 'build', threshold: 1, pubkeys: [], expected_command: command, expected_materials: [], expected_products: [] }],
      inspect: [],
    },
  })
}

describe('the result graph, prepared in the worker', () => {
  it('places every node of the layout and sends the layout when cloning keeps it', async () => {
    const bytes = new Uint8Array(readFileSync(join(VECTORS, 'sublayout-with-inspection/layout/root.layout')))
    const graph = await prepareResultGraph(bytes, 'root.layout')
    const layout = readLayoutEnvelope(bytes, 'root.layout')?.layout
    if (!graph || !layout) throw new Error('the vector has a readable layout')
    expect(graph.layout).toEqual(layout)
    expect(structuredClone(graph.layout)).toEqual(layout)
    expect([...graph.positions.keys()].sort()).toEqual(
      deriveGraph(layout)
        .nodes.map((node) => node.id)
        .sort(),
    )
  })

  it('has nothing to draw for a file that is not a readable layout', async () => {
    expect(await prepareResultGraph(layoutFile(['make', 'all']), 'plain.layout')).toMatchObject({ layout: { type: 'layout' } })
    // Canonical JSON cannot encode a float, so the reference refuses such a layout.
    expect(await prepareResultGraph(layoutFile(['make', 1.5]), 'float.layout')).toBeUndefined()
    expect(await prepareResultGraph(encode({ not: 'a layout' }), 'x.layout')).toBeUndefined()
    expect(readLayoutEnvelope(new TextEncoder().encode('{'), 'x.layout')).toBeUndefined()
  })

  it('tells what structured cloning keeps', () => {
    expect(clonesExactly({ a: [1n, 'x', null, true], m: new Map([['k', new Map([['v', 2n]])]]) })).toBe(true)
    expect(clonesExactly({ a: [new JsonFloat('1.5')] })).toBe(false)
    expect(clonesExactly(new Map([['k', new JsonFloat('1.5')]]))).toBe(false)
    expect(clonesExactly({ f: () => 1 })).toBe(false)
    expect(clonesExactly(new Uint8Array(1))).toBe(false)
  })
})
