import { useEffect, useId, useState } from 'react'
import type { EnvelopeFormat } from '../../core/envelope/sign.ts'
import { serializeEnvelope } from '../../core/envelope/sign.ts'
import { reportSignatures, type SignatureReport } from '../../core/envelope/verify.ts'
import type { LintFinding } from '../../core/lint/lint.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { downloadText } from '../shared/download.ts'
import { keyringPublicKeys } from './keyring-store.ts'
import { envelopeSignsLayout, lintGate, signLayout } from './signing.ts'
import { useKeyring } from './use-keyring.ts'
import { errorMessage } from '../shared/error-message.ts'
import { keyed } from '../shared/keyed.ts'

type Stage =
  | { readonly kind: 'idle' }
  | { readonly kind: 'blocked'; readonly errors: readonly LintFinding[] }
  | { readonly kind: 'confirm'; readonly warnings: readonly LintFinding[] }
  | { readonly kind: 'signing' }
  | { readonly kind: 'done'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string }

/** "Sign layout": owner keys, lint gate, metablock or DSSE, appending, download, signature report. */
export function SignSection() {
  const layout = useDocumentStore((state) => state.layout)
  const envelope = useDocumentStore((state) => state.envelope)
  const keyNames = useDocumentStore((state) => state.keyNames)
  const keys = useKeyring((state) => state.keys)
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set())
  const [format, setFormat] = useState<EnvelopeFormat>('metablock')
  const [append, setAppend] = useState(true)
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const [reports, setReports] = useState<readonly SignatureReport[]>([])
  const ids = useId()

  const signers = keys.filter((key) => key.privateKey !== undefined && chosen.has(key.id))
  const appendable = envelope !== undefined && envelope.signatures.length > 0 && envelopeSignsLayout(envelope, layout)
  const appending = appendable && append
  const empty = layout.steps.length === 0 && layout.inspect.length === 0 && layout.keys.size === 0

  useEffect(() => {
    let current = true
    setReports([])
    if (!envelope) return
    void reportSignatures(envelope, keyringPublicKeys(keys)).then((result) => {
      if (current) setReports(result)
    })
    return () => {
      current = false
    }
  }, [envelope, keys])

  const nameOf = (keyid: string) => keys.find((key) => key.id === keyid)?.label ?? keyNames.get(keyid) ?? 'unknown signer'

  const sign = async (confirmed: boolean) => {
    if (signers.length === 0) return setStage({ kind: 'error', text: 'Choose at least one owner key to sign with.' })
    const gate = lintGate(layout)
    if (gate.status === 'blocked') return setStage({ kind: 'blocked', errors: gate.errors })
    if (gate.status === 'confirm' && !confirmed) return setStage({ kind: 'confirm', warnings: gate.warnings })
    setStage({ kind: 'signing' })
    try {
      const signed = await signLayout({
        layout,
        signers: signers.flatMap((key) => (key.privateKey ? [key.privateKey] : [])),
        format,
        appendTo: appending ? envelope : undefined,
      })
      useDocumentStore.getState().setEnvelope(signed)
      const names = signers.map((key) => key.label).join(', ')
      setStage({
        kind: 'done',
        text: `${appending ? 'Added signatures by' : 'Signed by'} ${names} (${signed.format === 'dsse' ? 'DSSE' : 'metablock'}). The layout now has ${signed.signatures.length} signature${signed.signatures.length === 1 ? '' : 's'}.`,
      })
    } catch (error) {
      setStage({ kind: 'error', text: errorMessage(error) })
    }
  }

  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen)
    if (on) next.add(id)
    else next.delete(id)
    setChosen(next)
    setStage({ kind: 'idle' })
  }

  return (
    <section id="keys-sign" className="keys-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Sign layout</h3>
      {empty && <p className="keys-empty">The layout is empty: draw it, open one or start from a template in Design.</p>}
      <fieldset className="keys-fieldset">
        <legend>Owner keys</legend>
        {keys.length === 0 && <p className="keys-hint">Generate or import a private key first.</p>}
        {keys.map((key) => (
          <label key={key.id}>
            <input
              type="checkbox"
              disabled={key.privateKey === undefined}
              checked={chosen.has(key.id) && key.privateKey !== undefined}
              onChange={(event) => toggle(key.id, event.target.checked)}
            />
            Sign with {key.label} ({key.publicKey.keytype}, {key.id.slice(0, 8)}){key.privateKey ? '' : key.locked ? ' — locked' : ' — public key only'}
          </label>
        ))}
      </fieldset>
      <fieldset className="keys-fieldset" disabled={appending}>
        <legend>Envelope format</legend>
        <label>
          <input type="radio" name={`${ids}-format`} checked={format === 'metablock'} onChange={() => setFormat('metablock')} />
          Metablock (in-toto 1.x and 2.x)
        </label>
        <label>
          <input type="radio" name={`${ids}-format`} checked={format === 'dsse'} onChange={() => setFormat('dsse')} />
          DSSE (in-toto 2.x)
        </label>
      </fieldset>
      {appendable && (
        <label className="keys-row">
          <input type="checkbox" checked={append} onChange={(event) => setAppend(event.target.checked)} />
          Keep the {envelope.signatures.length} existing signature{envelope.signatures.length === 1 ? '' : 's'} and add mine ({envelope.format === 'dsse' ? 'DSSE' : 'metablock'})
        </label>
      )}
      <div className="keys-row">
        <button type="button" className="primary" disabled={stage.kind === 'signing'} onClick={() => void sign(false)}>
          Sign layout
        </button>
        {envelope && (
          <button
            type="button"
            onClick={() => {
              downloadText('root.layout', serializeEnvelope(envelope), 'application/json')
              useDocumentStore.getState().markSaved()
            }}
          >
            Download root.layout
          </button>
        )}
      </div>
      <SignStage stage={stage} onConfirm={() => void sign(true)} />
      {envelope && (
        <table className="keys-signatures">
          <caption>Signatures on the layout</caption>
          <thead>
            <tr>
              <th scope="col">Signer</th>
              <th scope="col">Keyid</th>
              <th scope="col">Signature</th>
            </tr>
          </thead>
          <tbody>
            {keyed(envelope.signatures, (signature) => signature.keyid).map(({ key, item: signature, index }) => {
              const report = reports[index]
              return (
                <tr key={key}>
                  <td>{nameOf(signature.keyid)}</td>
                  <td>
                    <code title={signature.keyid}>{signature.keyid.slice(0, 8)}</code>
                  </td>
                  <td className={report ? `keys-sig-${report.status}` : undefined}>{report ? describeReport(report) : 'checking…'}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

function describeReport(report: SignatureReport): string {
  switch (report.status) {
    case 'valid':
      return 'valid'
    case 'invalid':
      return 'INVALID: does not verify with this key'
    case 'expired':
      return `EXPIRED: ${report.message ?? 'the OpenPGP key has expired'}`
    case 'revoked':
      return `REVOKED: ${report.message ?? 'the OpenPGP key was revoked'}`
    case 'unknown-key':
      return 'not checked: key not in the keyring'
    case 'error':
      return `cannot be checked: ${report.message ?? 'unknown error'}`
  }
}

function SignStage({ stage, onConfirm }: { stage: Stage; onConfirm: () => void }) {
  switch (stage.kind) {
    case 'idle':
      return <p role="status" className="keys-status" />
    case 'signing':
      return (
        <p role="status" className="keys-status">
          Signing…
        </p>
      )
    case 'done':
      return (
        <p role="status" className="keys-status">
          {stage.text}
        </p>
      )
    case 'error':
      return (
        <p role="alert" className="keys-error">
          {stage.text}
        </p>
      )
    case 'blocked':
      return (
        <div role="alert" className="keys-error">
          <p>
            Signing refused: lint found {stage.errors.length} error{stage.errors.length === 1 ? '' : 's'} in the layout.
          </p>
          <FindingList findings={stage.errors} />
        </div>
      )
    case 'confirm':
      return (
        <div className="keys-warning" role="alert">
          <p>
            Lint found {stage.warnings.length} warning{stage.warnings.length === 1 ? '' : 's'}. Sign anyway?
          </p>
          <FindingList findings={stage.warnings} />
          <button type="button" onClick={onConfirm}>
            Sign despite {stage.warnings.length} warning{stage.warnings.length === 1 ? '' : 's'}
          </button>
        </div>
      )
  }
}

function FindingList({ findings }: { findings: readonly LintFinding[] }) {
  return (
    <ul className="keys-findings">
      {keyed(findings, (finding) => `${finding.path}:${finding.message}`).map(({ key, item: finding }) => (
        <li key={key}>
          {finding.message} <code>{finding.path}</code>
        </li>
      ))}
    </ul>
  )
}
