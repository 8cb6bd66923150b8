/**
 * The artifact rule engine (in-toto 1.3.1 `verify_item_rules` and the `verify_*_rule`
 * functions), producing a trace a person can follow.
 *
 * Firewall semantics: the queue starts as every material (or product) path of the item's
 * link; each rule consumes some of the queue; only DISALLOW and REQUIRE can fail; whatever
 * is left at the end is implicitly allowed (spec §4.3.3.1).
 */
import { CoreError } from '../errors.ts'
import type { ArtifactMap, HashDict, Link, RuleSource } from '../model/types.ts'
import { compilePattern } from '../rules/fnmatch.ts'
import { formatRule, parseRule } from '../rules/parse.ts'
import type { ArtifactKind, ArtifactRule, MatchRule } from '../rules/types.ts'
import { isAscending, PackedArtifactMap } from './packed-artifacts.ts'
import type { MatchMiss, RuleFailure, RuleListTrace, RuleTrace } from './report.ts'

/** The links MATCH rules may refer to, keyed by step (or inspection) name key. */
export interface RuleLinks {
  get(destinationStep: string): Link | undefined
}

/** Python's `os.path.join(a, b)` on POSIX, followed by in-toto's `\` → `/` replacement. */
export function joinArtifactPath(prefix: string, path: string): string {
  let joined: string
  if (path.startsWith('/')) joined = path
  else if (prefix === '' || prefix.endsWith('/')) joined = prefix + path
  else joined = `${prefix}/${path}`
  // Most paths have no backslash: skip the regular expression for them (rules run per artifact).
  return joined.includes('\\') ? joined.replace(/\\/g, '/') : joined
}

/** Python `!=` on two hash dicts: same algorithms, identical digest strings. */
export function hashDictsEqual(a: HashDict, b: HashDict): boolean {
  if (a.size !== b.size) return false
  for (const [algorithm, digest] of a) if (b.get(algorithm) !== digest) return false
  return true
}

/** How the entry `pathA` of `a` compares with the entry `pathB` of `b`. */
type EntryComparison = 'equal' | 'differs' | 'missing-a' | 'missing-b'

/**
 * {@link hashDictsEqual} on two entries, looked up once each; packed maps compare their digest
 * bytes without building strings or hash dicts (the rules compare tens of thousands of entries).
 */
function compareEntries(a: ArtifactMap, pathA: string, b: ArtifactMap, pathB: string, queue?: Queue, at = -1): EntryComparison {
  if (a instanceof PackedArtifactMap && b instanceof PackedArtifactMap) {
    const i = positionIn(a, pathA, queue, at)
    if (i === undefined) return 'missing-a'
    const j = positionIn(b, pathB, queue, at)
    if (j === undefined) return 'missing-b'
    return a.sameDigest(i, b, j) ? 'equal' : 'differs'
  }
  const x = a.get(pathA)
  if (x === undefined) return 'missing-a'
  const y = b.get(pathB)
  if (y === undefined) return 'missing-b'
  return hashDictsEqual(x, y) ? 'equal' : 'differs'
}

/**
 * Where `path` is in `map`. When it is the path at `at` in `queue` (whose map is packed), its
 * position in the queue's map is known without a search, and in another packed map it is
 * found by that entry's bytes; otherwise it is searched.
 */
function positionIn(map: PackedArtifactMap, path: string, queue: Queue | undefined, at: number): number | undefined {
  const positions = queue?.positions
  if (positions === undefined || at < 0 || path !== queue?.paths[at]) return map.indexOf(path)
  const known = queue.map as PackedArtifactMap
  return map === known ? (positions[at] as number) : map.indexOfEntry(known, positions[at] as number, path)
}

/** Whether `map` has `path` (see {@link positionIn}). */
function hasPath(map: ArtifactMap, path: string, queue: Queue, at: number): boolean {
  return map instanceof PackedArtifactMap ? positionIn(map, path, queue, at) !== undefined : map.has(path)
}

