/**
 * The rule engine on random links: packed artifact maps give the same traces as plain Maps,
 * and MATCH consumes exactly what in-toto 1.3.1 `verify_match_rule` consumes (written out
 * below as the reference writes it: filter, rebuild paths with `os.path.join`, compare).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fnmatch } from '../rules/fnmatch.ts'
import { createLink } from '../model/link.ts'
import type { ArtifactMap, HashDict, Link, RuleSource } from '../model/types.ts'
import { packArtifacts, unpackArtifacts } from '../links/packed-artifacts.ts'
import { evaluateRuleList } from './rules.ts'

/** Python `os.path.join(a, b)` on POSIX plus in-toto's `\` → `/`, written independently of rules.ts. */
function osPathJoin(a: string, b: string): string {
  const joined = b.startsWith('/') ? b : a === '' || a.endsWith('/') ? a + b : `${a}/${b}`
  return joined.split('\\').join('/')
}

/** in-toto 1.3.1 `verify_match_rule`: the set of consumed source paths. */
function referenceMatchConsumed(queue: readonly string[], source: ArtifactMap, rule: readonly string[], destination: Link): Set<string> | 'KeyError' {
  const [, pattern, ...rest] = rule as [string, string, ...string[]]
  const sourcePrefix = rest[0] === 'IN' ? (rest[1] as string) : ''
  const afterWith = rest.slice(rest.indexOf('WITH') + 1)
  const destinationType = afterWith[0] as string
  const destinationPrefix = afterWith[1] === 'IN' ? (afterWith[2] as string) : ''
  let filtered = [...queue]
  if (sourcePrefix) {
    const prefix = osPathJoin(sourcePrefix, '')
    filtered = filtered.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length))
  }
  filtered = filtered.filter((path) => fnmatch(path, pattern))
  const destinationArtifacts = destinationType === 'MATERIALS' ? destination.materials : destination.products
  const consumed = new Set<string>()
  for (const path of filtered) {
    const sourcePath = sourcePrefix ? osPathJoin(sourcePrefix, path) : path
    const destinationPath = destinationPrefix ? osPathJoin(destinationPrefix, path) : path
    const sourceHashes = source.get(sourcePath)
    if (sourceHashes === undefined) return 'KeyError'
    const destinationHashes = destinationArtifacts.get(destinationPath)
    if (destinationHashes === undefined) continue
    if (sourceHashes.get('sha256') !== destinationHashes.get('sha256')) continue
    consumed.add(sourcePath)
  }
  return consumed
}

const segment = fc.constantFrom('a', 'b', 'a\\b', 'dir')
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'))
const artifacts = fc.dictionary(path, fc.constantFrom('00', '11'), { maxKeys: 12 })
const prefix = fc.constantFrom('', 'a', 'a/', 'dir', 'a\\b')
const pattern = fc.constantFrom('*', 'a*', '*b', 'dir/*', '?')
const matchRule = fc
  .tuple(pattern, prefix, fc.constantFrom('MATERIALS', 'PRODUCTS'), prefix)
  .map(([p, source, kind, destination]): string[] => ['MATCH', p, ...(source ? ['IN', source] : []), 'WITH', kind, ...(destination ? ['IN', destination] : []), 'FROM', 'other'])
const genericRule = fc.tuple(fc.constantFrom('CREATE', 'DELETE', 'MODIFY', 'ALLOW', 'DISALLOW'), pattern).map(([type, p]): string[] => [type, p])

function toMap(record: Record<string, string>, packed: boolean, sorted = true): ArtifactMap {
  // Sorted like in-toto's files (packed maps then take their sorted lookups, MATCH its prefix runs), or reversed.
  const keys = Object.keys(record).sort()
  if (!sorted) keys.reverse()
  const map = new Map<string, HashDict>(keys.map((key) => [key, new Map([['sha256', record[key] as string]])]))
  return packed ? unpackArtifacts(packArtifacts(map)) : map
}

describe('artifact rules', () => {
  it('give the same traces on packed maps as on Maps, and MATCH consumes what the reference consumes', () => {
    fc.assert(
      fc.property(artifacts, artifacts, artifacts, artifacts, fc.array(fc.oneof(matchRule, genericRule), { maxLength: 5 }), fc.boolean(), (m, p, om, op, rules, sorted) => {
        const traces = [false, true].map((packed) => {
          const link = createLink('step', { materials: toMap(m, packed, sorted), products: toMap(p, packed, sorted) })
          const other = createLink('other', { materials: toMap(om, packed), products: toMap(op, packed) })
          return evaluateRuleList('step', 'products', rules as RuleSource[], link, { get: (name) => (name === 'other' ? other : undefined) })
        })
        expect(traces[1]).toEqual(traces[0])
        const trace = traces[0] as (typeof traces)[0]
        const link = createLink('step', { materials: toMap(m, false, sorted), products: toMap(p, false, sorted) })
        const other = createLink('other', { materials: toMap(om, false), products: toMap(op, false) })
        let queue = [...trace.queue]
        for (const ruleTrace of trace.rules) {
          if (ruleTrace.status === 'not-reached') break
          const rule = rules[ruleTrace.index] as string[]
          if (rule[0] === 'MATCH') {
            const expected = referenceMatchConsumed(queue, link.products, rule, other)
            if (expected === 'KeyError') expect(ruleTrace.failure?.kind).toBe('path-rebuild')
            else expect(new Set(ruleTrace.consumed)).toEqual(expected)
          }
          const consumed = new Set(ruleTrace.consumed)
          queue = queue.filter((entry) => !consumed.has(entry))
        }
        if (trace.remaining !== undefined) expect(trace.remaining).toEqual(queue)
      }),
      { numRuns: 1500 },
    )
  })
})
