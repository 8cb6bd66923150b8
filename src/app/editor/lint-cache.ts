/** Lint findings per layout value and verifier directory, computed once however many views show them (the layout is immutable). */
import { lintLayout, type LintFinding } from '../../core/lint/lint.ts'
import type { Layout } from '../../core/model/types.ts'

const cache = new WeakMap<Layout, { directory: string; findings: LintFinding[] }>()

export function lintOf(layout: Layout, verifierDirectory: readonly string[] = []): readonly LintFinding[] {
  const directory = verifierDirectory.join('\n')
  let entry = cache.get(layout)
  if (entry === undefined || entry.directory !== directory) {
    entry = { directory, findings: lintLayout(layout, { verifierDirectory }) }
    cache.set(layout, entry)
  }
  return entry.findings
}
