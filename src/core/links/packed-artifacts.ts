/**
 * Artifact maps in a form that crosses threads for free. A link of 10,000 artifacts is a Map
 * of 10,000 small Maps; structured-cloning that costs more on the receiving thread than
 * decoding the file did, and even two long strings cost ~15 ms per link to clone (measured on
 * Node 20). Packed, it is two byte arrays (paths and digests, UTF-8, joined by NUL) whose
 * buffers are *transferred*; {@link PackedArtifactMap} reads them back as an ordinary
 * read-only Map, building strings, an index and hash dicts only when they are asked for, and
 * the rule engine compares digests as bytes without building strings at all.
 */
import { bytesEqual } from '../encoding/utf8.ts'
import { ARTIFACT_INDEX, type ArtifactIndex, hashDictsEqual, isAscending } from '../model/artifact-index.ts'
import type { ArtifactMap, HashDict } from '../model/types.ts'

export type PackedArtifacts =
  /**
   * Every hash dict has the one algorithm `algorithm`; no path or digest contains NUL; `paths`
   * and `digests` are the UTF-8 bytes of the `count` paths (digests) in map order, joined by NUL.
   */
  | {
      readonly kind: 'packed'
      readonly count: number
      readonly algorithm: string
      readonly paths: Uint8Array<ArrayBuffer>
      readonly digests: Uint8Array<ArrayBuffer>
      /**
       * Where each path (digest) starts in `paths` (`digests`), then one past the end as if a
       * separator followed the last: `count` + 1 entries. Set by a producer that knows them
       * (the fast link reader); otherwise computed on first use.
       */
      readonly pathStarts?: Int32Array<ArrayBuffer>
      readonly digestStarts?: Int32Array<ArrayBuffer>
      /** Set by a producer that has checked the paths are in strictly ascending order (saves a pass). */
      readonly ascending?: boolean
    }
  /** Anything else is sent as the Map itself. */
  | { readonly kind: 'map'; readonly map: ArtifactMap }

type Packed = Extract<PackedArtifacts, { kind: 'packed' }>

const SEPARATOR = '\0'
/** Entries {@link PackedArtifactMap.indexOfEntry} compares as bytes before it searches by string. */
const ENTRIES_PROBED = 8
const NUL = 0
const utf8Encoder = new TextEncoder()
const utf8Decoder = new TextDecoder()

export function packArtifacts(artifacts: ArtifactMap): PackedArtifacts {
  if (artifacts instanceof PackedArtifactMap) return artifacts.packed
  let algorithm: string | undefined
  const paths: string[] = []
  const digests: string[] = []
  for (const [path, hashes] of artifacts) {
    if (hashes.size !== 1 || path.includes(SEPARATOR)) return { kind: 'map', map: artifacts }
    const [name, digest] = hashes.entries().next().value as [string, string]
    algorithm ??= name
    if (name !== algorithm || digest.includes(SEPARATOR)) return { kind: 'map', map: artifacts }
    paths.push(path)
    digests.push(digest)
  }
  // Paths hold no lone surrogates (the JSON reader refuses them), so UTF-8 gives them back exactly.
  return {
    kind: 'packed',
    count: paths.length,
    algorithm: algorithm ?? '',
    paths: utf8Encoder.encode(paths.join(SEPARATOR)),
    digests: utf8Encoder.encode(digests.join(SEPARATOR)),
  }
}

export function unpackArtifacts(packed: PackedArtifacts): ArtifactMap {
  return packed.kind === 'map' ? packed.map : new PackedArtifactMap(packed)
}

/** The buffers a postMessage of `packed` may transfer instead of copying (each wholly owned by it). */
export function packedBuffers(packed: PackedArtifacts): ArrayBuffer[] {
  if (packed.kind !== 'packed') return []
  const views = [packed.paths, packed.digests, packed.pathStarts, packed.digestStarts].filter((view) => view !== undefined)
  return views.filter((view) => view.byteOffset === 0 && view.byteLength === view.buffer.byteLength).map((view) => view.buffer)
}

/** Whether two artifact maps are certainly equal by their packed bytes (`false`: compare them entry by entry). */
export function packedIdentical(a: ArtifactMap, b: ArtifactMap): boolean {
  if (!(a instanceof PackedArtifactMap && b instanceof PackedArtifactMap)) return false
  const x = a.packed
  const y = b.packed
  return x.count === y.count && x.algorithm === y.algorithm && bytesEqual(x.paths, y.paths) && bytesEqual(x.digests, y.digests)
}

/**
 * A read-only Map over packed artifacts. It extends Map so that code checking `instanceof Map`
 * (the canonical JSON writer, for one) treats it as the map it stands for; every reading
 * method is overridden, and the writing ones throw. Iteration order is the packed (file) order.
 * Do not structured-clone it (the clone would be an empty Map): pack it again instead.
 *
 * It is its own artifact index (model/artifact-index.ts): the rule engine finds paths by
 * position and compares digests as bytes, without building strings or hash dicts.
 */
export class PackedArtifactMap extends Map<string, HashDict> implements ArtifactIndex {
  readonly packed: Packed
  // Built on first use: a decoding thread only forwards `packed`.
  private pathArray: readonly string[] | undefined
  private digestArray: readonly string[] | undefined
  /** Where each digest starts in `packed.digests` (entry `count` is one past the end). */
  private digestStarts: Int32Array | undefined
  private dicts: (HashDict | undefined)[] | undefined
  private index: Map<string, number> | undefined
  /** Whether the paths are in strictly ascending UTF-16 order (`<`), as in-toto writes them. */
  private ascending: boolean | undefined
  /** Where the next sorted search starts. */
  private hint = 0
  /** Where each path starts in `packed.paths` (entry `count` is one past the end). */
  private pathStarts: Int32Array | undefined

