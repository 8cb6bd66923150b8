/**
 * Artifact edges as drawn: every MATCH rule between the same two items (comparing the same
 * kind of artifacts) becomes one edge labelled with all its patterns. A real chain often has
 * several MATCH rules per pair (one per directory) and a step matching its own materials;
 * drawn one by one, a 50-step chain had ~500 edges and React Flow took 0.4 s to paint them.
 * One edge per pair keeps the picture readable and every rule still named on it.
 */
import type { ArtifactKind } from '../rules/types.ts'
import type { ArtifactEdge, RuleRef } from './graph.ts'

export interface ArtifactEdgeBundle {
  readonly id: string
  readonly source: string
  readonly target: string
  readonly withKind: ArtifactKind
  /** The patterns of the rules, in rule order. */
  readonly patterns: readonly string[]
  readonly rules: readonly RuleRef[]
  /** Ids of the bundled edges (graph.ts), to find the bundle of a given rule. */
  readonly edgeIds: readonly string[]
  /** What the edge shows: up to two patterns and how many more. */
  readonly label: string
}

/** Patterns shown on an edge before "+N". */
const SHOWN_PATTERNS = 2

export function bundleArtifactEdges(edges: readonly ArtifactEdge[]): ArtifactEdgeBundle[] {
  const groups = new Map<string, ArtifactEdge[]>()
  for (const edge of edges) {
    const key = JSON.stringify([edge.source, edge.target, edge.withKind])
    const group = groups.get(key)
    if (group) group.push(edge)
    else groups.set(key, [edge])
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as ArtifactEdge
    const patterns = group.map((edge) => edge.pattern)
    const shown = patterns.slice(0, SHOWN_PATTERNS).join(', ')
    return {
      id: group.length === 1 ? first.id : `rules:${first.source}>${first.target}:${first.withKind}`,
      source: first.source,
      target: first.target,
      withKind: first.withKind,
      patterns,
      rules: group.map((edge) => edge.rule),
      edgeIds: group.map((edge) => edge.id),
      label: patterns.length > SHOWN_PATTERNS ? `${shown} +${patterns.length - SHOWN_PATTERNS}` : shown,
    }
  })
}
