/**
 * The artifact rule engine (in-toto 1.3.1 `verify_item_rules` and the `verify_*_rule`
 * functions), producing a trace a person can follow.
 *
 * Firewall semantics: the queue starts as every material (or product) path of the item's
 * link; each rule consumes some of the queue; only DISALLOW and REQUIRE can fail; whatever
 * is left at the end is implicitly allowed (spec §4.3.3.1).
 */
import { CoreError } from '../errors.ts'
import { type ArtifactIndex, artifactIndex, hashDictsEqual } from '../model/artifact-index.ts'
import type { ArtifactMap, Link, RuleSource } from '../model/types.ts'
import { compilePattern } from '../rules/fnmatch.ts'
import { formatRule, parseRule } from '../rules/parse.ts'
import type { ArtifactKind, ArtifactRule, MatchRule } from '../rules/types.ts'
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

/** How the entry `pathA` of `a` compares with the entry `pathB` of `b`. */
type EntryComparison = 'equal' | 'differs' | 'missing-a' | 'missing-b'

/** {@link hashDictsEqual} on two entries, each found once (by position where the queue knows it). */
function compareEntries(a: ArtifactIndex, pathA: string, b: ArtifactIndex, pathB: string, queue?: Queue, at = -1): EntryComparison {
  const i = positionIn(a, pathA, queue, at)
  if (i === undefined) return 'missing-a'
  const j = positionIn(b, pathB, queue, at)
  if (j === undefined) return 'missing-b'
  return a.sameHashes(i, b, j) ? 'equal' : 'differs'
}

/** Where `path` is in `index`; when it is the queue's entry at `at`, the index is told so (it may then answer without a search). */
function positionIn(index: ArtifactIndex, path: string, queue: Queue | undefined, at: number): number | undefined {
  return queue !== undefined && at >= 0 && path === queue.paths[at] ? index.find(path, queue.index, at) : index.find(path, undefined, -1)
}

/** Whether `index` has `path` (see {@link positionIn}). */
function hasPath(index: ArtifactIndex, path: string, queue: Queue, at: number): boolean {
  return positionIn(index, path, queue, at) !== undefined
}

/**
 * A rule list's queue: the item's paths, each flagged while it is still queued. Rules only
 * remove, and removing clears flags instead of building a new list of 10,000 paths per rule.
 * An index into the list is a queue position throughout, and the path's position in the
 * queue's artifact index, so rules look their own paths up without a search.
 */
class Queue {
  readonly paths: readonly string[]
  readonly index: ArtifactIndex
  private readonly queued: Uint8Array
  /** Paths still queued. */
  size: number

  constructor(index: ArtifactIndex) {
    this.index = index
    // The index's own path list, shared: the queue never changes it.
    this.paths = index.paths
    this.queued = new Uint8Array(this.paths.length).fill(1)
    this.size = this.paths.length
  }

  has(at: number): boolean {
    return this.queued[at] === 1
  }

  /** The indexes of the queued paths that pass `test`, ascending. */
  where(test: (path: string) => boolean): number[] {
    const found: number[] = []
    const paths = this.paths
    for (let at = 0; at < paths.length; at++) if (this.queued[at] === 1 && test(paths[at] as string)) found.push(at)
    return found
  }

  includes(path: string): boolean {
    return this.where((queued) => queued === path).length > 0
  }

  /** Removes the paths at `at`. */
  remove(at: readonly number[]): void {
    for (const index of at) {
      if (this.queued[index] === 1) this.size--
      this.queued[index] = 0
    }
  }

  /** Removes these paths (for consumed paths not known by index: MATCH's rebuilt paths). */
  removePaths(paths: readonly string[]): void {
    const set = new Set(paths)
    this.remove(this.where((path) => set.has(path)))
  }

  /** The queued paths, in order. */
  remaining(): string[] {
    return this.where(() => true).map((at) => this.paths[at] as string)
  }
}

/** The artifact indexes one rule list reads, each made once (a plain map's index is built as it is used). */
class Indexes {
  private readonly made = new Map<ArtifactMap, ArtifactIndex>()

  of(map: ArtifactMap): ArtifactIndex {
    let index = this.made.get(map)
    if (index === undefined) {
      index = artifactIndex(map)
      this.made.set(map, index)
    }
    return index
  }
}

/**
 * Evaluates one rule list of one item and returns its trace. The trace's status is `fail` at
 * the first failing rule; rules after it are `not-reached`.
 */
