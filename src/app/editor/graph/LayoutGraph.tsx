/**
 * The layout drawn as a graph (React Flow). Shared by the editor (editable) and the Verify
 * workspace (read-only, coloured by `status`). Nodes and edges are derived from the layout by
 * core/editor/graph.ts; this component only adds positions and pictures.
 */
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, applyNodeChanges, useReactFlow, type Connection, type Edge, type NodeChange } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { autoLayout, placeNewNodes, type Point } from '../../../core/editor/auto-layout.ts'
import { deriveGraph, type ArtifactEdge, type GraphNode } from '../../../core/editor/graph.ts'
import type { DiffMark, GraphMarks } from '../../../core/diff/comparison-graph.ts'
import { bundleArtifactEdges } from '../../../core/editor/edge-bundles.ts'
import type { Layout } from '../../../core/model/types.ts'
import { FunctionaryNodeView, ItemNodeView, type FunctionaryFlowNode, type ItemFlowNode } from './nodes.tsx'

export type NodeStatusState = 'pass' | 'fail' | 'not-reached' | 'skipped' | 'not-run'
export interface NodeStatus {
  state: NodeStatusState
  label?: string
}

export interface LayoutGraphProps {
  layout: Layout
  keyNames?: ReadonlyMap<string, string>
  readOnly?: boolean
  /** Verification results keyed by step/inspection name. */
  status?: ReadonlyMap<string, NodeStatus>
  /** A comparison's marks (added, removed, changed) by node and edge id of the graph of `layout`. */
  marks?: GraphMarks
  /** A rule to point at: its item and, for MATCH rules, its edge are highlighted. */
  highlightRule?: { item: string; list: 'materials' | 'products'; index: number }
  /** Name of the selected step or inspection, or `key:<keyid>` for a functionary. */
  selected?: string
  onSelect?(name: string | undefined): void
  /** Controlled positions by node id; without them the graph lays itself out and remembers moves itself. */
  positions?: ReadonlyMap<string, Point>
  onPositionsChange?(positions: ReadonlyMap<string, Point>): void
  /** Editing gestures (ignored when `readOnly`). */
  onConnectItems?(source: string, target: string): void
  onAuthorize?(keyid: string, step: string): void
  onDeleteNodes?(nodes: readonly GraphNode[]): void
}

const nodeTypes = { item: ItemNodeView, functionary: FunctionaryNodeView }
type FlowNode = ItemFlowNode | FunctionaryFlowNode

/** More new nodes than this at once (opening a file, a template) are laid out by dagre; fewer are placed cheaply. */
const INCREMENTAL_LIMIT = 3

export default function LayoutGraph(props: LayoutGraphProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  )
}