/**
 * A rule's queue: its paths and, when the queue's map is packed, each path's position in that
 * map (rules look the paths up in their own map all the time: with the positions, never by string).
 */
interface Queue {
  readonly paths: readonly string[]
  readonly positions?: Int32Array
  readonly map: ArtifactMap
}

/** 0, 1, …, `length` − 1. */
function counting(length: number): Int32Array {
  const positions = new Int32Array(length)
  for (let k = 0; k < length; k++) positions[k] = k
  return positions
}

/** The queue's paths that pass `test`, with their positions in the queue. */
function queueWhere(queue: Queue, test: (path: string) => boolean): number[] {
  const found: number[] = []
  const paths = queue.paths
  for (let k = 0; k < paths.length; k++) if (test(paths[k] as string)) found.push(k)
  return found
}

/**
 * Evaluates one rule list of one item and returns its trace. The trace's status is `fail` at
 * the first failing rule; rules after it are `not-reached`.
 */
export function evaluateRuleList(
  itemName: string,
  kind: ArtifactKind,
  rules: readonly RuleSource[],
  link: Link,
  links: RuleLinks,
): RuleListTrace {
  const artifacts = kind === 'materials' ? link.materials : link.products
  // A packed map's own path list is the queue as it starts (rules never change a queue in place: withoutConsumed makes a new one).
  const initial: readonly string[] = artifacts instanceof PackedArtifactMap ? artifacts.pathList : [...artifacts.keys()]
  // Rules only ever remove from the queue, so a sorted queue stays sorted.
  const sorted = artifacts instanceof PackedArtifactMap ? artifacts.isSorted : isAscending(initial)
  let queue: Queue = { paths: initial, positions: artifacts instanceof PackedArtifactMap ? counting(initial.length) : undefined, map: artifacts }
  const trace: RuleTrace[] = []
  let failedAt: number | undefined

  for (let index = 0; index < rules.length; index++) {
    const source = rules[index] as RuleSource
    if (failedAt !== undefined) {
      trace.push({ index, source: [...source], text: describeSource(source), status: 'not-reached', queueSize: 0, consumed: [] })
      continue
    }
    const { consumedAt, ...entry } = evaluateRule(source, queue, sorted, link, links)
    trace.push({ index, ...entry, queueSize: queue.paths.length })
    if (entry.status === 'fail') {
      failedAt = index
      continue
    }
    if (entry.consumed.length > 0) queue = consumedAt === undefined ? withoutConsumed(queue, entry.consumed) : withoutPositions(queue, consumedAt)
  }
  return {
    item: itemName,
    kind,
    queue: initial,
    remaining: failedAt === undefined ? queue.paths : undefined,
    rules: trace,
    status: failedAt === undefined ? 'pass' : 'fail',
    failedRule: failedAt,
  }
}

/**
 * `queue` without the `consumed` paths. The queue's paths are distinct, and rules consume them
 * in queue order, so one merge pass does; a consumed list in another order (or holding
 * rebuilt paths not in the queue) is removed through a Set.
 */
function withoutConsumed(queue: Queue, consumed: readonly string[]): Queue {
  const { paths, positions } = queue
  // Sized up front: growing an array of 10,000 paths push by push copied it a dozen times.
  const size = Math.max(0, paths.length - consumed.length)
  const kept: string[] = new Array(size)
  const keptPositions = positions === undefined ? undefined : new Int32Array(size)
  let next = 0
  let count = 0
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k] as string
    if (next < consumed.length && path === consumed[next]) {
      next++
      continue
    }
    if (count === size) break
    if (keptPositions !== undefined) keptPositions[count] = (positions as Int32Array)[k] as number
    kept[count++] = path
  }
  if (next === consumed.length && count === size) return { paths: kept, positions: keptPositions, map: queue.map }
  const set = new Set(consumed)
  const rest = queueWhere(queue, (path) => !set.has(path))
  return { paths: rest.map((k) => paths[k] as string), positions: positions && Int32Array.from(rest, (k) => positions[k] as number), map: queue.map }
}

