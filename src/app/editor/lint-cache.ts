/** Lint findings per layout value, computed once however many views show them (the layout is immutable). */
import { lintLayout, type LintFinding } from '../../core/lint/lint.ts'
import type { Layout } from '../../core/model/types.ts'

const cache = new WeakMap<Layout, LintFinding[]>()

export function lintOf(layout: Layout): readonly LintFinding[] {
  let findings = cache.get(layout)
  if (findings === undefined) {
    findings = lintLayout(layout)
    cache.set(layout, findings)
  }
  return findings
}
