/**
 * The canvas while comparing: both layouts on one read-only graph (core/diff/comparison-graph.ts),
 * added, removed and changed nodes and edges marked, nodes where the editor placed them.
 */
import { useState } from 'react'
import type { Point } from '../../../core/editor/auto-layout.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import LayoutGraph from '../graph/LayoutGraph.tsx'
import { compareStore, useCompare } from './use-compare.ts'
import { useComparison } from './use-comparison.ts'

export function ComparisonCanvas() {
  const comparison = useComparison()
  const focus = useCompare((s) => s.focus)
  // Starts from the editor's positions; removed nodes are placed beside them, and moves here stay here.
  const [positions, setPositions] = useState<ReadonlyMap<string, Point>>(() => useDocumentStore.getState().positions)
  if (comparison === undefined) return null
  return (
    <LayoutGraph
      layout={comparison.graph.layout}
      keyNames={comparison.graph.keyNames}
      marks={comparison.graph.marks}
      readOnly
      selected={focus}
      onSelect={(name) => compareStore.getState().setFocus(name)}
      positions={positions}
      onPositionsChange={setPositions}
    />
  )
}
