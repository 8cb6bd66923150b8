import { useId, useState } from 'react'
import { useDocumentStore } from '../state/document-store.ts'
import { rotateFunctionary, stepsSignableBy } from './functionaries.ts'
import type { KeyEntry } from './keyring-store.ts'
import { useKeyring } from './use-keyring.ts'
import { errorMessage } from '../shared/error-message.ts'

/** The layout's functionary keys: who they are, what they may sign, and rotating one. */
export function FunctionariesSection() {
  const layout = useDocumentStore((state) => state.layout)
  const keyNames = useDocumentStore((state) => state.keyNames)
  const keys = useKeyring((state) => state.keys)
  const ids = useId()
  const nameOf = (keyid: string) => keyNames.get(keyid) ?? keys.find((key) => key.id === keyid)?.label ?? `unnamed ${keyid.slice(0, 8)}`

  return (
    <section className="keys-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Functionaries</h3>
      {layout.keys.size === 0 ? (
        <p className="keys-empty">The layout authorizes no keys yet. Use "Add as functionary" on a key above.</p>
      ) : (
        <ul className="keys-functionaries">
          {[...layout.keys].map(([keyid, key]) => (
            <Functionary
              key={keyid}
              keyid={keyid}
              keytype={key.keytype}
              name={nameOf(keyid)}
              steps={stepsSignableBy(layout, keyid)}
              candidates={keys.filter((entry) => entry.id !== keyid)}
            />
          ))}
        </ul>
      )}
    </section>
  )
}

function Functionary({ keyid, keytype, name, steps, candidates }: { keyid: string; keytype: string; name: string; steps: string[]; candidates: readonly KeyEntry[] }) {
  const applyEdit = useDocumentStore((state) => state.applyEdit)
  const [replacement, setReplacement] = useState('')
  const [error, setError] = useState<string | undefined>()
  const ids = useId()

  const rotate = () => {
    const entry = candidates.find((candidate) => candidate.id === replacement)
    if (!entry) return
    try {
      applyEdit(`Rotate ${name}'s key`, (layout, names) => rotateFunctionary(layout, names, keyid, entry.publicKey))
      setReplacement('')
      setError(undefined)
    } catch (caught) {
      setError(errorMessage(caught))
    }
  }

  return (
    <li className="keys-functionary" aria-labelledby={`${ids}-name`}>
      <strong id={`${ids}-name`}>
        <span className="keys-visually-hidden">Functionary </span>
        {name}
      </strong>{' '}
      <span className="keys-muted">
        {keytype}, <code>{keyid}</code>
      </span>
      <p>{steps.length > 0 ? `May sign: ${steps.join(', ')}` : 'No step authorizes this key yet.'}</p>
      <div className="keys-row">
        <label>
          Replace {name}'s key with
          <select value={replacement} onChange={(event) => setReplacement(event.target.value)}>
            <option value="">choose a key from the keyring</option>
            {candidates.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.label} ({entry.publicKey.keytype}, {entry.id.slice(0, 8)})
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={replacement === ''} onClick={rotate}>
          Rotate key
        </button>
      </div>
      {error && (
        <p role="alert" className="keys-error">
          {error}
        </p>
      )}
    </li>
  )
}
