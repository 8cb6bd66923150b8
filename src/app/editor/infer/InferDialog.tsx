/**
 * The proposal inferred from dropped links: as a new layout (steps, who signs, every rule with
 * why and the link artifacts it rests on), or as rule changes for steps of the open layout,
 * accepted one by one and applied as one undo step.
 */
import { useMemo, useState } from 'react'
import { commandText, shortKeyid, thresholdNumber } from '../../../core/editor/graph.ts'
import type { RuleAlignment } from '../../../core/diff/rule-lists.ts'
import { proposeForLayout, type ItemProposal, type RuleChange } from '../../../core/infer/merge.ts'
import type { Inference, ProposedItem, ProposedRule } from '../../../core/infer/types.ts'
import type { Layout } from '../../../core/model/types.ts'
import { formatRule } from '../../../core/rules/parse.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import { Dialog } from '../../ui/Dialog.tsx'
import { useEditorUi } from '../ui-store.ts'
import { inferActions } from './infer-actions.ts'
import { inferStore, useInfer } from './use-infer.ts'

/** Evidence lines listed per rule; the rest are counted. */
const SHOWN_EVIDENCE = 30

function Evidence({ rule }: { rule: ProposedRule }) {
  if (rule.evidence.length === 0) return null
  return (
    <details className="infer-evidence">
      <summary>Rests on {rule.evidence.length === 1 ? '1 link artifact' : `${rule.evidence.length} link artifacts`}</summary>
      <ul>
        {rule.evidence.slice(0, SHOWN_EVIDENCE).map((evidence) => (
          <li key={`${evidence.file}\u0000${evidence.list}\u0000${evidence.path}`}>
            <code>{evidence.path}</code> {evidence.digest} — {evidence.list} of {evidence.file}
          </li>
        ))}
        {rule.evidence.length > SHOWN_EVIDENCE && <li>… and {rule.evidence.length - SHOWN_EVIDENCE} more</li>}
      </ul>
    </details>
  )
}

function ProposedRules({ title, rules }: { title: string; rules: readonly ProposedRule[] }) {
  return (
    <>
      <h5>{title}</h5>
      <ol className="infer-rules">
        {rules.map((rule) => (
          <li key={`${formatRule(rule.rule)}\u0000${rule.reason}`}>
            <code>{formatRule(rule.rule)}</code>
            <span className="infer-reason">{rule.reason}</span>
            <Evidence rule={rule} />
          </li>
        ))}
      </ol>
    </>
  )
}

function NewLayout({ inference }: { inference: Inference }) {
  const label = (keyid: string) => inference.keyNames.get(keyid) ?? shortKeyid(keyid)
  return (
    <div className="infer-items">
      {inference.items.map((item: ProposedItem) => {
        const step = item.kind === 'step' ? inference.layout.steps.find((s) => s.name === item.name) : undefined
        const inspection = item.kind === 'inspection' ? inference.layout.inspect.find((i) => i.name === item.name) : undefined
        return (
          <section key={`${item.kind}:${item.name}`} className="infer-item" aria-label={`Proposed ${item.kind} ${item.name}`}>
            <h4>
              {item.kind === 'step' ? 'Step' : 'Inspection'} “{item.name}”
            </h4>
            {step && (
              <p>
                {step.pubkeys.length === 0
                  ? 'Nobody signed its link: authorize a functionary before signing.'
                  : `${thresholdNumber(step.threshold)} of ${step.pubkeys.length} must sign: ${step.pubkeys.map(label).join(', ')}.`}
                {step.expectedCommand.length > 0 && ` Expected command: ${commandText(step.expectedCommand)}.`} From {item.files.join(', ')}.
              </p>
            )}
            {inspection && <p>Runs {commandText(inspection.run)} where the layout is verified.</p>}
            <ProposedRules title="Expected materials" rules={item.materials} />
            <ProposedRules title="Expected products" rules={item.products} />
          </section>
        )
      })}
    </div>
  )
}

const VERB: Record<RuleAlignment['status'], string> = {
  added: 'Add',
  removed: 'Remove',
  changed: 'Replace',
  rewritten: 'Rewrite',
  moved: 'Move',
  'moved-away': 'Move',
  same: 'Keep',
}

function changeText(change: RuleChange): string {
  const { alignment } = change
  const before = alignment.old ? formatRule(alignment.old) : ''
  const after = alignment.new ? formatRule(alignment.new) : ''
  switch (alignment.status) {
    case 'added':
      return `Add ${after}`
    case 'removed':
      return `Remove ${before}`
    case 'changed':
      return `Replace ${before} with ${after}`
    case 'rewritten':
      return `Write ${before} as ${after}`
    default:
      return `${VERB[alignment.status]} ${after || before} to position ${(alignment.newIndex ?? 0) + 1}`
  }
}

