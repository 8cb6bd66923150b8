/**
 * "Simulate tampering", below a verification's result: change a digest a link recorded,
 * remove or add an artifact, replace, remove or add a product file, and see which rule of the
 * layout now fails and why — the verifier's rules and sentences, run again in the
 * verification's worker over the links it chose. Marked as a simulation throughout: nothing is
 * signed, no signature is checked, the verdict above stands.
 */
import { type DragEvent, useEffect, useId, useState } from 'react'
import type { ArtifactKind } from '../../core/rules/types.ts'
import type { DigestList, InspectionSummary, ReportSummary, SimulationSummary, StepSummary, TamperTarget } from '../verify/protocol.ts'
import { RuleTrace } from '../verify/RuleTrace.tsx'
import { describeEdit, sameTarget, type TamperEntry } from './tamper-store.ts'
import { sha256Of, tamperStore, useTamper } from './use-tamper.ts'
import './tamper.css'

interface TamperPanelProps {
  /** The verification on display. */
  readonly report: ReportSummary
  /** Why it cannot be simulated, if it cannot. */
  readonly refusal: string | undefined
  /** Whether the verification had product files (or inspections run over them). */
  readonly hasProducts: boolean
}

interface TargetOption {
  readonly target: TamperTarget
  readonly label: string
}

