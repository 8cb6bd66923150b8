/**
 * Grouping artifacts into as few rules as the evidence allows: a directory becomes one rule
 * when every artifact under it (in the whole queue the rule list sees) was treated alike —
 * all matched from the same step, all created, all unchanged… Then the rule consumes exactly
 * what the per-file rules would have consumed in the recorded run, and an artifact that is
 * changed later under that directory still falls through to `DISALLOW *`, because no other
 * rule covers the directory.
 */
import { directoriesOf, rebuildsUnder } from './artifacts.ts'

export interface Classified<T> {
  readonly path: string
  /** Artifacts with the same class may share a rule. */
  readonly cls: string
  readonly value: T
}

export type Group<T> =
  | { readonly kind: 'directory'; readonly directory: string; readonly cls: string; readonly members: readonly Classified<T>[] }
  | { readonly kind: 'file'; readonly cls: string; readonly member: Classified<T> }

/** A directory holding a single file keeps a per-file rule: one file is not a pattern. */
const MIN_DIRECTORY_MEMBERS = 2

/**
 * Groups `entries` (the complete queue of one rule list, each path once) by their outermost
 * uniform directory. A directory qualifies when all entries under it share a class, there
 * are at least two, and every path can be rebuilt from it (see `rebuildsUnder`).
 * Groups come out in the order of their first member.
 */
export function groupByDirectory<T>(entries: readonly Classified<T>[]): Group<T>[] {
  interface DirectoryFacts {
    cls: string | undefined
    uniform: boolean
    count: number
    safe: boolean
  }
  const facts = new Map<string, DirectoryFacts>()
  const directories = entries.map((entry) => directoriesOf(entry.path))
  entries.forEach((entry, index) => {
    for (const directory of directories[index] as string[]) {
      let fact = facts.get(directory)
      if (fact === undefined) {
        fact = { cls: entry.cls, uniform: true, count: 0, safe: directory !== '' }
        facts.set(directory, fact)
      }
      fact.count++
      if (fact.cls !== entry.cls) fact.uniform = false
      if (fact.safe && !rebuildsUnder(directory, entry.path)) fact.safe = false
    }
  })
  const qualifies = (directory: string): boolean => {
    const fact = facts.get(directory)
    return fact?.uniform === true && fact.safe && fact.count >= MIN_DIRECTORY_MEMBERS
  }
  const groups: Group<T>[] = []
  const byDirectory = new Map<string, Classified<T>[]>()
  entries.forEach((entry, index) => {
    const directory = (directories[index] as string[]).find(qualifies)
    if (directory === undefined) {
      groups.push({ kind: 'file', cls: entry.cls, member: entry })
      return
    }
    let members = byDirectory.get(directory)
    if (members === undefined) {
      members = []
      byDirectory.set(directory, members)
      groups.push({ kind: 'directory', directory, cls: entry.cls, members })
    }
    members.push(entry)
  })
  return groups
}