function IntoLayout({ layout, inference, initial }: { layout: Layout; inference: Inference; initial: ReadonlySet<string> }) {
  const candidates = useMemo(() => proposeForLayout(layout, inference, new Set([...layout.steps, ...layout.inspect].map((item) => item.name))), [layout, inference])
  const [chosen, setChosen] = useState<ReadonlySet<string>>(initial)
  const proposals = candidates.filter((proposal) => chosen.has(proposal.name))
  const allChanges = proposals.flatMap((proposal) => proposal.changes.map((change) => change.id))
  const [declined, setDeclined] = useState<ReadonlySet<string>>(new Set())
  const accepted = new Set(allChanges.filter((id) => !declined.has(id)))
  const toggle = <T,>(set: ReadonlySet<T>, value: T): Set<T> => {
    const next = new Set(set)
    if (next.has(value)) next.delete(value)
    else next.add(value)
    return next
  }
  return (
    <div className="infer-into">
      <fieldset>
        <legend>Propose rules for</legend>
        {candidates.map((proposal) => (
          <label key={`${proposal.kind}:${proposal.name}`}>
            <input type="checkbox" checked={chosen.has(proposal.name)} onChange={() => setChosen(toggle(chosen, proposal.name))} />
            {proposal.kind === 'step' ? 'step' : 'inspection'} {proposal.name} ({proposal.changes.length === 1 ? '1 change' : `${proposal.changes.length} changes`})
          </label>
        ))}
      </fieldset>
      {proposals.map((proposal: ItemProposal) => (
        <section key={`${proposal.kind}:${proposal.name}`} aria-label={`Proposed rule changes for ${proposal.name}`}>
          <h4>
            {proposal.kind === 'step' ? 'Step' : 'Inspection'} “{proposal.name}”
          </h4>
          {proposal.changes.length === 0 ? (
            <p>Its rules are already what the links support.</p>
          ) : (
            <ul className="infer-changes">
              {proposal.changes.map((change) => {
                const text = changeText(change)
                return (
                  <li key={change.id} className={`infer-change-${change.alignment.status}`}>
                    <label>
                      <input
                        type="checkbox"
                        checked={!declined.has(change.id)}
                        onChange={() => setDeclined(toggle(declined, change.id))}
                        aria-label={`${text} (${proposal.name} ${change.list})`}
                      />
                      <span>
                        {change.list}: <code>{text}</code>
                      </span>
                    </label>
                    {change.proposed && <span className="infer-reason">{change.proposed.reason}</span>}
                    {change.proposed && <Evidence rule={change.proposed} />}
                  </li>
                )
              })}
            </ul>
          )}
        </section>
      ))}
      <p className="infer-footnote">Functionaries, thresholds and commands stay as they are; only the chosen rule changes are applied, as one step you can undo.</p>
      <div className="infer-actions">
        <button type="button" className="primary" disabled={accepted.size === 0} onClick={() => inferActions.applyChanges(proposals, accepted)}>
          {accepted.size === 1 ? 'Apply 1 change' : `Apply ${accepted.size} changes`}
        </button>
      </div>
    </div>
  )
}

export function InferDialog() {
  const open = useInfer((s) => s.open)
  const phase = useInfer((s) => s.phase)
  const inference = useInfer((s) => s.inference)
  const links = useInfer((s) => s.links)
  const keyFiles = useInfer((s) => s.keyFiles)
  const skipped = useInfer((s) => s.skipped)
  const error = useInfer((s) => s.error)
  const layout = useDocumentStore((s) => s.layout)
  const selected = useEditorUi((s) => s.selected)
  const [tab, setTab] = useState<'new' | 'into'>('new')
  const matching = inference
    ? new Set([...layout.steps, ...layout.inspect].map((item) => item.name).filter((name) => inference.items.some((item) => item.name === name)))
    : new Set<string>()
  const initial = selected !== undefined && matching.has(selected) ? new Set([selected]) : matching
  const mode = matching.size === 0 ? 'new' : tab
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) inferStore.getState().close()
      }}
      title="Layout inferred from links"
      description={
        phase === 'working'
          ? `Reading ${links.length === 1 ? '1 link' : `${links.length} links`} and checking their signatures…`
          : `From ${links.length === 1 ? '1 link' : `${links.length} links`}${keyFiles.length > 0 ? ` and ${keyFiles.length === 1 ? '1 key file' : `${keyFiles.length} key files`}` : ''}: every rule says why, and which link artifacts it rests on.`
      }
      wide
    >
      {phase === 'working' && <p role="status">Inferring…</p>}
      {phase === 'failed' && <p role="alert">{error}</p>}
      {skipped.length > 0 && (
        <div className="infer-skipped">
          <h5>Skipped files</h5>
          <ul>
            {skipped.map((file) => (
              <li key={file.file}>
                {file.file}: {file.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {inference && (
        <>
          {inference.notes.length > 0 && (
            <ul className="infer-notes" aria-label="Notes on the links">
              {inference.notes.map((note) => (
                <li key={`${note.file ?? ''}\u0000${note.message}`} className={note.severity === 'warning' ? 'infer-note-warning' : 'infer-note-info'}>
                  {note.file ? `${note.file}: ` : ''}
                  {note.message}
                </li>
              ))}
            </ul>
          )}
          {matching.size > 0 && (
            <div className="infer-tabs" role="tablist" aria-label="Use the proposal">
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'new'}
                className={mode === 'new' ? 'editor-view-tab active' : 'editor-view-tab'}
                onClick={() => setTab('new')}
              >
                As a new layout
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={mode === 'into'}
                className={mode === 'into' ? 'editor-view-tab active' : 'editor-view-tab'}
                onClick={() => setTab('into')}
              >
                Rules for this layout's steps
              </button>
            </div>
          )}
          {mode === 'new' ? (
            <>
              <NewLayout inference={inference} />
              <div className="infer-actions">
                <button type="button" className="primary" onClick={() => void inferActions.openAsNewLayout()}>
                  Open as new layout
                </button>
              </div>
            </>
          ) : (
            <IntoLayout layout={layout} inference={inference} initial={initial} />
          )}
        </>
      )}
    </Dialog>
  )
}
