/**
 * An artifact map as the rule engine reads it: paths by position, positions by path, hash
 * dicts compared by position. A plain `Map` gets an index over it; a map that is its own index
 * (the packed maps of the fast link reader, links/packed-artifacts.ts) says so under
 * {@link ARTIFACT_INDEX} and compares digests as bytes. The rule engine is written once,
 * against this interface.
 */
import type { ArtifactMap, HashDict } from './types.ts'

export interface ArtifactIndex {
  /** The paths in map order. */
  readonly paths: readonly string[]
  /** Whether {@link paths} is in strictly ascending UTF-16 order (`<`), as in-toto writes them. */
  readonly sorted: boolean
  /**
   * The position of `path`, or `undefined`. `hint` and `at`, when given, say that `path` is the
   * entry at position `at` of index `hint`: then this index may answer without a search (it is
   * `hint` itself, or a packed map that compares the bytes where the path usually is).
   */
  find(path: string, hint: ArtifactIndex | undefined, at: number): number | undefined
  /** The hash dict of the entry at position `i`. */
  hashesAt(i: number): HashDict
  /** Python `==` on the hash dicts at position `i` here and `j` in `other`. */
  sameHashes(i: number, other: ArtifactIndex, j: number): boolean
  /** A quick test for the very same entries in the same order (`false`: compare them one by one). */
  identical?(other: ArtifactIndex): boolean
}

/** Where an artifact map that is its own index keeps it. */
export const ARTIFACT_INDEX: unique symbol = Symbol('artifact index')

interface SelfIndexed {
  readonly [ARTIFACT_INDEX]?: ArtifactIndex
}

/** The index of `map` (its own, or a new one over a plain map, built as it is used). */
export function artifactIndex(map: ArtifactMap): ArtifactIndex {
  return (map as SelfIndexed)[ARTIFACT_INDEX] ?? new MapIndex(map)
}

/** Python `==` on two artifact maps (the same paths with equal hash dicts, in any order). */
export function sameArtifacts(a: ArtifactMap, b: ArtifactMap): boolean {
  if (a === b) return true
  if (a.size !== b.size) return false
  const x = artifactIndex(a)
  const y = artifactIndex(b)
  if (x.identical?.(y)) return true
  const paths = x.paths
  for (let i = 0; i < paths.length; i++) {
    const j = y.find(paths[i] as string, undefined, -1)
    if (j === undefined || !x.sameHashes(i, y, j)) return false
  }
  return true
}

/** Python `!=` on two hash dicts, negated: same algorithms, identical digest strings. */
export function hashDictsEqual(a: HashDict, b: HashDict): boolean {
  if (a.size !== b.size) return false
  for (const [algorithm, digest] of a) if (b.get(algorithm) !== digest) return false
  return true
}

/** Whether `list` is in strictly ascending UTF-16 order (`<`), as in-toto sorts artifact paths. */
export function isAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!((list[i - 1] as string) < (list[i] as string))) return false
  return true
}

class MapIndex implements ArtifactIndex {
  private readonly map: ArtifactMap
  private pathList: readonly string[] | undefined
  private positions: Map<string, number> | undefined
  private ascending: boolean | undefined

  constructor(map: ArtifactMap) {
    this.map = map
  }

  get paths(): readonly string[] {
    this.pathList ??= [...this.map.keys()]
    return this.pathList
  }

  get sorted(): boolean {
    this.ascending ??= isAscending(this.paths)
    return this.ascending
  }

  find(path: string, hint: ArtifactIndex | undefined, at: number): number | undefined {
    if (hint === this && at >= 0) return at
    if (this.positions === undefined) {
      const paths = this.paths
      this.positions = new Map()
      for (let i = 0; i < paths.length; i++) this.positions.set(paths[i] as string, i)
    }
    return this.positions.get(path)
  }

  hashesAt(i: number): HashDict {
    const hashes = this.map.get(this.paths[i] as string)
    if (hashes === undefined) throw new RangeError(`no artifact at position ${i}`)
    return hashes
  }

  sameHashes(i: number, other: ArtifactIndex, j: number): boolean {
    return hashDictsEqual(this.hashesAt(i), other.hashesAt(j))
  }
}
