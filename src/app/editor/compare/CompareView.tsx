/**
 * The Changes view beside the graph: what changed since the baseline, one sentence per change,
 * grouped as the reviewer reads them (the layout, keys, then each step and inspection), with
 * the note that any change drops the signatures. The graph shows the same on the canvas.
 */
import type { Change } from '../../../core/diff/layout-diff.ts'
import { SIGNATURES_NOTE } from '../../../core/diff/layout-diff.ts'
import { diffReport } from '../../../core/diff/report.ts'
import { downloadText } from '../../shared/download.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import { compareActions } from './compare-actions.ts'
import { compareStore } from './use-compare.ts'
import { useComparison } from './use-comparison.ts'

const KIND_CLASS: Partial<Record<Change['kind'], string>> = {
  'item-added': 'added',
  'key-added': 'added',
  'rule-added': 'added',
  authorized: 'added',
  'item-removed': 'removed',
  'key-removed': 'removed',
  'rule-removed': 'removed',
  deauthorized: 'removed',
}

function groupOf(change: Change): string {
  if (change.item) return `${change.item.kind === 'step' ? 'Step' : 'Inspection'} “${change.item.name}”`
  if (change.keyid !== undefined || change.kind.startsWith('key-')) return 'Keys'
  return 'The layout'
}

export function CompareView() {
  const comparison = useComparison()
  const envelope = useDocumentStore((s) => s.envelope)
  if (comparison === undefined) return null
  const { diff, label } = comparison
  const groups = new Map<string, Change[]>()
  for (const change of diff.changes) groups.set(groupOf(change), [...(groups.get(groupOf(change)) ?? []), change])
  const download = () => {
    const report = diffReport(diff, { old: label, new: 'the edited layout', oldSignatures: comparison.signatures, newSignatures: envelope?.signatures.length ?? 0 })
    downloadText('layout-changes.json', `${JSON.stringify(report, null, 2)}\n`, 'application/json')
  }
  return (
    <article className="editor-compare" aria-labelledby="compare-heading">
      <h3 id="compare-heading">Changes since {label}</h3>
      {diff.equal ? (
        <p role="status">No changes: the edited layout signs the same bytes as {label}.</p>
      ) : (
        <>
          <p role="status">
            {diff.changes.length === 1 ? '1 change' : `${diff.changes.length} changes`}. Added, removed and changed steps, keys and edges are marked on the graph.
          </p>
          {[...groups].map(([group, changes]) => (
            <section key={group} aria-label={group}>
              <h4>{group}</h4>
              <ul className="editor-compare-list">
                {changes.map((change) => (
                  <li key={`${change.kind}\u0000${change.sentence}`} className={`editor-compare-${KIND_CLASS[change.kind] ?? 'changed'}`}>
                    {change.item ? (
                      <button type="button" className="link" onClick={() => compareStore.getState().setFocus((change.item as { name: string }).name)}>
                        {change.sentence}
                      </button>
                    ) : (
                      change.sentence
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
          <p className="editor-compare-note">{SIGNATURES_NOTE}</p>
        </>
      )}
      <div className="editor-compare-actions">
        <button type="button" onClick={download}>
          Download changes (JSON)
        </button>
        <button type="button" onClick={compareActions.stop}>
          Stop comparing
        </button>
      </div>
    </article>
  )
}
