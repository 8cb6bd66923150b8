/**
 * Signatures of the opened file: valid / invalid / unknown key, checked against the layout's
 * own keys and any public key the reviewer loads here; and the reminder that editing a signed
 * layout voids its signatures.
 */
import { useEffect, useRef, useState } from 'react'
import type { Envelope } from '../../core/envelope/types.ts'
import { reportSignatures, type SignatureReport } from '../../core/envelope/verify.ts'
import { importPublicKey } from '../../core/keys/import.ts'
import type { PublicKey } from '../../core/keys/types.ts'
import { shortKeyid } from '../../core/editor/graph.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { errorMessage } from '../shared/error-message.ts'
import { confirmStore } from '../ui/confirm-store.ts'

const STATUS_TEXT: Record<SignatureReport['status'], string> = {
  valid: 'valid',
  invalid: 'invalid',
  expired: 'expired (the OpenPGP key is no longer valid)',
  revoked: 'revoked (the OpenPGP key was revoked)',
  'unknown-key': 'unknown (key not loaded)',
  error: 'cannot be checked',
}

/** The banner's "Edit layout…": asks, then leaves review mode so that edits go through. */
async function startEditing(signatures: number): Promise<void> {
  const answer = await confirmStore.getState().ask({
    title: 'Edit the signed layout?',
    description: `Editing drops its ${signatures === 1 ? 'signature' : `${signatures} signatures`}: it must be signed again before anyone can verify with it. Undo brings the signed layout back.`,
    choices: [{ id: 'edit', label: 'Edit and drop signatures', danger: true }],
    cancelLabel: 'Keep reviewing',
  })
  if (answer === 'edit') useDocumentStore.getState().startEditing()
}

export function SignatureStatus() {
  const envelope = useDocumentStore((s) => s.envelope)
  const layout = useDocumentStore((s) => s.layout)
  const keyNames = useDocumentStore((s) => s.keyNames)
  const voided = useDocumentStore((s) => s.signaturesVoided)
  const reviewing = useDocumentStore((s) => s.reviewing)
  const [checked, setChecked] = useState<string>()
  const [reports, setReports] = useState<SignatureReport[]>([])
  const [extraKeys, setExtraKeys] = useState<PublicKey[]>([])
  const [problem, setProblem] = useState<string>()
  // Dismissing hides the banner for this voiding only: it comes back when signatures are voided again.
  const [dismissedFor, setDismissedFor] = useState<Envelope | undefined>()
  const [lastEnvelope, setLastEnvelope] = useState<Envelope | undefined>(envelope)
  if (envelope !== undefined && envelope !== lastEnvelope) setLastEnvelope(envelope)
  const dismissed = dismissedFor !== undefined && dismissedFor === lastEnvelope
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (!envelope) return
    let cancelled = false
    const keys: PublicKey[] = [...extraKeys]
    for (const [keyid, key] of layout.keys) if (!key.gpg && key.scheme) keys.push({ keyid, keytype: key.keytype, scheme: key.scheme, public: key.public })
    void reportSignatures(envelope, keys).then((r) => !cancelled && setReports(r))
    return () => {
      cancelled = true
    }
  }, [envelope, layout, extraKeys])

  if (voided && !envelope && !dismissed) {
    return (
      <p className="editor-signatures editor-signatures-void" role="status">
        You edited a signed layout: its signatures no longer apply. Sign it again (Keys workspace), or undo to get the signed layout back.
        <button type="button" className="editor-link" onClick={() => setDismissedFor(lastEnvelope)}>
          Dismiss
        </button>
      </p>
    )
  }
  if (!envelope || envelope.signatures.length === 0) return null
  return (
    <div className="editor-signatures" role="status" aria-label="Signatures">
      <strong>Signed {envelope.format === 'dsse' ? 'DSSE envelope' : 'metablock'}:</strong>{' '}
      {reports.map((report) => (
        <span key={report.keyid} className={`editor-signature editor-signature-${report.status}`} title={report.message ?? report.keyid}>
          {keyNames.get(report.keyid) ?? shortKeyid(report.keyid)}: {STATUS_TEXT[report.status]}
        </span>
      ))}
      <span className="editor-muted">{reviewing ? ' For review: editing drops these signatures, and asks first.' : ' Any edit invalidates these signatures.'}</span>
      {reviewing && (
        <button type="button" className="small" onClick={() => void startEditing(envelope.signatures.length)}>
          Edit layout…
        </button>
      )}
      <button type="button" className="small" onClick={() => input.current?.click()}>
        Check with public key
      </button>
      <input
        ref={input}
        type="file"
        hidden
        aria-label="Public key to check signatures"
        onChange={(event) => {
          const file = event.target.files?.[0]
          event.target.value = ''
          if (!file) return
          void file.text().then((text) => {
            try {
              const key = importPublicKey(text, { file: file.name })
              const signer = envelope.signatures.some((signature) => signature.keyid === key.keyid)
              setExtraKeys((keys) => [...keys, key])
              setProblem(signer ? undefined : `${file.name} (keyid ${shortKeyid(key.keyid)}) did not sign this layout: none of its signatures is by that key.`)
              setChecked(signer ? `Checked with ${file.name}.` : undefined)
            } catch (error) {
              setProblem(errorMessage(error))
              setChecked(undefined)
            }
          })
        }}
      />
      {problem && (
        <span className="editor-field-error" role="alert">
          {problem}
        </span>
      )}
      {checked && !problem && <span className="editor-muted">{checked}</span>}
    </div>
  )
}