export function TamperPanel({ report, refusal, hasProducts }: TamperPanelProps) {
  const target = useTamper((state) => state.target)
  const problem = useTamper((state) => state.problem)
  const hashing = useTamper((state) => state.hashing)
  const options = targetOptions(report, hasProducts)
  const { setTarget } = tamperStore.getState()
  const first = options[0]?.target
  useEffect(() => {
    if (refusal === undefined && tamperStore.getState().target === undefined && first) tamperStore.getState().setTarget(first)
  }, [refusal, first])
  const selectedIndex = options.findIndex((option) => sameTarget(option.target, target))

  return (
    <section className="tamper verify-noprint" aria-labelledby="tamper-title">
      <div className="tamper-head">
        <h4 id="tamper-title">Simulate tampering</h4>
        <span className="pill pill-warn">simulation, not a verdict</span>
      </div>
      <p className="verify-hint">
        Change what a link recorded, or a product file, and the layout's rules run again over the links this verification chose: the quickest way to see what the layout protects.
        Nothing is signed and no signature is checked — an edited link counts as signed by its functionary, which is what a stolen key or a compromised build machine allows. The
        verification above does not change.
      </p>
      {refusal !== undefined ? (
        <p className="verify-hint">Not available for this verification: {refusal}.</p>
      ) : (
        <>
          <label className="tamper-target">
            Artifacts to change
            <select value={selectedIndex < 0 ? '' : String(selectedIndex)} onChange={(event) => setTarget(options[Number(event.target.value)]?.target)}>
              {options.map((option, index) => (
                <option key={option.label} value={String(index)}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          {target && <ArtifactEditor target={target} label={options[selectedIndex]?.label ?? ''} />}
          {hashing && (
            <p className="verify-hint" role="status">
              Hashing the file for {hashing}…
            </p>
          )}
          {problem && (
            <p className="verify-error" role="alert">
              {problem}
            </p>
          )}
          <EditList />
          <SimulationResult report={report} />
        </>
      )}
    </section>
  )
}

/** The links a person may edit: every step's, and the signed inspection links; then the product files. */
function targetOptions(report: ReportSummary, hasProducts: boolean): TargetOption[] {
  const options: TargetOption[] = []
  const lists: readonly ArtifactKind[] = ['products', 'materials']
  for (const step of report.steps) for (const list of lists) options.push({ target: { kind: 'link', item: step.name, list }, label: `Step ${step.name}: ${list} (its link)` })
  for (const inspection of report.inspections) {
    if (inspection.how !== 'prerecorded') continue
    for (const list of lists) options.push({ target: { kind: 'link', item: inspection.name, list }, label: `Inspection ${inspection.name}: ${list} (its signed link)` })
  }
  if (hasProducts || report.inspections.some((inspection) => inspection.how === 'emulated')) {
    options.push({ target: { kind: 'products' }, label: "Product files (the inspections' working directory)" })
  }
  return options
}

function ArtifactEditor({ target, label }: { target: TamperTarget; label: string }) {
  const artifacts = useTamper((state) => state.artifacts)
  const filter = useTamper((state) => state.filter)
  const edits = useTamper((state) => state.edits)
  const { setFilter } = tamperStore.getState()
  const [editing, setEditing] = useState<string>()
  const products = target.kind === 'products'
  const edited = new Set(edits.filter((entry) => targetOf(entry) !== undefined && sameTarget(targetOf(entry), target)).map((entry) => entry.edit.path))
  const page = artifacts?.status === 'ready' ? artifacts.page : undefined
  const name = products ? 'product files' : `${target.item}'s ${target.list}`

  return (
    <div className="tamper-editor">
      <div className="tamper-filter">
        <input type="search" aria-label={`Filter the ${name} by path`} placeholder="Filter by path" value={filter} onChange={(event) => setFilter(event.target.value)} />
        {page && (
          <span className="verify-hint">
            {page.matching === page.total ? `${page.total} artifact${page.total === 1 ? '' : 's'}` : `${page.matching} of ${page.total} match`}
            {page.entries.length < page.matching ? `, first ${page.entries.length} shown` : ''}
          </span>
        )}
      </div>
      {artifacts?.status === 'loading' && <p className="verify-hint">Reading the artifacts…</p>}
      {artifacts?.status === 'failed' && (
        <p className="verify-error" role="alert">
          The artifacts could not be read: {artifacts.message}
        </p>
      )}
      {page && (
        <table className="verify-table tamper-artifacts" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Digest</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {page.entries.length === 0 && (
              <tr>
                <td colSpan={3}>
                  <em>{page.total === 0 ? 'none' : 'no path matches the filter'}</em>
                </td>
              </tr>
            )}
            {page.entries.map(([path, digests]) =>
              products ? (
                <ProductRow key={path} path={path} digests={digests} edited={edited.has(path)} />
              ) : (
                <LinkRow
                  key={path}
                  target={target}
                  path={path}
                  digests={digests}
                  edited={edited.has(path)}
                  editing={editing === path}
                  onEdit={(open) => setEditing(open ? path : undefined)}
                />
              ),
            )}
          </tbody>
        </table>
      )}
      {target.kind === 'link' ? <AddArtifact target={target} /> : <AddProduct />}
    </div>
  )
}

function LinkRow(props: { target: Extract<TamperTarget, { kind: 'link' }>; path: string; digests: DigestList; edited: boolean; editing: boolean; onEdit(open: boolean): void }) {
  const { target, path, digests, edited, editing, onEdit } = props
  const { editLink } = tamperStore.getState()
  const algorithm = digests[0]?.[0] ?? 'sha256'
  const [value, setValue] = useState('')
  const inputId = useId()
  return (
    <>
      <tr className={edited ? 'tamper-edited' : undefined}>
        <td className="verify-path">
          {path}
          {edited && <span className="pill pill-warn tamper-mark">edited</span>}
        </td>
        <td className="verify-hash">{formatDigests(digests)}</td>
        <td className="tamper-actions">
          <button
            type="button"
            className="small"
            aria-label={`Change the digest of ${path}`}
            onClick={() => {
              setValue(otherDigest(digests[0]?.[1] ?? ''))
              onEdit(!editing)
            }}
          >
            Change digest
          </button>
          <button
            type="button"
            className="small"
            aria-label={`Remove ${path}`}
            onClick={() => editLink({ on: 'link', action: 'remove', item: target.item, list: target.list, path })}
          >
            Remove
          </button>
        </td>
      </tr>
      {editing && (
        <tr className="tamper-edit-row">
          <td colSpan={3}>
            <form
              className="tamper-inline"
              onSubmit={(event) => {
                event.preventDefault()
                editLink({ on: 'link', action: 'change', item: target.item, list: target.list, path, hashes: new Map([[algorithm, value.trim()]]) })
                onEdit(false)
              }}
            >
              <label htmlFor={inputId}>
                New {algorithm} of {path}
              </label>
              <input id={inputId} className="verify-hash" value={value} onChange={(event) => setValue(event.target.value)} spellCheck={false} />
              <button type="submit" className="small primary">
                Apply the change
              </button>
              <button type="button" className="small ghost" onClick={() => onEdit(false)}>
                Cancel
              </button>
            </form>
          </td>
        </tr>
      )}
    </>
  )
}

function ProductRow({ path, digests, edited }: { path: string; digests: DigestList; edited: boolean }) {
  const { putProduct, removeProduct } = tamperStore.getState()
  const [over, setOver] = useState(false)
  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const file = event.dataTransfer.files[0]
    if (file) putProduct('change', path, file, file.name)
  }
  return (
    <tr
      className={[edited ? 'tamper-edited' : '', over ? 'tamper-over' : ''].join(' ').trim() || undefined}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <td className="verify-path">
        {path}
        {edited && <span className="pill pill-warn tamper-mark">edited</span>}
      </td>
      <td className="verify-hash">{formatDigests(digests)}</td>
      <td className="tamper-actions">
        <label className="verify-pick tamper-pick">
          Replace with a file…
          <input
            type="file"
            aria-label={`Replace the product file ${path} with a file`}
            onChange={(event) => {
              const file = event.target.files?.[0]
              if (file) putProduct('change', path, file, file.name)
              event.target.value = ''
            }}
          />
        </label>
        <button type="button" className="small" aria-label={`Remove the product file ${path}`} onClick={() => removeProduct(path)}>
          Remove
        </button>
      </td>
    </tr>
  )
}

function AddArtifact({ target }: { target: Extract<TamperTarget, { kind: 'link' }> }) {
  const { editLink } = tamperStore.getState()
  const [path, setPath] = useState('')
  const [digest, setDigest] = useState('')
  const [hashProblem, setHashProblem] = useState<string>()
  const where = `${target.item}'s ${target.list}`
  return (
    <form
      className="tamper-add"
      aria-label={`Add an artifact to ${where}`}
      onSubmit={(event) => {
        event.preventDefault()
        editLink({ on: 'link', action: 'add', item: target.item, list: target.list, path: path.trim(), hashes: new Map([['sha256', digest.trim()]]) })
        setPath('')
        setDigest('')
      }}
    >
      <label>
        Path of the added artifact
        <input value={path} onChange={(event) => setPath(event.target.value)} spellCheck={false} />
      </label>
      <label>
        Its sha256
        <input className="verify-hash" value={digest} onChange={(event) => setDigest(event.target.value)} spellCheck={false} />
      </label>
      <label className="verify-pick tamper-pick">
        Hash a file…
        <input
          type="file"
          aria-label="Hash a file for the added artifact"
          onChange={(event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (!file) return
            setHashProblem(undefined)
            if (path.trim() === '') setPath(file.name)
            sha256Of(file).then(setDigest, (error: unknown) => setHashProblem(`${file.name} could not be hashed: ${String(error)}`))
          }}
        />
      </label>
      <button type="submit" className="small" disabled={path.trim() === '' || digest.trim() === ''}>
        Add the artifact
      </button>
      {hashProblem && (
        <span className="verify-error" role="alert">
          {hashProblem}
        </span>
      )}
    </form>
  )
}

function AddProduct() {
  const { putProduct } = tamperStore.getState()
  const [path, setPath] = useState('')
  return (
    <div className="tamper-add">
      <label>
        Path of the added product file (default: the file's name)
        <input value={path} onChange={(event) => setPath(event.target.value)} spellCheck={false} />
      </label>
      <label className="verify-pick tamper-pick">
        Add a product file…
        <input
          type="file"
          aria-label="Add a product file"
          onChange={(event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (!file) return
            putProduct('add', path.trim() || file.name, file, file.name)
            setPath('')
          }}
        />
      </label>
    </div>
  )
}

function EditList() {
  const edits = useTamper((state) => state.edits)
  const { undo, reset } = tamperStore.getState()
  if (edits.length === 0) return <p className="verify-hint">No edits yet: the rules say what the verification said.</p>
  return (
    <section className="tamper-edits" aria-label="Simulated edits">
      <ol>
        {edits.map((entry, index) => (
          <li key={entry.id}>
            {describeEdit(entry)}{' '}
            <button type="button" className="link" aria-label={`Undo edit ${index + 1}`} onClick={() => undo(index)}>
              Undo
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={reset}>
        Reset the simulation
      </button>
    </section>
  )
}

function SimulationResult({ report }: { report: ReportSummary }) {
  const run = useTamper((state) => state.run)
  const selected = useTamper((state) => state.selected)
  const trace = useTamper((state) => state.trace)
  const { select } = tamperStore.getState()
  if (run.status === 'idle') return null
  if (run.status === 'running')
    return (
      <p className="verify-hint" role="status">
        Running the rules again with the edits…
      </p>
    )
  if (run.status === 'failed')
    return (
      <p className="verify-error" role="alert">
        The simulation could not run: {run.message}
      </p>
    )
  const { summary } = run
  const head = simulationHeadline(summary)
  const changes = changedItems(report, summary)
  return (
    <section className={`tamper-result tamper-result-${summary.outcome}`} aria-label="Simulation result">
      <div role="status">
        <h5>
          <span className="pill pill-warn">simulated</span> {head.title}
        </h5>
        <p className="verify-sentence">{head.sentence}</p>
        {summary.failure?.path && (
          <p className="verify-hint">
            Stage: {summary.failure.stage} ({summary.failure.errorType}) · <code>{summary.failure.path}</code>
          </p>
        )}
      </div>
      {changes.length > 0 && (
        <ul className="tamper-changes" aria-label="Results that change">
          {changes.map((change) => (
            <li key={change.name}>
              <button type="button" className="link" aria-label={`Show the simulated rule trace of ${change.name}`} onClick={() => select(change.name)}>
                {change.name}
              </button>
              : verified {change.before}, simulated <span className={`verify-badge verify-badge-${change.after}`}>{change.after}</span>
              {summary.unreached.includes(change.name) && <span className="verify-hint"> (a verification would stop before it)</span>}
            </li>
          ))}
        </ul>
      )}
      {selected && (
        <section className="verify-selected" aria-label={`Simulated rule trace of ${selected}`}>
          <h5>Simulated rule trace: {selected}</h5>
          {trace?.item !== selected || trace.status === 'loading' ? (
            <p className="verify-hint">Reading the rule trace…</p>
          ) : trace.status === 'failed' ? (
            <p className="verify-error">The rule trace could not be read: {trace.message}</p>
          ) : (
            <RuleTrace item={selected} lists={[trace.trace.materials, trace.trace.products]} matches={trace.trace.matches} />
          )}
        </section>
      )}
    </section>
  )
}

function simulationHeadline(summary: SimulationSummary): { title: string; sentence: string } {
  if (summary.outcome === 'fail') return { title: 'Verification would fail', sentence: summary.failure?.message ?? 'A rule fails.' }
  if (summary.outcome === 'incomplete') {
    const names = summary.inspections.filter((inspection) => inspection.status === 'not-run').map((inspection) => `'${inspection.name}'`)
    return {
      title: 'The rules pass, but not everything could run',
      sentence:
        names.length > 0
          ? `Inspection ${names.join(', ')} could not run here: ${summary.inspections.find((i) => i.status === 'not-run')?.message ?? ''}`
          : 'An inspection could not run here.',
    }
  }
  return { title: 'The rules still pass', sentence: 'No rule of the layout catches these edits: the layout does not protect against them.' }
}

type Status = StepSummary['status'] | InspectionSummary['status']

/** Items whose simulated result differs from the verification's, and those that fail. */
function changedItems(report: ReportSummary, summary: SimulationSummary): { name: string; before: Status; after: Status }[] {
  const before = new Map<string, Status>([...report.steps, ...report.inspections].map((item) => [item.name, item.status]))
  return [...summary.steps, ...summary.inspections]
    .map((item) => ({ name: item.name, before: before.get(item.name) ?? 'not-reached', after: item.status }))
    .filter((item) => item.before !== item.after || item.after === 'fail')
}

function targetOf(entry: TamperEntry): TamperTarget | undefined {
  const { edit } = entry
  return edit.on === 'products' ? { kind: 'products' } : { kind: 'link', item: edit.item, list: edit.list }
}

function formatDigests(digests: DigestList): string {
  return digests.map(([algorithm, digest]) => `${algorithm} ${digest}`).join(', ')
}

/**
 * A digest of the same length that differs in its first hex digit: a change a person can apply
 * at once, and one that shows where digests are shortened to their first characters.
 */
function otherDigest(digest: string): string {
  if (digest === '') return ''
  return (digest[0]?.toLowerCase() === '0' ? '1' : '0') + digest.slice(1)
}
