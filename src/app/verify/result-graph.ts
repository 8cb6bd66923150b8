/**
 * The verified layout as the result graph needs it, prepared in the worker: on a page that has
 * not parsed a layout yet, reading one of 50 steps and laying out its graph with dagre keep
 * the main thread busy for about 300 ms; the worker, which has just verified the layout, does
 * it in a fraction of that and sends the positions (LayoutGraph's controlled `positions`) and,
 * when cloning keeps it exactly, the parsed layout.
 */
import { autoLayout, type Point } from '../../core/editor/auto-layout.ts'
import { deriveGraph } from '../../core/editor/graph.ts'
import { readEnvelope } from '../../core/envelope/read.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import type { Layout } from '../../core/model/types.ts'

export interface ResultGraph {
  /** Absent when structured cloning would change it (see {@link clonesExactly}): the page then parses the layout itself. */
  readonly layout?: Layout
  /** Top-left corner of every node of `deriveGraph(layout)`, by node id. */
  readonly positions: ReadonlyMap<string, Point>
}

/** The signed layout in `bytes`, or `undefined` when it is not a readable layout. */
export function readLayoutEnvelope(bytes: Uint8Array, path: string): { envelope: Envelope; layout: Layout } | undefined {
  try {
    const envelope = readEnvelope(bytes, path)
    return envelope.content.type === 'layout' ? { envelope, layout: envelope.content.layout } : undefined
  } catch {
    return undefined
  }
}

/** Lays out the graph of the layout in `bytes` (dagre is loaded on first use). */
export async function prepareResultGraph(bytes: Uint8Array, path: string): Promise<ResultGraph | undefined> {
  const read = readLayoutEnvelope(bytes, path)
  return read ? layoutResultGraph(read.layout) : undefined
}

/** Lays out the graph of `layout`, already read (the session's). */
export async function layoutResultGraph(layout: Layout): Promise<ResultGraph> {
  const { default: dagre } = await import('@dagrejs/dagre')
  const positions = autoLayout(deriveGraph(layout), dagre)
  return clonesExactly(layout) ? { layout, positions } : { positions }
}

/**
 * Whether structured cloning gives back an equal value: plain objects, arrays, Maps, Sets and
 * primitives survive; class instances (a JsonFloat in a command or a key object) arrive as
 * plain objects without their methods.
 */
export function clonesExactly(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol'
  if (Array.isArray(value)) return value.every(clonesExactly)
  if (value instanceof Map) return [...value].every(([key, item]) => clonesExactly(key) && clonesExactly(item))
  if (value instanceof Set) return [...value].every(clonesExactly)
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value).every(clonesExactly)
}
