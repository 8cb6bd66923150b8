/**
 * Artifact maps in a form that crosses threads cheaply. A link of 10,000 artifacts is a Map
 * of 10,000 small Maps; structured-cloning that costs more on the receiving thread than
 * decoding the file did. Packed, it is two strings (paths and digests joined by NUL), which
 * clone in a millisecond; {@link PackedArtifactMap} reads it back as an ordinary read-only
 * Map, building its index and hash dicts only when they are asked for.
 */
import type { ArtifactMap, HashDict } from '../model/types.ts'

export type PackedArtifacts =
  /** Every hash dict has the one algorithm `algorithm`; no path contains NUL. */
  | { readonly kind: 'packed'; readonly count: number; readonly algorithm: string; readonly paths: string; readonly digests: string }
  /** Anything else is sent as the Map itself. */
  | { readonly kind: 'map'; readonly map: ArtifactMap }

const SEPARATOR = '\0'

export function packArtifacts(artifacts: ArtifactMap): PackedArtifacts {
  if (artifacts instanceof PackedArtifactMap) return artifacts.packed
  let algorithm: string | undefined
  const paths: string[] = []
  const digests: string[] = []
  for (const [path, hashes] of artifacts) {
    if (hashes.size !== 1 || path.includes(SEPARATOR)) return { kind: 'map', map: artifacts }
    const [[name, digest]] = hashes as unknown as Iterable<[string, string]>
    algorithm ??= name
    if (name !== algorithm || digest.includes(SEPARATOR)) return { kind: 'map', map: artifacts }
    paths.push(path)
    digests.push(digest)
  }
  return { kind: 'packed', count: paths.length, algorithm: algorithm ?? '', paths: paths.join(SEPARATOR), digests: digests.join(SEPARATOR) }
}

export function unpackArtifacts(packed: PackedArtifacts): ArtifactMap {
  return packed.kind === 'map' ? packed.map : new PackedArtifactMap(packed)
}

/** Whether two artifact maps are certainly equal by their packed text (`false`: compare them entry by entry). */
export function packedIdentical(a: ArtifactMap, b: ArtifactMap): boolean {
  if (!(a instanceof PackedArtifactMap && b instanceof PackedArtifactMap)) return false
  const x = a.packed as Extract<PackedArtifacts, { kind: 'packed' }>
  const y = b.packed as Extract<PackedArtifacts, { kind: 'packed' }>
  return x.count === y.count && x.algorithm === y.algorithm && x.paths === y.paths && x.digests === y.digests
}

/**
 * A read-only Map over packed artifacts. It extends Map so that code checking `instanceof Map`
 * (the canonical JSON writer, for one) treats it as the map it stands for; every reading
 * method is overridden, and the writing ones throw. Iteration order is the packed (file) order.
 * Do not structured-clone it (the clone would be an empty Map): pack it again instead.
 */
export class PackedArtifactMap extends Map<string, HashDict> {
  readonly packed: Extract<PackedArtifacts, { kind: 'packed' }>
  // Split on first use: a decoding thread only forwards `packed`.
  private pathArray: readonly string[] | undefined
  private digestArray: readonly string[] | undefined
  private dicts: (HashDict | undefined)[] | undefined
  private index: Map<string, number> | undefined
  /** Whether the paths are in strictly ascending UTF-16 order (`<`), as in-toto writes them. */
  private sorted: boolean | undefined
  /** Where the next sorted search starts. */
  private hint = 0

  constructor(packed: Extract<PackedArtifacts, { kind: 'packed' }>) {
    super()
    this.packed = packed
  }

  /** The paths in packed order. */
  get pathList(): readonly string[] {
    this.pathArray ??= this.packed.count === 0 ? [] : this.packed.paths.split(SEPARATOR)
    return this.pathArray
  }

  /** The digests in packed order (all of algorithm `packed.algorithm`). */
  get digestList(): readonly string[] {
    this.digestArray ??= this.packed.count === 0 ? [] : this.packed.digests.split(SEPARATOR)
    return this.digestArray
  }

  /** The position of `path` in {@link pathList}, or `undefined`. */
  indexOf(path: string): number | undefined {
    this.sorted ??= isAscending(this.pathList)
    if (this.sorted) return this.search(path)
    if (this.index === undefined) {
      const paths = this.pathList
      this.index = new Map()
      for (let i = 0; i < paths.length; i++) this.index.set(paths[i] as string, i)
    }
    return this.index.get(path)
  }

  /**
   * Lookup in a sorted path list without building an index: the rule engine asks for paths in
   * ascending order (its queues keep the file's order), so the search starts where the last
   * one ended and gallops forward; any other order still finds the path by binary search.
   */
  private search(path: string): number | undefined {
    const list = this.pathList
    const n = list.length
    let lo = 0
    let hi = n
    const hint = this.hint
    if (hint < n) {
      const at = list[hint] as string
      if (at === path) {
        this.hint = hint + 1
        return hint
      }
      if (at < path) {
        // Everything before `lo` sorts before `path`.
        lo = hint + 1
        let probe = lo
        for (let step = 1; probe < n && (list[probe] as string) < path; step *= 2) {
          lo = probe + 1
          probe = lo + step
        }
        hi = Math.min(probe + 1, n)
      } else {
        hi = hint
      }
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((list[mid] as string) < path) lo = mid + 1
      else hi = mid
    }
    this.hint = lo
    return lo < n && list[lo] === path ? lo : undefined
  }

  private dictAt(i: number): HashDict {
    this.dicts ??= new Array<HashDict | undefined>(this.packed.count)
    let dict = this.dicts[i]
    if (dict === undefined) {
      dict = new Map([[this.packed.algorithm, this.digestList[i] as string]])
      this.dicts[i] = dict
    }
    return dict
  }

  override get size(): number {
    return this.packed.count
  }

  override get(path: string): HashDict | undefined {
    const i = this.indexOf(path)
    return i === undefined ? undefined : this.dictAt(i)
  }

  override has(path: string): boolean {
    return this.indexOf(path) !== undefined
  }

  override keys(): MapIterator<string> {
    return this.pathList[Symbol.iterator]() as MapIterator<string>
  }

  override *values(): MapIterator<HashDict> {
    for (let i = 0; i < this.pathList.length; i++) yield this.dictAt(i)
  }

  override *entries(): MapIterator<[string, HashDict]> {
    for (let i = 0; i < this.pathList.length; i++) yield [this.pathList[i] as string, this.dictAt(i)]
  }

  override [Symbol.iterator](): MapIterator<[string, HashDict]> {
    return this.entries()
  }

  override forEach(callback: (value: HashDict, key: string, map: Map<string, HashDict>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.pathList.length; i++) callback.call(thisArg, this.dictAt(i), this.pathList[i] as string, this)
  }

  override set(): this {
    throw new TypeError('a packed artifact map is read-only')
  }

  override delete(): boolean {
    throw new TypeError('a packed artifact map is read-only')
  }

  override clear(): void {
    throw new TypeError('a packed artifact map is read-only')
  }
}

function isAscending(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if (!((list[i - 1] as string) < (list[i] as string))) return false
  return true
}
