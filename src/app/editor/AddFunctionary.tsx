/**
 * "Add functionary" on Design: generate a new key for the person (kept in the keyring, exportable from Keys),
 * pick a key already in the keyring, or import public key files. Whatever is chosen joins `layout.keys`
 * under the name given, and is selected in the graph.
 */
import { useId, useRef, useState } from 'react'
import type { KeyAlgorithm } from '../../core/keys/types.ts'
import { addFunctionary } from '../keys/functionaries.ts'
import { keyringStore, useKeyring } from '../keys/use-keyring.ts'
import { errorMessage } from '../shared/error-message.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { Dialog, DialogClose } from '../ui/Dialog.tsx'
import { Menu } from '../ui/Menu.tsx'
import { actions } from './actions.ts'
import { useEditorUi } from './ui-store.ts'

const ALGORITHMS: readonly { value: KeyAlgorithm; label: string }[] = [
  { value: 'ed25519', label: 'ed25519' },
  { value: 'rsa', label: 'RSA 3072' },
  { value: 'ecdsa', label: 'ECDSA P-256' },
]

export function AddFunctionary() {
  const keyring = useKeyring((state) => state.keys)
  const layoutKeys = useDocumentStore((state) => state.layout.keys)
  const fileInput = useRef<HTMLInputElement>(null)
  const [generating, setGenerating] = useState(false)
  const candidates = keyring.filter((entry) => !layoutKeys.has(entry.id))

  const fromKeyring = (id: string) => {
    const entry = keyringStore.getState().keys.find((key) => key.id === id)
    if (!entry) return
    useDocumentStore.getState().applyEdit(`Add functionary ${entry.label}`, (layout, names) => addFunctionary(layout, names, entry.publicKey, entry.label))
    useEditorUi.getState().select(`key:${entry.id}`)
  }

  return (
    <>
      <Menu
        trigger="Add functionary"
        heading="Add a functionary"
        items={[
          {
            id: 'generate',
            title: 'Generate a new key…',
            description: 'Made here and kept in the keyring; export it for the functionary from Keys.',
            onSelect: () => setGenerating(true),
          },
          ...candidates.map((entry) => ({
            id: entry.id,
            title: `${entry.label} (${entry.publicKey.keytype}, ${entry.id.slice(0, 8)})`,
            description: 'From the keyring',
            onSelect: () => fromKeyring(entry.id),
          })),
          { id: 'import', title: 'Import public key files…', description: 'PEM or securesystemslib JSON, e.g. alice.pub', onSelect: () => fileInput.current?.click() },
        ]}
      />
      <input
        ref={fileInput}
        type="file"
        hidden
        multiple
        aria-label="Functionary public key file"
        data-testid="functionary-key-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])]
          event.target.value = ''
          void (async () => {
            for (const file of files) await actions.addFunctionary(file)
          })()
        }}
      />
      <GenerateFunctionaryDialog open={generating} onOpenChange={setGenerating} />
    </>
  )
}

function GenerateFunctionaryDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const [name, setName] = useState('')
  const [algorithm, setAlgorithm] = useState<KeyAlgorithm>('ed25519')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | undefined>()
  const ids = useId()

  const generate = async () => {
    const label = name.trim()
    if (!label) {
      setProblem('Give the functionary a name: it names their key files and their commands on the run sheet.')
      return
    }
    setBusy(true)
    setProblem(undefined)
    try {
      const entry = await keyringStore.getState().generate(algorithm, label)
      useDocumentStore.getState().applyEdit(`Add functionary ${entry.label}`, (layout, names) => addFunctionary(layout, names, entry.publicKey, entry.label))
      useEditorUi.getState().select(`key:${entry.id}`)
      useEditorUi.getState().notify(`Generated a key for ${entry.label}. Export its private key from Keys and hand it to ${entry.label}.`)
      setName('')
      onOpenChange(false)
    } catch (error) {
      setProblem(errorMessage(error))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Generate a key for a functionary"
      description="The key is made in this page and kept in the keyring. Nothing leaves the page unless you export it."
    >
      <form
        className="ui-form"
        onSubmit={(event) => {
          event.preventDefault()
          void generate()
        }}
      >
        <label htmlFor={`${ids}-name`}>Functionary name</label>
        <input id={`${ids}-name`} value={name} placeholder="e.g. alice" onChange={(event) => setName(event.target.value)} aria-invalid={problem !== undefined} />
        <label htmlFor={`${ids}-type`}>Key type</label>
        <select id={`${ids}-type`} value={algorithm} onChange={(event) => setAlgorithm(event.target.value as KeyAlgorithm)}>
          {ALGORITHMS.map(({ value, label }) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {problem && (
          <p className="ui-form-error" role="alert">
            {problem}
          </p>
        )}
        <div className="ui-dialog-actions">
          <DialogClose>Cancel</DialogClose>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Generating…' : 'Generate and add'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