/**
 * `queue` without its entries at `at` (ascending queue indices): what a rule consumed, known by
 * position, so no path is compared with another.
 */
function withoutPositions(queue: Queue, at: readonly number[]): Queue {
  const { paths, positions } = queue
  const size = paths.length - at.length
  const kept: string[] = new Array(size)
  const keptPositions = positions === undefined ? undefined : new Int32Array(size)
  let next = 0
  let count = 0
  for (let k = 0; k < paths.length; k++) {
    if (next < at.length && at[next] === k) {
      next++
      continue
    }
    if (keptPositions !== undefined) keptPositions[count] = (positions as Int32Array)[k] as number
    kept[count++] = paths[k] as string
  }
  return { paths: kept, positions: keptPositions, map: queue.map }
}

type RuleOutcome = Omit<RuleTrace, 'index' | 'queueSize'> & {
  /** The queue indices of `consumed`, ascending, when each consumed path is the queue's own entry. */
  readonly consumedAt?: readonly number[]
}

function evaluateRule(source: RuleSource, queue: Queue, sorted: boolean, link: Link, links: RuleLinks): RuleOutcome {
  const base = { source: [...source], text: describeSource(source) }
  let rule: ArtifactRule
  try {
    rule = parseRule(source)
  } catch (error) {
    const message = error instanceof CoreError ? error.detail : String(error)
    return { ...base, status: 'fail', consumed: [], failure: { kind: 'malformed', message } }
  }
  if (rule.type === 'MATCH') return { ...base, ...evaluateMatch(rule, queue, sorted, links) }
  if (rule.type === 'REQUIRE') {
    // REQUIRE takes a literal name, not a pattern (in-toto 1.3.1 `verify_require_rule`).
    return queue.paths.includes(rule.pattern)
      ? { ...base, status: 'pass', consumed: [] }
      : { ...base, status: 'fail', consumed: [], failure: { kind: 'required-missing', artifact: rule.pattern } }
  }
  const matcher = compilePattern(rule.pattern)
  const filtered = queueWhere(queue, (path) => matcher.test(path))
  const pathsOf = (at: readonly number[]) => at.map((k) => queue.paths[k] as string)
  /** A pass consuming the queue entries at `at`. */
  const consuming = (at: readonly number[]): RuleOutcome => ({ ...base, status: 'pass', consumed: pathsOf(at), consumedAt: at })
  /** The filtered entries that pass `test` (given each one's path and queue index). */
  const filteredWhere = (test: (path: string, at: number) => boolean) => filtered.filter((at) => test(queue.paths[at] as string, at))
  switch (rule.type) {
    case 'ALLOW':
      return consuming(filtered)
    case 'DISALLOW':
      return filtered.length === 0
        ? { ...base, status: 'pass', consumed: [] }
        : { ...base, status: 'fail', consumed: [], failure: { kind: 'disallowed', artifacts: pathsOf(filtered) } }
    case 'CREATE':
      return consuming(filteredWhere((path, at) => hasPath(link.products, path, queue, at) && !hasPath(link.materials, path, queue, at)))
    case 'DELETE':
      return consuming(filteredWhere((path, at) => hasPath(link.materials, path, queue, at) && !hasPath(link.products, path, queue, at)))
    case 'MODIFY':
      return consuming(filteredWhere((path, at) => compareEntries(link.materials, path, link.products, path, queue, at) === 'differs'))
  }
}

