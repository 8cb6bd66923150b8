import { useId, useState, type DragEvent, type FormEvent } from 'react'
import { PasswordRequiredError } from '../../core/keys/import.ts'
import type { KeyAlgorithm } from '../../core/keys/types.ts'
import { KeyCard } from './KeyCard.tsx'
import { TaskStatus, useTask } from './task.tsx'
import { keyringStore, useKeyring } from './use-keyring.ts'
import { focusOnMount } from '../shared/focus.ts'

const ALGORITHMS: readonly { value: KeyAlgorithm; label: string }[] = [
  { value: 'ed25519', label: 'ed25519' },
  { value: 'ecdsa', label: 'ECDSA P-256' },
  { value: 'rsa', label: 'RSA 3072' },
]

/** An import waiting for the person to type the key's password. */
interface PendingImport {
  readonly input: string | Uint8Array
  readonly file: string | undefined
  readonly label: string
}

export function KeyringSection() {
  const keys = useKeyring((state) => state.keys)
  const [algorithm, setAlgorithm] = useState<KeyAlgorithm>('ed25519')
  const [generateName, setGenerateName] = useState('')
  const { busy, notice, setNotice, run } = useTask()
  const [pasted, setPasted] = useState('')
  const [importName, setImportName] = useState('')
  const [pending, setPending] = useState<PendingImport | undefined>()
  const [password, setPassword] = useState('')
  const [dragging, setDragging] = useState(false)
  const ids = useId()

  const generate = (event: FormEvent) => {
    event.preventDefault()
    void run('Generating a key…', async () => {
      const entry = await keyringStore.getState().generate(algorithm, generateName)
      setGenerateName('')
      return `Generated ${entry.label} (${entry.publicKey.keytype}, keyid ${entry.id.slice(0, 8)}).`
    })
  }

  /** Imports one key; an encrypted one parks in `pending` until its password is typed. */
  const importOne = async (input: string | Uint8Array, file: string | undefined, label: string, passwordGiven?: string): Promise<string> => {
    try {
      const entry = await keyringStore.getState().importKey(input, { file, label, password: passwordGiven })
      return `Imported ${entry.label} (${entry.privateKey ? 'private' : 'public'} ${entry.publicKey.keytype} key, keyid ${entry.id.slice(0, 8)}).`
    } catch (error) {
      if (error instanceof PasswordRequiredError) {
        setPending({ input, file, label })
        return `${file ?? 'The pasted key'} is encrypted: enter its password.`
      }
      throw error
    }
  }

  const importFiles = (files: readonly File[]) => {
    if (files.length === 0) return
    void run('Importing…', async () => {
      const messages: string[] = []
      for (const file of files) messages.push(await importOne(new Uint8Array(await file.arrayBuffer()), file.name, files.length === 1 ? importName : ''))
      setImportName('')
      return messages.join(' ')
    })
  }

  const importPasted = (event: FormEvent) => {
    event.preventDefault()
    if (!pasted.trim()) return
    void run('Importing…', async () => {
      const message = await importOne(pasted, undefined, importName)
      setPasted('')
      setImportName('')
      return message
    })
  }

  const decrypt = (event: FormEvent) => {
    event.preventDefault()
    if (!pending) return
    void run('Decrypting…', async () => {
      const entry = await keyringStore.getState().importKey(pending.input, { file: pending.file, label: pending.label, password })
      setPending(undefined)
      setPassword('')
      return `Imported ${entry.label} (private ${entry.publicKey.keytype} key, keyid ${entry.id.slice(0, 8)}).`
    })
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setDragging(false)
    importFiles([...event.dataTransfer.files])
  }

  return (
    <section
      className={dragging ? 'keys-section keys-dropzone keys-dragging' : 'keys-section keys-dropzone'}
      aria-labelledby={`${ids}-heading`}
      onDragOver={(event) => {
        if (![...event.dataTransfer.types].includes('Files')) return
        event.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <h3 id={`${ids}-heading`}>Keyring</h3>
      <p className="keys-hint">Keys stay in this page's memory. Drop key files anywhere on this section to import them.</p>
      <div className="keys-forms">
        <form className="keys-form" onSubmit={generate} aria-label="Generate a key pair">
          <label>
            Key type
            <select value={algorithm} onChange={(event) => setAlgorithm(event.target.value as KeyAlgorithm)}>
              {ALGORITHMS.map(({ value, label }) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Name of the new key
            <input value={generateName} onChange={(event) => setGenerateName(event.target.value)} placeholder="e.g. alice" autoComplete="off" />
          </label>
          <button type="submit" disabled={busy !== undefined}>
            Generate key
          </button>
        </form>
        <form className="keys-form" onSubmit={importPasted} aria-label="Import a key">
          <label>
            Name of the imported key
            <input value={importName} onChange={(event) => setImportName(event.target.value)} placeholder="default: from the file name" autoComplete="off" />
          </label>
          <label>
            Import key file
            <input
              type="file"
              multiple
              onChange={(event) => {
                importFiles([...(event.target.files ?? [])])
                event.target.value = ''
              }}
            />
          </label>
          <label>
            Paste a key
            <textarea
              value={pasted}
              onChange={(event) => setPasted(event.target.value)}
              rows={3}
              spellCheck={false}
              autoComplete="off"
              placeholder="PEM, securesystemslib JSON or ed25519 hex"
            />
          </label>
          <button type="submit" disabled={busy !== undefined || !pasted.trim()}>
            Import pasted key
          </button>
        </form>
      </div>
      {pending && (
        <form className="keys-form keys-password" onSubmit={decrypt} aria-label="Decrypt the key">
          <label>
            Password for {pending.file ?? 'the pasted key'}
            <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="off" ref={focusOnMount} />
          </label>
          <button type="submit" disabled={busy !== undefined || password === ''}>
            Decrypt and import
          </button>
          <button
            type="button"
            onClick={() => {
              setPending(undefined)
              setPassword('')
              setNotice(undefined)
            }}
          >
            Cancel
          </button>
        </form>
      )}
      <TaskStatus busy={busy} notice={notice} />
      {keys.length === 0 ? (
        <p className="keys-empty">No keys yet: generate one or import one.</p>
      ) : (
        <div className="keys-list">
          {keys.map((entry) => (
            <KeyCard key={entry.id} entry={entry} />
          ))}
        </div>
      )}
    </section>
  )
}
