/** The comparison of the baseline with the edited layout, recomputed when either changes (deferred while typing). */
import { useDeferredValue, useMemo } from 'react'
import { comparisonGraph, type ComparisonGraph } from '../../../core/diff/comparison-graph.ts'
import { diffLayouts, type LayoutDiff } from '../../../core/diff/layout-diff.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import { useCompare } from './use-compare.ts'

export interface Comparison {
  readonly diff: LayoutDiff
  readonly graph: ComparisonGraph
  readonly label: string
  readonly signatures: number
}

export function useComparison(): Comparison | undefined {
  const baseline = useCompare((s) => s.baseline)
  const layout = useDeferredValue(useDocumentStore((s) => s.layout))
  const keyNames = useDocumentStore((s) => s.keyNames)
  return useMemo(() => {
    if (baseline === undefined) return undefined
    const diff = diffLayouts(baseline.layout, layout, { oldKeyNames: baseline.keyNames, newKeyNames: keyNames })
    return { diff, graph: comparisonGraph(baseline.layout, layout, diff, { old: baseline.keyNames, new: keyNames }), label: baseline.label, signatures: baseline.signatures }
  }, [baseline, layout, keyNames])
}
