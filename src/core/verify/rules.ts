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
  const initial = [...artifacts.keys()]
  let queue = initial
  const trace: RuleTrace[] = []
  let failedAt: number | undefined

  for (let index = 0; index < rules.length; index++) {
    const source = rules[index] as RuleSource
    if (failedAt !== undefined) {
      trace.push({ index, source: [...source], text: describeSource(source), status: 'not-reached', queueSize: 0, consumed: [] })
      continue
    }
    const entry = evaluateRule(source, queue, link, artifacts, links)
    trace.push({ index, ...entry, queueSize: queue.length })
    if (entry.status === 'fail') {
      failedAt = index
      continue
    }
    if (entry.consumed.length > 0) {
      const consumed = new Set(entry.consumed)
      queue = queue.filter((path) => !consumed.has(path))
    }
  }
  return {
    item: itemName,
    kind,
    queue: initial,
    remaining: failedAt === undefined ? queue : undefined,
    rules: trace,
    status: failedAt === undefined ? 'pass' : 'fail',
    failedRule: failedAt,
  }
}

type RuleOutcome = Omit<RuleTrace, 'index' | 'queueSize'>

function evaluateRule(source: RuleSource, queue: readonly string[], link: Link, artifacts: ArtifactMap, links: RuleLinks): RuleOutcome {
  const base = { source: [...source], text: describeSource(source) }
  let rule: ArtifactRule
  try {
    rule = parseRule(source)
  } catch (error) {
    const message = error instanceof CoreError ? error.detail : String(error)
    return { ...base, status: 'fail', consumed: [], failure: { kind: 'malformed', message } }
  }
  if (rule.type === 'MATCH') return { ...base, ...evaluateMatch(rule, queue, artifacts, links) }
  if (rule.type === 'REQUIRE') {
    // REQUIRE takes a literal name, not a pattern (in-toto 1.3.1 `verify_require_rule`).
    return queue.includes(rule.pattern)
      ? { ...base, status: 'pass', consumed: [] }
      : { ...base, status: 'fail', consumed: [], failure: { kind: 'required-missing', artifact: rule.pattern } }
  }
  const matcher = compilePattern(rule.pattern)
  const filtered = queue.filter((path) => matcher.test(path))
  switch (rule.type) {
    case 'ALLOW':
      return { ...base, status: 'pass', consumed: filtered }
    case 'DISALLOW':
      return filtered.length === 0
        ? { ...base, status: 'pass', consumed: [] }
        : { ...base, status: 'fail', consumed: [], failure: { kind: 'disallowed', artifacts: filtered } }
    case 'CREATE':
      return { ...base, status: 'pass', consumed: filtered.filter((path) => link.products.has(path) && !link.materials.has(path)) }
    case 'DELETE':
      return { ...base, status: 'pass', consumed: filtered.filter((path) => link.materials.has(path) && !link.products.has(path)) }
    case 'MODIFY':
      return {
        ...base,
        status: 'pass',
        consumed: filtered.filter((path) => {
          const before = link.materials.get(path)
          const after = link.products.get(path)
          return before !== undefined && after !== undefined && !hashDictsEqual(before, after)
        }),
      }
  }
}

function evaluateMatch(
  rule: MatchRule,
  queue: readonly string[],
  artifacts: ArtifactMap,
  links: RuleLinks,
): Pick<RuleTrace, 'status' | 'consumed' | 'misses' | 'destinationFound' | 'failure'> {
  const destination = links.get(rule.destinationStep)
  if (destination === undefined) return { status: 'pass', consumed: [], destinationFound: false }
  const destinationArtifacts = rule.destinationType === 'materials' ? destination.materials : destination.products
  const matcher = compilePattern(rule.pattern)
  const consumed = new Set<string>()
  const misses: MatchMiss[] = []
  // Only queue entries under the source prefix are candidates, with the prefix stripped.
  const prefix = rule.sourcePrefix ? joinArtifactPath(rule.sourcePrefix, '') : ''
  for (const queued of queue) {
    if (prefix && !queued.startsWith(prefix)) continue
    const relative = prefix ? queued.slice(prefix.length) : queued
    if (!matcher.test(relative)) continue
    const sourcePath = rule.sourcePrefix ? joinArtifactPath(rule.sourcePrefix, relative) : relative
    const destinationPath = rule.destinationPrefix ? joinArtifactPath(rule.destinationPrefix, relative) : relative
    const sourceHashes = artifacts.get(sourcePath)
    if (sourceHashes === undefined) {
      // The reference looks the rebuilt path up without a guard and dies with KeyError.
      return { status: 'fail', consumed: [], destinationFound: true, failure: { kind: 'path-rebuild', artifact: queued, rebuilt: sourcePath } }
    }
    const destinationHashes = destinationArtifacts.get(destinationPath)
    if (destinationHashes === undefined) misses.push({ artifact: sourcePath, destination: destinationPath, reason: 'not-in-destination' })
    else if (!hashDictsEqual(sourceHashes, destinationHashes)) misses.push({ artifact: sourcePath, destination: destinationPath, reason: 'hash-differs' })
    else consumed.add(sourcePath)
  }
  return { status: 'pass', consumed: [...consumed], misses, destinationFound: true }
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
