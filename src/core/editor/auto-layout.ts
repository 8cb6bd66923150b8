/**
 * Automatic placement of the graph, left to right by artifact flow: dagre ranks nodes along
 * the edges (functionary → step → the steps that match its products → inspections). The
 * dagre module is passed in so that callers can load it on demand (it is not part of the
 * app's initial download).
 */
import type dagreModule from '@dagrejs/dagre'
import type { GraphNode, LayoutGraphData } from './graph.ts'
import { maxOf, minOf } from '../arrays.ts'

export type Dagre = typeof dagreModule

export interface Point {
  readonly x: number
  readonly y: number
}

export interface Size {
  readonly width: number
  readonly height: number
}

/** The sizes the app draws nodes at (dagre needs them to avoid overlaps). */
export function nodeSize(node: GraphNode): Size {
  return node.kind === 'functionary' ? { width: 150, height: 44 } : { width: 200, height: 84 }
}

/** Top-left corner of every node, laid out left to right. */
export function autoLayout(graph: LayoutGraphData, dagre: Dagre, size: (node: GraphNode) => Size = nodeSize): Map<string, Point> {
  const g = new dagre.graphlib.Graph({ multigraph: true })
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, marginx: 10, marginy: 10 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const node of graph.nodes) g.setNode(node.id, { ...size(node) })
  for (const edge of rankingEdges(graph)) g.setEdge(edge.source, edge.target, {}, edge.id)
  dagre.layout(g)
  const positions = new Map<string, Point>()
  for (const node of graph.nodes) {
    const placed = g.node(node.id) as { x: number; y: number; width: number; height: number }
    positions.set(node.id, { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) })
  }
  return positions
}

/**
 * The edges that decide the columns. dagre inserts a dummy node for every column an edge
 * crosses, so a chain where every step also matches files of the first step (common: sources
 * flow everywhere) costs it quadratic work — 20 s for 300 steps. Ranking by longest path first
 * and keeping only the edges between neighbouring columns gives the same columns at linear
 * cost (every placed node keeps the edge that put it in its column); the others are still
 * drawn, just not routed by dagre.
 */
export function rankingEdges(graph: LayoutGraphData): { id: string; source: string; target: string }[] {
  const outgoing = new Map<string, { id: string; source: string; target: string }[]>()
  const ids = new Set(graph.nodes.map((n) => n.id))
  for (const edge of graph.edges) {
    // Self-loops and edges to unknown nodes do not affect ranking.
    if (edge.source === edge.target || !ids.has(edge.source) || !ids.has(edge.target)) continue
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge])
  }
  // Depth-first order; edges back into the current path (a cycle of MATCH rules) are ignored.
  const state = new Map<string, 'active' | 'done'>()
  const order: string[] = []
  const back = new Set<string>()
  for (const start of ids) {
    if (state.has(start)) continue
    const stack: [string, number][] = [[start, 0]]
    state.set(start, 'active')
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [string, number]
      const edges = outgoing.get(top[0]) ?? []
      if (top[1] < edges.length) {
        const edge = edges[top[1]++] as { id: string; target: string }
        const seen = state.get(edge.target)
        if (seen === 'active') back.add(edge.id)
        else if (seen === undefined) {
          state.set(edge.target, 'active')
          stack.push([edge.target, 0])
        }
      } else {
        state.set(top[0], 'done')
        order.push(top[0])
        stack.pop()
      }
    }
  }
  const rank = new Map<string, number>()
  for (const id of order.reverse()) {
    const r = rank.get(id) ?? 0
    rank.set(id, r)
    for (const edge of outgoing.get(id) ?? []) if (!back.has(edge.id)) rank.set(edge.target, Math.max(rank.get(edge.target) ?? 0, r + 1))
  }
  // Pull every source (a functionary, a step with no incoming flow) to just left of its nearest
  // target, so a key that signs a late step sits beside it rather than in the first column with
  // its edge routed underneath the steps in between.
  const hasIncoming = new Set(
    [...outgoing.values()]
      .flat()
      .filter((edge) => !back.has(edge.id))
      .map((edge) => edge.target),
  )
  for (const [id, edges] of outgoing) {
    if (hasIncoming.has(id)) continue
    const targets = edges.filter((edge) => !back.has(edge.id)).map((edge) => rank.get(edge.target) ?? 0)
    if (targets.length > 0) rank.set(id, Math.max(rank.get(id) ?? 0, minOf(targets) - 1))
  }
  return [...outgoing.values()].flat().filter((edge) => !back.has(edge.id) && (rank.get(edge.target) ?? 0) - (rank.get(edge.source) ?? 0) === 1)
}

