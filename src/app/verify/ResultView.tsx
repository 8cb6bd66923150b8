/**
 * The verdict: the one-sentence explanation at the top, the layout graph coloured by result,
 * each step's links and threshold, inspections and how they were run, the rule trace of the
 * selected step, the report download and a printable summary.
 */
import { actions } from '../editor/actions.ts'
import { shellStore } from '../shell/use-shell.ts'
import { useEffect, useMemo, useState } from 'react'
import type { Point } from '../../core/editor/auto-layout.ts'
import LayoutGraph from '../editor/graph/LayoutGraph.tsx'
import { useEditorUi } from '../editor/ui-store.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { failingRule, graphStatus, headline, inspectionHow, inspectionState, stepState, thresholdLabel } from './present.ts'
import type { ThresholdDisagreement } from '../../core/verify/report.ts'
import type { ReportSummary, VerificationSummary } from './protocol.ts'
import { readLayoutEnvelope } from './result-graph.ts'
import { RuleTrace } from './RuleTrace.tsx'
import { TamperPanel } from '../tamper/TamperPanel.tsx'
import { useVerifyStore, type TraceState } from './verify-store.ts'
import { keyed } from '../shared/keyed.ts'

interface ResultViewProps {
  result: VerificationSummary
  layoutBytes: Uint8Array
  layoutName: string
  fromEditor: boolean
}

