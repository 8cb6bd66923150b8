/** Lint findings before signing, each linked to its node in the graph and its place in the JSON. */
import { useDeferredValue, useMemo } from 'react'
import type { LintFinding } from '../../core/lint/lint.ts'
import { lintOf, operatorsOf } from './lint-cache.ts'
import { useRebuilders } from '../rebuilders/use-rebuilders.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { useEditorUi } from './ui-store.ts'
import { actions } from './actions.ts'
import { useVerifierDirectory } from './verifier-directory.ts'
import { keyed } from '../shared/keyed.ts'

function targetName(finding: LintFinding): string | undefined {
  const { target } = finding
  if (target.kind === 'step' || target.kind === 'inspection') return target.name
  if (target.kind === 'key') return `key:${target.keyid}`
  return undefined
}

/** A layout with hundreds of findings lists the first ones: a longer list helps nobody and slows every edit. */
const SHOWN = 50

function applyFix(finding: LintFinding): void {
  const { fix, target } = finding
  if (fix === undefined || (target.kind !== 'step' && target.kind !== 'inspection')) return
  const list = fix.path.endsWith('materials') ? 'materials' : 'products'
  actions.insertRules({ kind: target.kind, index: target.index }, list, fix.index, fix.rules, fix.label)
}

export function LintPanel() {
  // Linting a large layout takes a while: it follows the edit rather than delaying it.
  const layout = useDeferredValue(useDocumentStore((s) => s.layout))
  const verifierDirectory = useVerifierDirectory()
  // Keys of one rebuilder in the Rebuilders workspace's policy count as one operator.
  const operators = operatorsOf(useRebuilders((state) => state.policy))
  const findings = useMemo(() => lintOf(layout, verifierDirectory, operators), [layout, verifierDirectory, operators])
  const signed = useDocumentStore((s) => (s.envelope?.signatures.length ?? 0) > 0)
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.length - errors
  return (
    <section className="editor-lint" aria-label="Lint findings">
      <h3>
        Before signing: {errors} error{errors === 1 ? '' : 's'}, {warnings} warning{warnings === 1 ? '' : 's'}
      </h3>
      {findings.length === 0 ? (
        <p className="editor-muted">{signed ? 'No lint findings in the layout. Its signatures are checked above.' : 'No lint findings in the layout.'}</p>
      ) : (
        <ul>
          {keyed(findings.slice(0, SHOWN), (finding) => `${finding.code}:${finding.path}`).map(({ key, item: finding }) => {
            const name = targetName(finding)
            return (
              <li key={key} className={`editor-lint-${finding.severity}`} data-code={finding.code}>
                <span className="editor-lint-severity">{finding.severity}</span> {finding.message}{' '}
                {name !== undefined && (
                  <button
                    type="button"
                    className="editor-link"
                    onClick={() => {
                      useEditorUi.getState().select(name)
                    }}
                  >
                    {name.startsWith('key:') ? 'show key' : `show ${name}`}
                  </button>
                )}{' '}
                <button type="button" className="editor-link editor-mono" onClick={() => useEditorUi.getState().revealPath(finding.path)}>
                  {finding.path || '(layout)'}
                </button>
                {finding.fix && (
                  <button type="button" className="small editor-lint-fix" onClick={() => applyFix(finding)}>
                    {finding.fix.label}
                  </button>
                )}
              </li>
            )
          })}
          {findings.length > SHOWN && <li className="editor-muted">… and {findings.length - SHOWN} more (fix these first, or see the JSON view’s markers).</li>}
        </ul>
      )}
    </section>
  )
}
