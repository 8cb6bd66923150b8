/**
 * The layout drawn as a graph (React Flow). Shared by the editor (editable) and the Verify
 * workspace (read-only, coloured by `status`). Nodes and edges are derived from the layout by
 * core/editor/graph.ts; this component only adds positions and pictures.
 */
import { Background, Controls, MarkerType, ReactFlow, ReactFlowProvider, applyNodeChanges, useReactFlow, type Connection, type Edge, type NodeChange } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { autoLayout, mergeEngineLayout, planPlacement, type Point } from '../../../core/editor/auto-layout.ts'
import { deriveGraph, type ArtifactEdge, type GraphNode, type LayoutGraphData } from '../../../core/editor/graph.ts'
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
  const { placed, engine, setKnown, fit } = useNodePlacement(graph, positions, onPositionsChange)
  const highlightEdge = highlightRule
    ? graph.edges.find((e) => e.kind === 'artifact' && e.rule.item === highlightRule.item && e.rule.list === highlightRule.list && e.rule.index === highlightRule.index)?.id
    : undefined
  const derivedNodes = useFlowNodes(graph, placed, engine, { status, marks, highlightRule, selected, readOnly })
  const [nodes, setNodes] = useMeasuredNodes(derivedNodes)
  const edges = useFlowEdges(graph, highlightEdge, marks)
  const { shownNodes, complete } = useProgressiveMount(nodes)
  useFitOnChange(fit, complete, nodes)

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      // Removal is an edit of the layout (onDelete below), never a local change.
      setNodes((current) =>
        applyNodeChanges(
          changes.filter((c) => c.type !== 'remove'),
          current,
        ),
      )
    },
    [setNodes],
  )

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
        colorMode="system"
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

/**
 * Positions for every node: the caller's (controlled) or the graph's own, completed by the pure
 * `planPlacement` (a few new nodes at once) or by dagre, loaded on demand, when many are new. Every change of
 * placement asks for a fit, so the graph fills its canvas on open, after auto layout and after adding nodes.
 */
function useNodePlacement(
  graph: LayoutGraphData,
  positions: ReadonlyMap<string, Point> | undefined,
  onPositionsChange: ((positions: ReadonlyMap<string, Point>) => void) | undefined,
) {
  const [ownPositions, setOwnPositions] = useState<ReadonlyMap<string, Point>>(new Map())
  const known = positions ?? ownPositions
  const setKnown = useCallback(
    (next: ReadonlyMap<string, Point>) => (onPositionsChange && positions ? onPositionsChange(next) : setOwnPositions(next)),
    [onPositionsChange, positions],
  )
  const plan = useMemo(() => planPlacement(graph, known), [graph, known])
  const fit = useRef(true)

  useEffect(() => {
    if (plan.engine || plan.positions === known) return
    fit.current = true
    setKnown(plan.positions)
  }, [plan, known, setKnown])

  useEffect(() => {
    if (!plan.engine) return
    let cancelled = false
    void import('@dagrejs/dagre').then(({ default: dagre }) => {
      if (cancelled) return
      fit.current = true
      setKnown(mergeEngineLayout(graph, autoLayout(graph, dagre), known))
    })
    return () => {
      cancelled = true
    }
  }, [plan, graph, known, setKnown])

  return { placed: plan.positions, engine: plan.engine, setKnown, fit }
}

/** React Flow nodes for the graph. Unchanged nodes keep their object identity, so React Flow and the memoized pictures skip them. */
function useFlowNodes(
  graph: LayoutGraphData,
  placed: ReadonlyMap<string, Point>,
  engine: boolean,
  view: { status?: ReadonlyMap<string, NodeStatus>; marks?: GraphMarks; highlightRule?: LayoutGraphProps['highlightRule']; selected?: string; readOnly: boolean },
): FlowNode[] {
  const { status, marks, highlightRule, selected, readOnly } = view
  const nodeCache = useRef(new Map<string, { signature: string; node: FlowNode }>())
  return useMemo((): FlowNode[] => {
    if (engine) return []
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
      const common = { id: node.id, position, selected: isSelected, connectable: !readOnly, deletable: !readOnly }
      const flowNode: FlowNode =
        node.kind === 'functionary'
          ? { ...common, type: 'functionary', data: { node, mark }, ariaLabel: `Functionary ${node.label}${mark ? ` (${mark.label})` : ''}` }
          : { ...common, type: 'item', data: { node, status: nodeStatus, highlighted, mark }, ariaLabel: mark ? `${node.name} (${mark.label})` : node.name }
      next.set(node.id, { signature, node: flowNode })
      return flowNode
    })
    nodeCache.current = next
    return result
  }, [graph, placed, engine, status, marks, highlightRule, selected, readOnly])
}

/** React Flow owns transient node state (measured size, dragging); a node whose derivation did not change keeps its copy. */
function useMeasuredNodes(derivedNodes: FlowNode[]) {
  const [nodes, setNodes] = useState<FlowNode[]>(derivedNodes)
  const lastDerived = useRef(new Set<FlowNode>(derivedNodes))
  useEffect(() => {
    const unchanged = lastDerived.current
    lastDerived.current = new Set(derivedNodes)
    setNodes((current) => {
      const byId = new Map(current.map((n) => [n.id, n]))
      return derivedNodes.map((n) => (unchanged.has(n) ? (byId.get(n.id) ?? n) : n))
    })
  }, [derivedNodes])
  return [nodes, setNodes] as const
}

/** Artifact edges, bundled (one labelled edge per pair of nodes) and authorizations (dashed). */
function useFlowEdges(graph: LayoutGraphData, highlightEdge: string | undefined, marks: GraphMarks | undefined): Edge[] {
  return useMemo((): Edge[] => {
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
          labelBgPadding: [6, 3],
          labelBgBorderRadius: 4,
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
}

/**
 * A graph first appears a batch of nodes per frame, then its edges: short tasks instead of one that blocks
 * the page (a 50-step result graph took ~150 ms in one go). Once complete it stays so: later edits show at once.
 */
function useProgressiveMount(nodes: FlowNode[]) {
  const [mounted, setMounted] = useState(NODES_PER_FRAME)
  const complete = mounted >= nodes.length
  useEffect(() => {
    if (complete) {
      setMounted(Infinity)
      return
    }
    // One batch per frame until every node is in; the effect ends when `complete` turns true.
    let frame = requestAnimationFrame(function next() {
      setMounted((count) => count + NODES_PER_FRAME)
      frame = requestAnimationFrame(next)
    })
    return () => cancelAnimationFrame(frame)
  }, [complete])
  return { shownNodes: complete ? nodes : nodes.slice(0, mounted), complete }
}

/** Fits the view when placement asked for it, at a zoom where node text stays readable (pan for the rest). */
function useFitOnChange(fit: { current: boolean }, complete: boolean, nodes: readonly FlowNode[]) {
  const { fitView } = useReactFlow()
  useEffect(() => {
    if (!fit.current || !complete || nodes.length === 0) return
    fit.current = false
    // Wait a frame so React Flow has measured the new nodes.
    requestAnimationFrame(() => void fitView({ padding: 0.12, maxZoom: 1.3, minZoom: 0.55 }))
  }, [fit, complete, nodes, fitView])
}
