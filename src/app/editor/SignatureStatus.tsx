/**
 * Signatures of the opened file: valid / invalid / unknown key, checked against the layout's
 * own keys and any public key the reviewer loads here; and the reminder that editing a signed
 * layout voids its signatures.
 */
import { useEffect, useRef, useState } from 'react'
import { reportSignatures, type SignatureReport } from '../../core/envelope/verify.ts'
import { importPublicKey } from '../../core/keys/import.ts'
import type { PublicKey } from '../../core/keys/types.ts'
import { shortKeyid } from '../../core/editor/graph.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { errorMessage } from '../shared/error-message.ts'

const STATUS_TEXT: Record<SignatureReport['status'], string> = {
  valid: 'valid',
  invalid: 'invalid',
  expired: 'expired (the OpenPGP key is no longer valid)',
  revoked: 'revoked (the OpenPGP key was revoked)',
  'unknown-key': 'unknown (key not loaded)',
  error: 'cannot be checked',
}

export function SignatureStatus() {
  const envelope = useDocumentStore((s) => s.envelope)
  const layout = useDocumentStore((s) => s.layout)
  const keyNames = useDocumentStore((s) => s.keyNames)
  const voided = useDocumentStore((s) => s.signaturesVoided)
  const [reports, setReports] = useState<SignatureReport[]>([])
  const [extraKeys, setExtraKeys] = useState<PublicKey[]>([])
  const [problem, setProblem] = useState<string>()
  const [dismissed, setDismissed] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  useEffect(() => setDismissed(false), [voided])

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
        You edited a signed layout: its signatures no longer apply. Export it and sign it again (Keys workspace).
        <button type="button" className="editor-link" onClick={() => setDismissed(true)}>
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
      <span className="editor-muted"> Any edit invalidates these signatures.</span>
      <button type="button" onClick={() => input.current?.click()}>
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
              setExtraKeys((keys) => [...keys, importPublicKey(text, { file: file.name })])
              setProblem(undefined)
            } catch (error) {
              setProblem(errorMessage(error))
            }
          })
        }}
      />
      {problem && <span className="editor-field-error">{problem}</span>}
    </div>
  )
}