function evaluateMatch(rule: MatchRule, queue: Queue, sorted: boolean, links: RuleLinks): Pick<RuleOutcome, 'status' | 'consumed' | 'consumedAt' | 'misses' | 'destinationFound' | 'failure'> {
  const artifacts = queue.map
  const paths = queue.paths
  const destination = links.get(rule.destinationStep)
  if (destination === undefined) return { status: 'pass', consumed: [], destinationFound: false }
  const destinationArtifacts = rule.destinationType === 'materials' ? destination.materials : destination.products
  const matcher = compilePattern(rule.pattern)
  const consumed: string[] = []
  // Their queue indices, while every consumed path is its queue entry itself.
  const consumedAt: number[] = []
  // Consumed paths are distinct queue entries until a rebuilt path differs from its entry; from then on, deduplicate.
  let distinct: Set<string> | undefined
  const misses: MatchMiss[] = []
  // Only queue entries under the source prefix are candidates, with the prefix stripped.
  const prefix = rule.sourcePrefix ? joinArtifactPath(rule.sourcePrefix, '') : ''
  const samePrefixes = (rule.sourcePrefix || '') === (rule.destinationPrefix || '')
  // In a sorted queue the paths under the prefix are one run, starting where the prefix would sort.
  const first = prefix && sorted ? lowerBound(paths, prefix) : 0
  for (let at = first; at < paths.length; at++) {
    const queued = paths[at] as string
    if (prefix && !queued.startsWith(prefix)) {
      if (sorted) break
      continue
    }
    // Rebuilding gives back `queued` itself unless the relative path is absolute or has a backslash
    // (joinArtifactPath; the prefix has none left); reusing it saves building and hashing a new string per artifact.
    const rebuildsItself = prefix === '' || (queued.charCodeAt(prefix.length) !== 0x2f && !queued.includes('\\'))
    let sourcePath = queued
    let destinationPath = queued
    // The common `MATCH * IN dir WITH … IN dir` compares each entry with the same path: no strings to build.
    if (!(rebuildsItself && samePrefixes && matcher.matchesAll)) {
      const relative = prefix ? queued.slice(prefix.length) : queued
      if (!matcher.test(relative)) continue
      if (!rebuildsItself) sourcePath = joinArtifactPath(rule.sourcePrefix as string, relative)
      if (!(rebuildsItself && samePrefixes)) destinationPath = rule.destinationPrefix ? joinArtifactPath(rule.destinationPrefix, relative) : relative
      if (!rebuildsItself) distinct ??= new Set(consumed)
    }
    if (addEntry(sourcePath, destinationPath, at) === 'path-rebuild') {
      // The reference looks the rebuilt path up without a guard and dies with KeyError.
      return { status: 'fail', consumed: [], destinationFound: true, failure: { kind: 'path-rebuild', artifact: queued, rebuilt: sourcePath } }
    }
  }
  return { status: 'pass', consumed, consumedAt: distinct === undefined ? consumedAt : undefined, misses, destinationFound: true }

  function addEntry(sourcePath: string, destinationPath: string, at: number): 'path-rebuild' | undefined {
    const comparison = compareEntries(artifacts, sourcePath, destinationArtifacts, destinationPath, queue, at)
    if (comparison === 'missing-a') return 'path-rebuild'
    if (comparison === 'missing-b') misses.push({ artifact: sourcePath, destination: destinationPath, reason: 'not-in-destination' })
    else if (comparison === 'differs') misses.push({ artifact: sourcePath, destination: destinationPath, reason: 'hash-differs' })
    else if (distinct === undefined) {
      consumed.push(sourcePath)
      consumedAt.push(at)
    } else if (!distinct.has(sourcePath)) {
      distinct.add(sourcePath)
      consumed.push(sourcePath)
    }
    return undefined
  }
}

/** The first index of the sorted `list` whose entry is not below `value` (UTF-16 order, as `<`). */
function lowerBound(list: readonly string[], value: string): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((list[mid] as string) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The rule as one line of text, tolerating sources the parser would reject. */
function describeSource(source: RuleSource): string {
  try {
    return formatRule(parseRule(source))
  } catch {
    return source.map((part) => (typeof part === 'string' ? part : String(part))).join(' ')
  }
}

/** The queue just before rule `index` ran, rebuilt from the trace (the report stores it compactly). */
export function queueBeforeRule(trace: RuleListTrace, index: number): string[] {
  const consumed = new Set<string>()
  for (const rule of trace.rules.slice(0, index)) for (const path of rule.consumed) consumed.add(path)
  return trace.queue.filter((path) => !consumed.has(path))
}

export type { RuleFailure }
