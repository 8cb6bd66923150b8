/**
 * The Verify workspace: drop a signed layout, the owner's keys, a bundle of links (files,
 * folders, archives, attestation bundles) and optionally the product files; see the triage at
 * once; verify in a worker with progress and Cancel; read the verdict on the graph.
 */
import { MatchProductsPanel } from '../match/MatchProductsPanel.tsx'
import { useDocumentStore } from '../state/document-store.ts'
import { DropZone } from './DropZone.tsx'
import { ResultView } from './ResultView.tsx'
import { TriageList } from './TriageList.tsx'
import { useVerifyStore } from './verify-store.ts'

const PHASES: Record<string, string> = {
  layout: 'Checking the layout signatures and expiry',
  links: 'Reading and checking link signatures',
  signatures: 'Checking link signatures',
  sublayouts: 'Verifying sublayouts',
  rules: 'Checking artifact rules',
  inspections: 'Running inspections',
  done: 'Finishing',
}

export default function VerifyPanel() {
  const run = useVerifyStore((state) => state.run)
  const analysis = useVerifyStore((state) => state.analysis)
  const analyzing = useVerifyStore((state) => state.analyzing)
  const useEditorLayout = useVerifyStore((state) => state.useEditorLayout)
  const parameters = useVerifyStore((state) => state.parameters)
  const { verify, cancel, setUseEditorLayout, setParameters } = useVerifyStore.getState()
  const editorSigned = useDocumentStore((state) => state.envelope !== undefined)

  return (
    <section className="workspace verify" aria-label="Verify">
      <h2 className="verify-noprint">Verify a supply chain</h2>
      <div className="verify-inputs verify-noprint">
        <div>
          <DropZone zone="layout" title="Layout" hint="The signed root layout (.layout)." fileLabel="Layout to verify" multiple={false} />
          <label className="verify-check">
            <input type="checkbox" checked={useEditorLayout} onChange={(event) => setUseEditorLayout(event.target.checked)} disabled={!editorSigned && !useEditorLayout} />
            Use the layout open in the editor{editorSigned ? '' : ' (sign it first)'}
          </label>
        </div>
        <DropZone zone="ownerKeys" title="Owner keys" hint="The project owner's public key(s): PEM or securesystemslib JSON." fileLabel="Owner public keys" />
        <DropZone
          zone="links"
          title="Links"
          hint="Link files, a folder (with sublayout subfolders), a .zip, .tar or .tar.gz, or .intoto.jsonl attestation bundles."
          fileLabel="Link files or archives"
          folderLabel="Link folder"
        />
        <DropZone
          zone="products"
          title="Product files"
          hint="Optional: the final product (e.g. the release tarball), for the inspections."
          fileLabel="Product files"
          folderLabel="Product folder"
        />
        <label className="verify-parameters">
          Substitution parameters (KEY=VALUE, one per line)
          <textarea value={parameters} rows={2} onChange={(event) => setParameters(event.target.value)} spellCheck={false} />
        </label>
      </div>
      <TriageList analysis={analysis} analyzing={analyzing} />
      <div className="verify-actions verify-noprint">
        <button type="button" className="primary verify-primary" onClick={verify} disabled={run.status === 'running'}>
          Verify
        </button>
        <button type="button" onClick={cancel} disabled={run.status !== 'running'}>
          Cancel
        </button>
        <div role="status" aria-label="Verification progress" className="verify-progress">
          {run.status === 'running' && (
            <>
              {PHASES[run.progress?.phase ?? 'layout']}
              {run.progress?.depth ? ' (sublayout)' : ''}
              {run.progress?.total ? ` — ${run.progress.done ?? 0} of ${run.progress.total}` : ''}…
              <progress max={run.progress?.total ?? undefined} value={run.progress?.total ? (run.progress.done ?? 0) : undefined} />
            </>
          )}
          {run.status === 'cancelled' && 'Verification cancelled.'}
        </div>
      </div>
      {run.status === 'failed' && (
        <p className="verify-error" role="alert">
          {run.message}
        </p>
      )}
      {run.status === 'done' && !run.result.report && (
        <p className="verify-error" role="alert">
          Nothing was verified: add a readable layout and at least one readable owner key.
        </p>
      )}
      {run.status === 'done' && <ResultView result={run.result} layoutBytes={run.layoutBytes} layoutName={run.layoutName} fromEditor={useEditorLayout} />}
      <MatchProductsPanel />
    </section>
  )
}
