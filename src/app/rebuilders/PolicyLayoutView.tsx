/**
 * The in-toto layout the policy amounts to (apt-transport-in-toto's shape: a `rebuild` step
 * with threshold k over the rebuilders' keys, an inspection that MATCHes the package), its lint
 * findings and where it would count differently, and a way to open it in Design.
 */
import { useMemo } from 'react'
import { layoutJsonText } from '../../core/editor/json-text.ts'
import { lintLayout } from '../../core/lint/lint.ts'
import { layoutCaveats, policyLayout } from '../../core/rebuilders/policy-layout.ts'
import { shellStore } from '../shell/use-shell.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { confirmStore } from '../ui/confirm-store.ts'
import { useRebuilders } from './use-rebuilders.ts'

const QUIET = new Set(['unused-key', 'missing-trailing-disallow'])

export function PolicyLayoutView() {
  const policy = useRebuilders((state) => state.policy)
  const built = useMemo(() => policyLayout(policy), [policy])
  // apt-transport-in-toto's shape leaves the rebuild's materials (the sources) and the
  // inspection's products open on purpose; only what bears on the policy is shown.
  const findings = useMemo(() => lintLayout(built.layout, { operators: built.operators }).filter((finding) => !QUIET.has(finding.code)), [built])
  const caveats = layoutCaveats(policy)
  const open = async () => {
    const document = useDocumentStore.getState()
    if (document.revision !== document.savedRevision) {
      const choice = await confirmStore.getState().ask({
        title: 'Replace the layout open in Design?',
        description: 'It has changes that were not exported. Opening the policy as a layout replaces it.',
        choices: [{ id: 'replace', label: 'Replace it', danger: true }],
      })
      if (choice !== 'replace') return
    }
    const fresh = policyLayout(policy)
    // Made from the policy, which is kept on its own: replacing it later loses nothing until it is edited.
    useDocumentStore.getState().openDocument({ layout: fresh.layout, keyNames: fresh.keyNames })
    shellStore.getState().showWorkspace('design')
  }
  return (
    <section className="rebuilders-layout" aria-labelledby="rebuilders-layout-title">
      <div className="rebuilders-heading">
        <h3 id="rebuilders-layout-title">As an in-toto layout</h3>
        <button type="button" className="small" onClick={open}>
          Open the policy as a layout in Design
        </button>
      </div>
      <p className="rebuilders-muted">
        One step <code>rebuild</code> that {policy.threshold} of the rebuilders' keys must sign, whose products are the rebuilt files, and an inspection that requires the package
        to MATCH them: the shape of apt-transport-in-toto's layout. in-toto counts keys; this policy counts rebuilders.
      </p>
      {(caveats.length > 0 || findings.length > 0) && (
        <ul className="rebuilders-problems" aria-label="Layout findings">
          {caveats.map((text) => (
            <li key={text}>{text}</li>
          ))}
          {findings.map((finding) => (
            <li key={`${finding.code}:${finding.path}:${finding.message}`}>
              <span className={`pill ${finding.severity === 'error' ? 'pill-fail' : 'pill-warn'}`}>{finding.severity}</span> {finding.message}
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>Show the layout JSON</summary>
        <textarea className="rebuilders-json" aria-label="Layout JSON" readOnly rows={18} spellCheck={false} value={layoutJsonText(built.layout)} />
      </details>
    </section>
  )
}
