/**
 * Putting recorded steps in artifact-flow order: a step whose materials include a file version
 * that another step brought into being (created or modified: in its products, not in its
 * materials with that hash) comes after that step. Files a step merely passes through do not
 * order anything, so a test step that reads and leaves the sources alone does not tie itself
 * in a loop with the build that reads them too.
 *
 * Ties keep the order the links were given in. A loop in the evidence (a step that did not
 * record a file among its materials seems to create it; a file changed outside the recorded
 * steps) is broken where the evidence is weakest, and reported.
 */
import type { ArtifactMap } from '../model/types.ts'
import { sameVersion, VersionMap } from './artifacts.ts'

export interface FlowStep {
  readonly name: string
  readonly materials: ArtifactMap
  readonly products: ArtifactMap
}

export interface FlowOrder {
  /** Indices into the input, in flow order. */
  readonly order: readonly number[]
  /** Steps placed before some step they depend on, because the evidence goes round in a loop. */
  readonly loops: readonly { readonly step: number; readonly waitingFor: readonly number[] }[]
}

/**
 * How sure a step brought a file version into being: it recorded the file before with another
 * hash (modified), or only after (created — or merely not recorded as a material).
 */
const MODIFIED_WEIGHT = 4
const CREATED_WEIGHT = 1

/** For each file version, the steps that brought it into being, with how sure that is. */
function originsOf(steps: readonly FlowStep[]): VersionMap<{ step: number; weight: number }[]> {
  const origins = new VersionMap<{ step: number; weight: number }[]>()
  steps.forEach((step, index) => {
    for (const [path, hashes] of step.products) {
      const before = step.materials.get(path)
      if (before !== undefined && sameVersion(before, hashes)) continue
      const origin = { step: index, weight: before === undefined ? CREATED_WEIGHT : MODIFIED_WEIGHT }
      const list = origins.get(path, hashes)
      if (list === undefined) origins.set(path, hashes, [origin])
      else list.push(origin)
    }
  })
  return origins
}

/**
 * Kahn's algorithm, ties by input order. When every remaining step waits for another (a loop),
 * the step with the least evidence against going first goes first.
 */
export function artifactFlowOrder(steps: readonly FlowStep[]): FlowOrder {
  const origins = originsOf(steps)
  // predecessors[b]: a → how strongly b consumes what a brought into being.
  const predecessors = steps.map(() => new Map<number, number>())
  steps.forEach((step, index) => {
    const incoming = predecessors[index] as Map<number, number>
    for (const [path, hashes] of step.materials) {
      for (const origin of origins.get(path, hashes) ?? []) {
        if (origin.step !== index) incoming.set(origin.step, (incoming.get(origin.step) ?? 0) + origin.weight)
      }
    }
  })
  const placed = new Set<number>()
  const order: number[] = []
  const loops: { step: number; waitingFor: number[] }[] = []
  const unmet = (index: number): number[] => [...(predecessors[index] as Map<number, number>).keys()].filter((p) => !placed.has(p))
  const against = (index: number): number => unmet(index).reduce((sum, p) => sum + ((predecessors[index] as Map<number, number>).get(p) ?? 0), 0)
  while (order.length < steps.length) {
    let next = steps.findIndex((_, index) => !placed.has(index) && unmet(index).length === 0)
    if (next < 0) {
      let best = Infinity
      steps.forEach((_, index) => {
        if (placed.has(index)) return
        const weight = against(index)
        if (weight < best) {
          best = weight
          next = index
        }
      })
      loops.push({ step: next, waitingFor: unmet(next) })
    }
    placed.add(next)
    order.push(next)
  }
  return { order, loops }
}

/**
 * Index of the nearest step before each position that produced each file version: what a
 * MATCH rule of the step at `position` should compare with.
 */
export class ProducerIndex {
  private readonly positions = new VersionMap<number[]>()

  /** `ordered`: the steps in flow order. */
  constructor(ordered: readonly FlowStep[]) {
    ordered.forEach((step, position) => {
      for (const [path, hashes] of step.products) {
        const list = this.positions.get(path, hashes)
        if (list === undefined) this.positions.set(path, hashes, [position])
        else list.push(position)
      }
    })
  }

  /** The latest position before `position` whose products hold this exact file version. */
  nearestBefore(position: number, path: string, hashes: ReadonlyMap<string, string>): number | undefined {
    const list = this.positions.get(path, hashes)
    if (list === undefined) return undefined
    let found: number | undefined
    for (const at of list) {
      if (at >= position) break
      found = at
    }
    return found
  }
}