export function evaluateRuleList(itemName: string, kind: ArtifactKind, rules: readonly RuleSource[], link: Link, links: RuleLinks): RuleListTrace {
  const indexes = new Indexes()
  const queue = new Queue(indexes.of(kind === 'materials' ? link.materials : link.products))
  // Rules only ever remove from the queue, so a sorted queue stays sorted.
  const sorted = queue.index.sorted
  const trace: RuleTrace[] = []
  let failedAt: number | undefined

  for (let index = 0; index < rules.length; index++) {
    const source = rules[index] as RuleSource
    if (failedAt !== undefined) {
      trace.push({ index, source: [...source], text: describeSource(source), status: 'not-reached', queueSize: 0, consumed: [] })
      continue
    }
    const { consumedAt, ...entry } = evaluateRule(source, queue, sorted, link, links, indexes)
    trace.push({ index, ...entry, queueSize: queue.size })
    if (entry.status === 'fail') {
      failedAt = index
      continue
    }
    if (entry.consumed.length === 0) continue
    if (consumedAt === undefined) queue.removePaths(entry.consumed)
    else queue.remove(consumedAt)
  }
  return {
    item: itemName,
    kind,
    queue: queue.paths,
    remaining: failedAt === undefined ? queue.remaining() : undefined,
    rules: trace,
    status: failedAt === undefined ? 'pass' : 'fail',
    failedRule: failedAt,
  }
}

type RuleOutcome = Omit<RuleTrace, 'index' | 'queueSize'> & {
  /** The queue indices of `consumed`, ascending, when each consumed path is the queue's own entry. */
  readonly consumedAt?: readonly number[]
}

function evaluateRule(source: RuleSource, queue: Queue, sorted: boolean, link: Link, links: RuleLinks, indexes: Indexes): RuleOutcome {
  const base = { source: [...source], text: describeSource(source) }
  let rule: ArtifactRule
  try {
    rule = parseRule(source)
  } catch (error) {
    const message = error instanceof CoreError ? error.detail : String(error)
    return { ...base, status: 'fail', consumed: [], failure: { kind: 'malformed', message } }
  }
  if (rule.type === 'MATCH') return { ...base, ...evaluateMatch(rule, queue, sorted, links, indexes) }
  if (rule.type === 'REQUIRE') {
    // REQUIRE takes a literal name, not a pattern (in-toto 1.3.1 `verify_require_rule`).
    return queue.includes(rule.pattern)
      ? { ...base, status: 'pass', consumed: [] }
      : { ...base, status: 'fail', consumed: [], failure: { kind: 'required-missing', artifact: rule.pattern } }
  }
  const matcher = compilePattern(rule.pattern)
  const filtered = queue.where((path) => matcher.test(path))
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
    case 'CREATE': {
      const materials = indexes.of(link.materials)
      const products = indexes.of(link.products)
      return consuming(filteredWhere((path, at) => hasPath(products, path, queue, at) && !hasPath(materials, path, queue, at)))
    }
    case 'DELETE': {
      const materials = indexes.of(link.materials)
      const products = indexes.of(link.products)
      return consuming(filteredWhere((path, at) => hasPath(materials, path, queue, at) && !hasPath(products, path, queue, at)))
    }
    case 'MODIFY': {
      const materials = indexes.of(link.materials)
      const products = indexes.of(link.products)
      return consuming(filteredWhere((path, at) => compareEntries(materials, path, products, path, queue, at) === 'differs'))
    }
  }
}

function evaluateMatch(
  rule: MatchRule,
  queue: Queue,
  sorted: boolean,
  links: RuleLinks,
  indexes: Indexes,
): Pick<RuleOutcome, 'status' | 'consumed' | 'consumedAt' | 'misses' | 'destinationFound' | 'failure'> {
  const artifacts = queue.index
  const paths = queue.paths
  const destination = links.get(rule.destinationStep)
  if (destination === undefined) return { status: 'pass', consumed: [], destinationFound: false }
  const destinationArtifacts = indexes.of(rule.destinationType === 'materials' ? destination.materials : destination.products)
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
  // In a sorted list the paths under the prefix are one run, starting where the prefix would sort.
  const first = prefix && sorted ? lowerBound(paths, prefix) : 0
  for (let at = first; at < paths.length; at++) {
    const queued = paths[at] as string
    if (prefix && !queued.startsWith(prefix)) {
      if (sorted) break
      continue
    }
    // The list holds the removed paths too (in their places: the prefix run is still one run).
    if (!queue.has(at)) continue
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