/** Room kept between a placed node and its neighbours. */
const GAP = 30

function overlaps(a: Point, aSize: Size, b: Point, bSize: Size): boolean {
  return a.x < b.x + bSize.width + GAP && b.x < a.x + aSize.width + GAP && a.y < b.y + bSize.height + GAP && b.y < a.y + aSize.height + GAP
}

/**
 * Places nodes that have no position yet without re-running the layout engine (cheap, so an
 * edit on a large layout stays fast): right of the rightmost node it receives edges from; a
 * step or inspection without such edges right of the rightmost one; a functionary left of the
 * steps it may sign (else left of everything). Then it moves down until its box overlaps no
 * node already placed, so a new functionary never lands on a step.
 */
export function placeNewNodes(graph: LayoutGraphData, known: ReadonlyMap<string, Point>, size: (node: GraphNode) => Size = nodeSize): Map<string, Point> {
  const positions = new Map(known)
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const sizeOf = (id: string): Size => {
    const node = byId.get(id)
    return node ? size(node) : { width: 200, height: 84 }
  }
  const incoming = new Map<string, string[]>()
  const outgoing = new Map<string, string[]>()
  for (const edge of graph.edges) {
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source])
    outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge.target])
  }
  const itemIds = new Set(graph.nodes.filter((node) => node.kind !== 'functionary').map((node) => node.id))
  for (const node of graph.nodes) {
    if (positions.has(node.id)) continue
    const own = size(node)
    const placedItems = [...positions].filter(([id]) => itemIds.has(id)).map(([, p]) => p)
    let x: number
    let y = 0
    if (node.kind === 'functionary') {
      const signs = (outgoing.get(node.id) ?? []).map((id) => positions.get(id)).filter((p): p is Point => p !== undefined)
      const columnOf = signs.length > 0 ? signs : placedItems
      x = columnOf.length > 0 ? minOf(columnOf.map((p) => p.x)) - own.width - 90 : 0
      if (signs.length > 0) y = minOf(signs.map((p) => p.y))
    } else {
      const sources = (incoming.get(node.id) ?? [])
        .filter((id) => itemIds.has(id))
        .map((id) => positions.get(id))
        .filter((p): p is Point => p !== undefined)
      x = sources.length > 0 ? maxOf(sources.map((p) => p.x)) + 290 : placedItems.length > 0 ? maxOf(placedItems.map((p) => p.x)) + 290 : 260
      if (sources.length > 0) y = minOf(sources.map((p) => p.y))
    }
    // Down past whatever is in the way, in steps of the obstacle's own extent.
    for (let moved = true; moved; ) {
      moved = false
      for (const [id, p] of positions) {
        const other = sizeOf(id)
        if (overlaps({ x, y }, own, p, other)) {
          y = p.y + other.height + GAP
          moved = true
        }
      }
    }
    positions.set(node.id, { x, y })
  }
  return positions
}

/** More new nodes than this at once (opening a file, a template) are laid out by dagre; fewer are placed at once. */
export const INCREMENTAL_LIMIT = 3

/**
 * Where the graph's nodes go: every known position kept and a few new nodes placed at once, or, when many
 * nodes (or all) have no place yet, a request for the layout engine (`engine: true`, positions unchanged).
 */
export function planPlacement(graph: LayoutGraphData, known: ReadonlyMap<string, Point>): { readonly positions: ReadonlyMap<string, Point>; readonly engine: boolean } {
  const missing = graph.nodes.filter((node) => !known.has(node.id)).length
  if (missing === 0) return { positions: known, engine: false }
  if (missing > INCREMENTAL_LIMIT || known.size === 0) return { positions: known, engine: true }
  return { positions: placeNewNodes(graph, known), engine: false }
}

/** The engine's layout, keeping the places of nodes that had one when only some were new. */
export function mergeEngineLayout(graph: LayoutGraphData, laidOut: ReadonlyMap<string, Point>, known: ReadonlyMap<string, Point>): Map<string, Point> {
  const missing = graph.nodes.filter((node) => !known.has(node.id)).length
  const next = new Map(laidOut)
  for (const [id, point] of known) if (laidOut.has(id) && known.size > missing) next.set(id, point)
  return next
}