  constructor(packed: Packed) {
    super()
    this.packed = packed
  }

  get [ARTIFACT_INDEX](): ArtifactIndex {
    return this
  }

  get paths(): readonly string[] {
    return this.pathList
  }

  get sorted(): boolean {
    return this.isSorted
  }

  find(path: string, hint: ArtifactIndex | undefined, at: number): number | undefined {
    if (hint === undefined || at < 0) return this.indexOf(path)
    if (hint === this) return at
    return hint instanceof PackedArtifactMap ? this.indexOfEntry(hint, at, path) : this.indexOf(path)
  }

  hashesAt(i: number): HashDict {
    return this.dictAt(i)
  }

  identical(other: ArtifactIndex): boolean {
    return other instanceof PackedArtifactMap && packedIdentical(this, other)
  }

  sameHashes(i: number, other: ArtifactIndex, j: number): boolean {
    return other instanceof PackedArtifactMap ? this.sameDigest(i, other, j) : hashDictsEqual(this.dictAt(i), other.hashesAt(j))
  }

  /** The paths in packed order. */
  get pathList(): readonly string[] {
    this.pathArray ??= splitPacked(this.packed.paths, this.packed.count)
    return this.pathArray
  }

  /** The digests in packed order (all of algorithm `packed.algorithm`). */
  get digestList(): readonly string[] {
    this.digestArray ??= splitPacked(this.packed.digests, this.packed.count)
    return this.digestArray
  }

  /** Whether the paths are in strictly ascending UTF-16 order (`<`): in-toto writes them so. */
  get isSorted(): boolean {
    this.ascending ??= this.packed.ascending === true || isAscending(this.pathList)
    return this.ascending
  }

  /** The position of `path` in {@link pathList}, or `undefined`. */
  indexOf(path: string): number | undefined {
    if (this.isSorted) return this.search(path)
    if (this.index === undefined) {
      const paths = this.pathList
      this.index = new Map()
      for (let i = 0; i < paths.length; i++) this.index.set(paths[i] as string, i)
    }
    return this.index.get(path)
  }

  /**
   * The position in this map of entry `j` of `other`, whose path is `path`. The rules ask in
   * ascending order, so it is usually the entry where the last search ended: that one is
   * compared as bytes (equal UTF-8 is an equal path), which spares comparing two strings
   * sliced from decoded texts (V8 compares those in its runtime, the rules' costliest step).
   */
  indexOfEntry(other: PackedArtifactMap, j: number, path: string): number | undefined {
    // A few entries on from the hint: rules that take every n-th path (`MODIFY *.py`) skip some.
    const end = Math.min(this.hint + ENTRIES_PROBED, this.packed.count)
    for (let i = this.hint; i < end; i++) {
      if (this.samePathBytes(i, other, j)) {
        this.hint = i + 1
        return i
      }
    }
    return this.indexOf(path)
  }

  private samePathBytes(i: number, other: PackedArtifactMap, j: number): boolean {
    this.pathStarts ??= this.packed.pathStarts ?? entryStarts(this.packed.paths, this.packed.count)
    other.pathStarts ??= other.packed.pathStarts ?? entryStarts(other.packed.paths, other.packed.count)
    const a0 = this.pathStarts[i] as number
    const length = (this.pathStarts[i + 1] as number) - 1 - a0
    const b0 = other.pathStarts[j] as number
    if ((other.pathStarts[j + 1] as number) - 1 - b0 !== length) return false
    const x = this.packed.paths
    const y = other.packed.paths
    // From the end: neighbouring paths share long prefixes (`src/pkg00/core/file_0001…`).
    for (let k = length - 1; k >= 0; k--) if (x[a0 + k] !== y[b0 + k]) return false
    return true
  }

  /** Whether entry `i` of this map has the same hash dict as entry `j` of `other`, compared as bytes. */
  sameDigest(i: number, other: PackedArtifactMap, j: number): boolean {
    if (this.packed.algorithm !== other.packed.algorithm) return false
    const starts = this.starts()
    const otherStarts = other.starts()
    const a0 = starts[i] as number
    const length = (starts[i + 1] as number) - 1 - a0
    const b0 = otherStarts[j] as number
    if ((otherStarts[j + 1] as number) - 1 - b0 !== length) return false
    const x = this.packed.digests
    const y = other.packed.digests
    for (let k = 0; k < length; k++) if (x[a0 + k] !== y[b0 + k]) return false
    return true
  }

  private starts(): Int32Array {
    this.digestStarts ??= this.packed.digestStarts ?? entryStarts(this.packed.digests, this.packed.count)
    return this.digestStarts
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

/** The `count` NUL-separated UTF-8 strings of `bytes` (one decode and one split: ~10× faster than per entry). */
function splitPacked(bytes: Uint8Array, count: number): readonly string[] {
  return count === 0 ? [] : utf8Decoder.decode(bytes).split(SEPARATOR)
}

/** Where each of the `count` NUL-separated entries of `bytes` starts; entry `count` is one past the end, as if a separator followed the last. */
function entryStarts(bytes: Uint8Array, count: number): Int32Array {
  const starts = new Int32Array(count + 1)
  let entry = 1
  for (let k = 0; k < bytes.length; k++) if (bytes[k] === NUL) starts[entry++] = k + 1
  starts[count] = bytes.length + 1
  return starts
}
