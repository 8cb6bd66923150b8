/** The triage list: every dropped file, what it is, and whether a step will count it. */
import type { BundleAnalysis } from '../../core/bundle/verify-bundle.ts'
import type { TriageStatus } from '../../core/bundle/triage.ts'
import { keyed } from '../shared/keyed.ts'

const STATUS_TEXT: Record<TriageStatus, string> = {
  matched: 'matched',
  sublayout: 'sublayout',
  unsigned: 'unsigned',
  'unknown-key': 'unknown key',
  unauthorized: 'not authorized',
  'unknown-step': 'unknown step',
  unmatched: 'unmatched',
  'not-a-link': 'not a link',
  invalid: 'unreadable',
  other: 'ignored',
}

const KIND_TEXT = { link: 'metablock link', 'dsse-link': 'DSSE link', statement: 'attestation', layout: 'layout', key: 'key', unknown: 'unknown' } as const

export function TriageList({ analysis, analyzing }: { analysis: BundleAnalysis | undefined; analyzing: boolean }) {
  if (!analysis)
    return analyzing ? (
      <p className="verify-hint" role="status">
        Reading the files…
      </p>
    ) : null
  const problems = analysis.triage.entries.filter((entry) => entry.status !== 'matched' && entry.status !== 'sublayout')
  return (
    <section className="verify-triage verify-noprint" aria-labelledby="verify-triage-title">
      <h3 id="verify-triage-title">
        Files{analyzing ? ' (updating…)' : ''}: {analysis.triage.entries.length - problems.length} matched, {problems.length} to look at
      </h3>
      {analysis.layout?.problem && (
        <p className="verify-error" role="alert">
          Layout: {analysis.layout.problem}
        </p>
      )}
      {analysis.keys
        .filter((key) => key.problem)
        .map((key) => (
          <p key={key.path} className="verify-error" role="alert">
            Owner key: {key.problem}
          </p>
        ))}
      {analysis.refusals.length > 0 && (
        <div role="alert">
          <ul className="verify-refusals" aria-label="Refused files">
            {keyed(analysis.refusals, (refusal) => refusal.message).map(({ key, item: refusal }) => (
              <li key={key}>
                <strong>Refused:</strong> {refusal.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {analysis.triage.steps.length > 0 && (
        <table className="verify-table" aria-label="Links per step">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Links found</th>
              <th scope="col">Threshold</th>
            </tr>
          </thead>
          <tbody>
            {analysis.triage.steps.map((step) => (
              <tr key={step.step} className={step.signedAsNamed < Number(step.threshold) ? 'verify-row-warn' : undefined}>
                <td>{step.step}</td>
                <td>{step.signedAsNamed}</td>
                <td>{step.threshold}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {analysis.triage.entries.length > 0 && (
        <table className="verify-table" aria-label="Dropped link files">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {[...problems, ...analysis.triage.entries.filter((entry) => !problems.includes(entry))].slice(0, 500).map((entry) => (
              <tr key={entry.path} className={`verify-triage-${entry.status}`}>
                <td className="verify-path">{entry.path}</td>
                <td>{KIND_TEXT[entry.kind]}</td>
                <td>{STATUS_TEXT[entry.status]}</td>
                <td>{entry.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {analysis.notes.map((note) => (
        <p key={note} className="verify-hint">
          {note}
        </p>
      ))}
    </section>
  )
}