export function ResultView({ result, layoutBytes, layoutName, fromEditor }: ResultViewProps) {
  const selected = useVerifyStore((state) => state.selected)
  const select = useVerifyStore((state) => state.select)
  const trace = useVerifyStore((state) => state.trace)
  const downloadProblem = useVerifyStore((state) => state.downloadProblem)
  const downloadReport = useVerifyStore((state) => state.downloadReport)
  const report = result.report
  // The layout as the worker parsed it, or (when cloning would have changed it) parsed here.
  const layout = useMemo(() => result.graph?.layout ?? readLayoutEnvelope(layoutBytes, layoutName)?.layout, [result, layoutBytes, layoutName])
  // Laid out by the worker; nodes the person drags keep their place until the next verification.
  const [moved, setMoved] = useState<{ result: VerificationSummary; positions: ReadonlyMap<string, Point> }>()
  const positions = moved?.result === result ? moved.positions : result.graph?.positions
  const status = useMemo(() => (report ? graphStatus(report) : undefined), [report])
  const graphShown = useAfterFirstPaint()
  if (!report) return null
  const head = headline(report)
  const weakKeys = report.warnings.filter((warning) => warning.kind === 'weak-key')
  const rule = failingRule(report)
  const selectedStep = report.steps.find((step) => step.name === selected)
  const selectedInspection = report.inspections.find((inspection) => inspection.name === selected)

  const showRule = () => {
    const path = report.failure?.path
    // The editor takes the envelope too (for its signatures): read it only now.
    const opened = fromEditor ? undefined : readLayoutEnvelope(layoutBytes, layoutName)
    if (!path || (!fromEditor && !opened)) return
    if (opened) {
      void actions.mayReplaceDocument(`Opening ${layoutName} at this rule`).then((go) => {
        if (!go) return
        useDocumentStore.getState().openDocument(opened)
        useEditorUi.getState().revealPath(path)
        shellStore.getState().showWorkspace('design')
      })
      return
    }
    useEditorUi.getState().revealPath(path)
    shellStore.getState().showWorkspace('design')
  }

  return (
    <section className="verify-result" aria-labelledby="verify-result-title">
      <div className={`verify-verdict verify-verdict-${head.tone}`} role="status" aria-live="polite">
        <h3 id="verify-result-title">{head.title}</h3>
        <p className="verify-sentence">{head.sentence}</p>
        {report.failure && (
          <p className="verify-hint">
            Stage: {report.failure.stage} ({report.failure.errorType}){report.failure.file && <> · file {report.failure.file}</>}
            {report.failure.path && (
              <>
                {' '}
                · <code>{report.failure.path}</code>{' '}
                {layout && (
                  <button type="button" className="verify-link-button verify-noprint" onClick={showRule}>
                    {fromEditor ? 'Show this rule in the JSON view' : 'Open the layout in the editor at this rule'}
                  </button>
                )}
              </>
            )}
          </p>
        )}
      </div>
      {weakKeys.length > 0 && (
        <section className="verify-weak-keys" role="alert" aria-label="Weak keys">
          <h4>Weak keys: the verdict is the reference's, but what these keys sign proves nothing</h4>
          <ul>
            {weakKeys.map((warning) => (
              <li key={warning.keyid ?? warning.message}>{warning.message}</li>
            ))}
          </ul>
        </section>
      )}
      {report.failure?.disagreement && <Disagreement disagreement={report.failure.disagreement} />}
      <div className="verify-actions verify-noprint">
        <button type="button" onClick={downloadReport}>
          Download report (JSON)
        </button>
        <button type="button" onClick={() => window.print()}>
          Print summary
        </button>
      </div>
      {downloadProblem && (
        <p className="verify-error verify-noprint" role="alert">
          The report could not be saved: {downloadProblem}
        </p>
      )}
      {layout && status && (
        <section className="verify-graph verify-noprint" aria-label="Layout graph with results">
          {graphShown && (
            <LayoutGraph
              layout={layout}
              readOnly
              status={status}
              highlightRule={rule}
              selected={selected}
              onSelect={select}
              positions={positions}
              onPositionsChange={(next) => setMoved({ result, positions: next })}
            />
          )}
        </section>
      )}
      <StepTable report={report} selected={selected} onSelect={select} />
      {report.inspections.length > 0 && <InspectionTable report={report} selected={selected} onSelect={select} />}
      {report.warnings.length > 0 && (
        <section aria-label="Warnings">
          <h4>Warnings</h4>
          <ul className="verify-warnings">
            {keyed(report.warnings, (warning) => warning.message).map(({ key, item: warning }) => (
              <li key={key}>{warning.message}</li>
            ))}
          </ul>
        </section>
      )}
      {selected && (selectedStep || selectedInspection) && (
        <section className="verify-selected verify-noprint" aria-label={`Rule trace of ${selected}`}>
          <h4>Rule trace: {selected}</h4>
          {selectedStep?.links.length ? (
            <ul className="verify-links">
              {selectedStep.links.map((link) => (
                <li key={link.file}>
                  <span className="verify-path">{link.file}</span> — {link.status}
                  {link.message ? `: ${link.message}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
          {selectedInspection?.message && <p className="verify-hint">{selectedInspection.message}</p>}
          <SelectedTrace item={selected} trace={trace} />
        </section>
      )}
      <TamperPanel report={report} refusal={result.simulationRefusal} hasProducts={result.analysis.products.length > 0} />
      <p className="verify-hint verify-print-only">
        Layout {report.layout.file ?? layoutName} · expires {report.layout.expires ?? 'unknown'} · verified for {report.verifiedAt} · owner keys{' '}
        {report.layout.signatures.map((signature) => `${signature.keyid.slice(0, 8)} (${signature.status})`).join(', ')}
      </p>
    </section>
  )
}

/**
 * False until the first frame of the result has been painted: the verdict shows at once, and
 * the graph (whose first drawing takes React Flow a few hundred milliseconds for a layout of
 * 50 steps) comes in the next frame.
 */
function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(true))
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [])
  return painted
}

/** The rule trace of the selected item, once the worker has sent it. */
function SelectedTrace({ item, trace }: { item: string; trace: TraceState | undefined }) {
  if (trace?.item !== item || trace.status === 'loading') return <p className="verify-hint">Reading the rule trace…</p>
  if (trace.status === 'failed') return <p className="verify-error">The rule trace could not be read: {trace.message}</p>
  return <RuleTrace item={item} lists={[trace.trace.materials, trace.trace.products]} matches={trace.trace.matches} />
}

interface TableProps {
  report: ReportSummary
  selected: string | undefined
  onSelect(name: string): void
}

function StepTable({ report, selected, onSelect }: TableProps) {
  return (
    <table className="verify-table verify-steps" aria-label="Steps">
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Result</th>
          <th scope="col">Threshold</th>
          <th scope="col">Link files</th>
        </tr>
      </thead>
      <tbody>
        {report.steps.map((step) => {
          const state = stepState(step, report)
          return (
            <tr key={step.name} className={`verify-state-${state}`} aria-selected={selected === step.name}>
              <td>
                <button type="button" className="verify-link-button" aria-label={`Show rule trace of step ${step.name}`} onClick={() => onSelect(step.name)}>
                  {step.name}
                </button>
              </td>
              <td>
                <span className={`verify-badge verify-badge-${state}`}>{state}</span>
              </td>
              <td>{thresholdLabel(step)}</td>
              <td>
                {step.links.map((link) => `${link.file} (${link.status})`).join(', ') || 'none'}
                {step.sublayout && ` · sublayout: ${step.sublayout.verdict}${step.sublayout.failure ? ` — ${step.sublayout.failure.message}` : ''}`}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

function InspectionTable({ report, selected, onSelect }: TableProps) {
  return (
    <table className="verify-table verify-inspections" aria-label="Inspections">
      <thead>
        <tr>
          <th scope="col">Inspection</th>
          <th scope="col">Result</th>
          <th scope="col">How</th>
          <th scope="col">Command</th>
        </tr>
      </thead>
      <tbody>
        {report.inspections.map((inspection) => {
          const state = inspectionState(inspection, report)
          return (
            <tr key={inspection.name} className={`verify-state-${state}`} aria-selected={selected === inspection.name}>
              <td>
                <button type="button" className="verify-link-button" aria-label={`Show rule trace of inspection ${inspection.name}`} onClick={() => onSelect(inspection.name)}>
                  {inspection.name}
                </button>
              </td>
              <td>
                <span className={`verify-badge verify-badge-${state}`}>{state}</span>
              </td>
              <td>
                {inspectionHow(inspection)}
                {inspection.status === 'not-run' && inspection.message && <div className="verify-hint">{inspection.message}</div>}
              </td>
              <td>
                <code>{inspection.run.join(' ')}</code>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** The links of a threshold step that disagree, side by side: every artifact they record differently, with both hashes. */
function Disagreement({ disagreement }: { disagreement: ThresholdDisagreement }) {
  const [first, second] = disagreement.files
  const cell = (hash: string | undefined) => (hash === undefined ? <em>not recorded</em> : <code title={hash}>{hash.split(' ')[0]}</code>)
  return (
    <table className="verify-table verify-disagreement">
      <caption>
        {disagreement.side === 'materials' ? 'Materials' : 'Products'} the links record differently ({disagreement.artifacts.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Artifact</th>
          <th scope="col">{first}</th>
          <th scope="col">{second}</th>
        </tr>
      </thead>
      <tbody>
        {disagreement.artifacts.slice(0, 200).map((row) => (
          <tr key={row.path}>
            <th scope="row">
              <code>{row.path}</code>
            </th>
            <td>{cell(row.first)}</td>
            <td>{cell(row.second)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
