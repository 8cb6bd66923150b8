import { useId, useState, type FormEvent } from 'react'
import { exportPrivateKeyPkcs8Pem, exportPrivateKeySslibJson, exportPublicKeyJson, exportPublicKeyPem } from '../../core/keys/export.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { downloadText } from '../shared/download.ts'
import { keyFileNames } from './export-files.ts'
import { addFunctionary, stepsSignableBy } from './functionaries.ts'
import type { KeyEntry } from './keyring-store.ts'
import { keyringStore } from './use-keyring.ts'
import { errorMessage } from '../shared/error-message.ts'

/** One key of the keyring: what it is, its exports, and making it a functionary. */
export function KeyCard({ entry }: { entry: KeyEntry }) {
  const { publicKey } = entry
  const layout = useDocumentStore((state) => state.layout)
  const applyEdit = useDocumentStore((state) => state.applyEdit)
  const [exporting, setExporting] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const files = keyFileNames(entry.label)
  const inLayout = layout.keys.has(entry.id)
  const steps = inLayout ? stepsSignableBy(layout, entry.id) : []
  const ids = useId()

  const download = (fileName: string, make: () => string) => {
    setError(undefined)
    try {
      downloadText(fileName, make())
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }

  const privateState = entry.privateKey ? 'private key in memory' : entry.locked ? 'private key locked on this device' : 'public key only'

  return (
    <article className="keys-card" aria-labelledby={`${ids}-title`}>
      <h4 id={`${ids}-title`} className="keys-card-title">
        <span className="keys-visually-hidden">Key </span>
        {entry.label}
      </h4>
      <dl className="keys-facts">
        <dt>Type</dt>
        <dd>{publicKey.keytype}</dd>
        <dt>Scheme</dt>
        <dd>{publicKey.scheme}</dd>
        <dt>Keyid</dt>
        <dd>
          <output aria-label="Keyid">
            <code className="keys-keyid">{publicKey.keyid}</code>
          </output>
        </dd>
        <dt>Link files</dt>
        <dd>
          <output aria-label="Keyid prefix">
            <code>{publicKey.keyid.slice(0, 8)}</code>
          </output>{' '}
          (<code>STEP.{publicKey.keyid.slice(0, 8)}.link</code>)
        </dd>
        <dt>Holds</dt>
        <dd>
          {privateState}
          {entry.remembered ? ', remembered on this device' : ''}
        </dd>
        {inLayout && (
          <>
            <dt>In the layout</dt>
            <dd>{steps.length > 0 ? `functionary; may sign ${steps.join(', ')}` : 'functionary; no step authorizes it yet'}</dd>
          </>
        )}
      </dl>
      <div className="keys-actions">
        <button type="button" onClick={() => download(files.publicPem, () => exportPublicKeyPem(publicKey))}>
          Download public key (PEM)
        </button>
        <button type="button" onClick={() => download(files.publicSslib, () => exportPublicKeyJson(publicKey))}>
          Download public key (securesystemslib JSON)
        </button>
        {entry.privateKey?.exportPkcs8 && (
          <button type="button" aria-expanded={exporting} onClick={() => setExporting(!exporting)}>
            Export private key…
          </button>
        )}
        {!inLayout && (
          <button type="button" onClick={() => applyEdit(`Add functionary ${entry.label}`, (current, names) => addFunctionary(current, names, publicKey, entry.label))}>
            Add as functionary
          </button>
        )}
        <button
          type="button"
          onClick={() =>
            void keyringStore
              .getState()
              .remove(entry.id)
              .catch((caught: unknown) => setError(errorMessage(caught)))
          }
        >
          Remove key
        </button>
      </div>
      {exporting && entry.privateKey && <PrivateExportForm entry={entry} onDone={() => setExporting(false)} />}
      {error && (
        <p role="alert" className="keys-error">
          {error}
        </p>
      )}
    </article>
  )
}

/** Private key export: encrypted PKCS#8 by default; unencrypted only when asked for explicitly. */
function PrivateExportForm({ entry, onDone }: { entry: KeyEntry; onDone: () => void }) {
  const [format, setFormat] = useState<'pkcs8' | 'sslib'>('pkcs8')
  const [password, setPassword] = useState('')
  const [repeat, setRepeat] = useState('')
  const [unencrypted, setUnencrypted] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>()
  const files = keyFileNames(entry.label)
  const sslibPossible = entry.publicKey.keytype !== 'rsa'

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const key = entry.privateKey
    if (!key) return
    if (!unencrypted && password === '') return setError('Enter a password, or choose to export without one.')
    if (!unencrypted && password !== repeat) return setError('The two passwords differ.')
    setBusy(true)
    setError(undefined)
    try {
      const secret = unencrypted ? undefined : password
      const text = format === 'pkcs8' ? await exportPrivateKeyPkcs8Pem(key, secret) : await exportPrivateKeySslibJson(key, secret)
      downloadText(format === 'pkcs8' ? files.privatePem : files.privateSslib, text)
      setPassword('')
      setRepeat('')
      onDone()
    } catch (caught) {
      setError(errorMessage(caught))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="keys-form keys-export" onSubmit={(event) => void submit(event)} aria-label={`Export the private key ${entry.label}`}>
      <fieldset>
        <legend>Format</legend>
        <label>
          <input type="radio" name={`format-${entry.id}`} checked={format === 'pkcs8'} onChange={() => setFormat('pkcs8')} />
          PKCS#8 PEM (in-toto 2.x <code>--signing-key</code>, openssl, in-toto 1.x for RSA)
        </label>
        <label>
          <input type="radio" name={`format-${entry.id}`} checked={format === 'sslib'} disabled={!sslibPossible} onChange={() => setFormat('sslib')} />
          securesystemslib JSON (in-toto 1.x <code>-t {entry.publicKey.keytype}</code>)
        </label>
      </fieldset>
      <label>
        Export password
        <input type="password" value={password} disabled={unencrypted} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
      </label>
      <label>
        Repeat the export password
        <input type="password" value={repeat} disabled={unencrypted} onChange={(event) => setRepeat(event.target.value)} autoComplete="new-password" />
      </label>
      <label>
        <input type="checkbox" checked={unencrypted} onChange={(event) => setUnencrypted(event.target.checked)} />
        Export without a password (anyone with the file can sign as this key)
      </label>
      <button type="submit" disabled={busy}>
        {busy ? 'Encrypting…' : 'Download private key'}
      </button>
      {error && (
        <p role="alert" className="keys-error">
          {error}
        </p>
      )}
    </form>
  )
}
