/**
 * Lint findings per layout value, verifier directory and rebuilder policy, computed once however
 * many views show them (the layout is immutable). The keys of the rebuilder policy (Rebuilders
 * workspace) say which keys belong to one operator, so authorizing two of them for one step is
 * flagged.
 */
import { lintLayout, type LintFinding } from '../../core/lint/lint.ts'
import type { Layout } from '../../core/model/types.ts'
import type { RebuilderPolicy } from '../../core/rebuilders/policy.ts'

const cache = new WeakMap<Layout, { directory: string; operators: ReadonlyMap<string, string> | undefined; findings: LintFinding[] }>()
const operatorCache = new WeakMap<RebuilderPolicy, ReadonlyMap<string, string>>()

/** Keyid → operator name, for every key of the policy. */
export function operatorsOf(policy: RebuilderPolicy): ReadonlyMap<string, string> {
  let operators = operatorCache.get(policy)
  if (operators === undefined) {
    const map = new Map<string, string>()
    for (const rebuilder of policy.rebuilders) for (const key of rebuilder.keys) for (const keyid of key.signatureKeyids) map.set(keyid, rebuilder.name)
    operators = map
    operatorCache.set(policy, operators)
  }
  return operators
}

export function lintOf(layout: Layout, verifierDirectory: readonly string[] = [], operators?: ReadonlyMap<string, string>): readonly LintFinding[] {
  const directory = verifierDirectory.join('\n')
  let entry = cache.get(layout)
  if (entry === undefined || entry.directory !== directory || entry.operators !== operators) {
    entry = { directory, operators, findings: lintLayout(layout, { verifierDirectory, operators }) }
    cache.set(layout, entry)
  }
  return entry.findings
}