function GraphCanvas({
  layout,
  keyNames,
  readOnly = false,
  status,
  marks,
  highlightRule,
  selected,
  onSelect,
  positions,
  onPositionsChange,
  onConnectItems,
  onAuthorize,
  onDeleteNodes,
}: LayoutGraphProps) {
  const graph = useMemo(() => deriveGraph(layout, keyNames), [layout, keyNames])
  const [ownPositions, setOwnPositions] = useState<ReadonlyMap<string, Point>>(new Map())
  const known = positions ?? ownPositions
  const setKnown = useCallback(
    (next: ReadonlyMap<string, Point>) => (onPositionsChange && positions ? onPositionsChange(next) : setOwnPositions(next)),
    [onPositionsChange, positions],
  )
  const missing = useMemo(() => graph.nodes.filter((node) => !known.has(node.id)), [graph, known])
  const needsEngine = missing.length > INCREMENTAL_LIMIT || (missing.length > 0 && known.size === 0)
  const { fitView } = useReactFlow()
  const fitPending = useRef(true)

  // Few new nodes: place them at once, synchronously, so an edit shows in the same frame.
  const placed = useMemo(() => (missing.length > 0 && !needsEngine ? placeNewNodes(graph, known) : known), [graph, known, missing, needsEngine])
  useEffect(() => {
    if (placed === known) return
    // Bring a newly added node into view.
    fitPending.current = true
    setKnown(placed)
  }, [placed, known, setKnown])

  // Many new nodes: load dagre on demand and lay out the whole graph, keeping nodes that already have a place.
  useEffect(() => {
    if (!needsEngine) return
    let cancelled = false
    void import('@dagrejs/dagre').then(({ default: dagre }) => {
      if (cancelled) return
      const laidOut = autoLayout(graph, dagre)
      const next = new Map(laidOut)
      for (const [id, point] of known) if (laidOut.has(id) && known.size > missing.length) next.set(id, point)
      fitPending.current = true
      setKnown(next)
    })
    return () => {
      cancelled = true
    }
  }, [needsEngine, graph, known, missing, setKnown])

  const highlightEdge = highlightRule
    ? graph.edges.find((e) => e.kind === 'artifact' && e.rule.item === highlightRule.item && e.rule.list === highlightRule.list && e.rule.index === highlightRule.index)?.id
    : undefined

  // Unchanged nodes keep their object identity, so React Flow and the memoized node pictures skip them: an edit of
  // one step in a layout of hundreds re-renders that step only.
  const nodeCache = useRef(new Map<string, { signature: string; node: FlowNode }>())
  const derivedNodes = useMemo((): FlowNode[] => {
    if (needsEngine) return []
    const previous = nodeCache.current
    const next = new Map<string, { signature: string; node: FlowNode }>()
    const result = graph.nodes.map((node): FlowNode => {
      const position = placed.get(node.id) ?? { x: 0, y: 0 }
      const nodeStatus = node.kind === 'functionary' ? undefined : status?.get(node.name)
      const highlighted = node.kind !== 'functionary' && highlightRule?.item === node.name
      const isSelected = node.kind === 'functionary' ? selected === node.id : selected === node.name
      const mark = marks?.nodes.get(node.id)
      const signature = JSON.stringify([node, position, nodeStatus, highlighted, isSelected, readOnly, mark], (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
      const cached = previous.get(node.id)
      if (cached?.signature === signature) {
        next.set(node.id, cached)
        return cached.node
      }
      const flowNode: FlowNode =
        node.kind === 'functionary'
          ? {
              id: node.id,
              type: 'functionary',
              position,
              data: { node, mark },
              ariaLabel: `Functionary ${node.label}${mark ? ` (${mark.label})` : ''}`,
              selected: isSelected,
              connectable: !readOnly,
              deletable: !readOnly,
            }
          : {
              id: node.id,
              type: 'item',
              position,
              data: { node, status: nodeStatus, highlighted, mark },
              ariaLabel: mark ? `${node.name} (${mark.label})` : node.name,
              selected: isSelected,
              connectable: !readOnly,
              deletable: !readOnly,
            }
      next.set(node.id, { signature, node: flowNode })
      return flowNode
    })
    nodeCache.current = next
    return result
  }, [graph, placed, needsEngine, status, marks, highlightRule, selected, readOnly])

  // React Flow needs to own transient node state (dimensions, dragging); derived nodes replace it on every change of the layout.
  const [nodes, setNodes] = useState<FlowNode[]>(derivedNodes)
  const lastDerived = useRef(new Set<FlowNode>(derivedNodes))
  useEffect(() => {
    const unchanged = lastDerived.current
    lastDerived.current = new Set(derivedNodes)
    // A node whose derivation did not change keeps React Flow's copy (with its measured size), so it is not re-measured.
    setNodes((current) => {
      const byId = new Map(current.map((n) => [n.id, n]))
      return derivedNodes.map((n) => (unchanged.has(n) ? (byId.get(n.id) ?? n) : n))
    })
  }, [derivedNodes])

  const edges = useMemo((): Edge[] => {
    const artifactEdges = graph.edges.filter((edge): edge is ArtifactEdge => edge.kind === 'artifact')
    const name = (id: string) => id.replace(/^\w+:/, '')
    return [
      ...bundleArtifactEdges(artifactEdges).map((bundle): Edge => {
        const mark = bundleMark(bundle.edgeIds, marks)
        const classes = ['editor-edge-artifact']
        if (highlightEdge !== undefined && bundle.edgeIds.includes(highlightEdge)) classes.push('editor-edge-highlight')
        if (mark) classes.push(`editor-edge-diff-${mark.state}`)
        return {
          id: bundle.id,
          source: bundle.source,
          target: bundle.target,
          label: `${mark ? `${MARK_SIGN[mark.state]} ` : ''}${bundle.withKind === 'materials' ? `${bundle.label} (materials)` : bundle.label}`,
          ariaLabel: `${bundle.patterns.join(', ')} from ${name(bundle.source)} to ${name(bundle.target)}${mark ? ` (${mark.label})` : ''}`,
          className: classes.join(' '),
          markerEnd: { type: MarkerType.ArrowClosed },
          deletable: false,
        }
      }),
      ...graph.edges
        .filter((edge) => edge.kind === 'authorizes')
        .map((edge): Edge => {
          const mark = marks?.edges.get(edge.id)
          return {
            id: edge.id,
            source: edge.source,
            target: edge.target,
            ariaLabel: `${edge.source.replace(/^key:/, 'key ')} may sign ${edge.target.replace(/^step:/, '')}${mark ? ` (${mark.label})` : ''}`,
            className: mark ? `editor-edge-authorizes editor-edge-diff-${mark.state}` : 'editor-edge-authorizes',
            deletable: false,
          }
        }),
    ]
  }, [graph, highlightEdge, marks])

  // A graph first appears a batch of nodes per frame, then its edges: short tasks instead of
  // one that blocks the page (a 50-step result graph took ~150 ms in one go). Once complete it
  // stays so: later edits show at once.
  const [mounted, setMounted] = useState(NODES_PER_FRAME)
  const complete = mounted >= nodes.length
  useEffect(() => {
    if (complete) {
      setMounted(Infinity)
      return
    }
    const frame = requestAnimationFrame(() => setMounted((count) => count + NODES_PER_FRAME))
    return () => cancelAnimationFrame(frame)
  }, [complete, mounted])
  const shownNodes = complete ? nodes : nodes.slice(0, mounted)

  useEffect(() => {
    if (fitPending.current && complete && nodes.length > 0) {
      fitPending.current = false
      // Wait a frame so React Flow has measured the new nodes.
      requestAnimationFrame(() => void fitView({ padding: 0.15, maxZoom: 1.2 }))
    }
  }, [nodes, complete, fitView])

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    // Removal is an edit of the layout (onDelete below), never a local change.
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        current,
      ),
    )
  }, [])

  const onNodeDragStop = useCallback(
    (_: unknown, _node: FlowNode, moved: FlowNode[]) => {
      const next = new Map(placed)
      for (const node of moved) next.set(node.id, { x: Math.round(node.position.x), y: Math.round(node.position.y) })
      setKnown(next)
    },
    [placed, setKnown],
  )

  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph])
  const onConnect = useCallback(
    (connection: Connection) => {
      const source = byId.get(connection.source)
      const target = byId.get(connection.target)
      if (!source || !target || target.kind === 'functionary') return
      if (source.kind === 'functionary') {
        if (target.kind === 'step') onAuthorize?.(source.keyid, target.name)
      } else onConnectItems?.(source.name, target.name)
    },
    [byId, onAuthorize, onConnectItems],
  )

  return (
    <div className="editor-graph" data-testid="layout-graph" data-node-count={shownNodes.length}>
      <ReactFlow<FlowNode, Edge>
        nodes={shownNodes}
        edges={complete ? edges : NO_EDGES}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onNodeClick={(_, node) => onSelect?.(node.type === 'item' ? (node as ItemFlowNode).data.node.name : node.id)}
        onPaneClick={() => onSelect?.(undefined)}
        onConnect={readOnly ? undefined : onConnect}
        onDelete={readOnly ? undefined : ({ nodes: removed }) => onDeleteNodes?.(removed.map((n) => n.data.node))}
        nodesConnectable={!readOnly}
        nodesDraggable
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        minZoom={0.02}
        onlyRenderVisibleElements={graph.nodes.length > 150}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {graph.nodes.length === 0 && <p className="editor-graph-empty">No steps yet. Add a step, an inspection or a functionary, or start from a template.</p>}
    </div>
  )
}

const NO_EDGES: Edge[] = []

const MARK_SIGN: Record<DiffMark['state'], string> = { added: '+', removed: '−', changed: '~' }

/** One edge stands for several MATCH rules: all alike → their mark, mixed → changed. */
function bundleMark(edgeIds: readonly string[], marks: GraphMarks | undefined): DiffMark | undefined {
  if (marks === undefined) return undefined
  const found = edgeIds.map((id) => marks.edges.get(id))
  const states = new Set(found.map((mark) => mark?.state))
  if (states.size === 1) return found[0]
  return { state: 'changed', label: 'changed' }
}
/** Nodes put on the page per frame while a graph first appears. */
const NODES_PER_FRAME = 30

export type { Point }
