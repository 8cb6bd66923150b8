/**
 * Defining the rebuilder policy: trusted rebuilders (operators) with their keys, how many must
 * agree, whether a dissent fails; saving, loading and starting over.
 */
import { useState } from 'react'
import { policyProblems, type Rebuilder } from '../../core/rebuilders/policy.ts'
import { downloadText } from '../shared/download.ts'
import { confirmStore } from '../ui/confirm-store.ts'
import { InlineEdit } from './InlineEdit.tsx'
import { rebuildersStore, useRebuilders } from './use-rebuilders.ts'

export function PolicyEditor() {
  const policy = useRebuilders((state) => state.policy)
  const problem = useRebuilders((state) => state.problem)
  const status = useRebuilders((state) => state.status)
  const store = rebuildersStore.getState()
  const problems = policyProblems(policy)
  const n = policy.rebuilders.length

  return (
    <section className="rebuilders-policy" aria-labelledby="rebuilders-policy-title">
      <div className="rebuilders-heading">
        <h3 id="rebuilders-policy-title">Trusted rebuilders</h3>
        <PolicyFileActions />
      </div>
      <div className="rebuilders-threshold">
        <label>
          Rebuilders that must agree{' '}
          <input
            type="number"
            min={1}
            max={256}
            value={policy.threshold}
            aria-label="Threshold: rebuilders that must agree"
            onChange={(event) => {
              const value = Number(event.target.value)
              if (Number.isInteger(value) && value >= 1) store.setThreshold(value)
            }}
          />{' '}
          of {n} trusted
        </label>
        <label className="rebuilders-check">
          <input type="checkbox" checked={policy.quorum} onChange={(event) => store.setQuorum(event.target.checked)} />
          Quorum mode: pass with {policy.threshold} agreeing even when another trusted rebuilder reports different bytes (the dissent is still shown)
        </label>
      </div>
      {problems.length > 0 && (
        <ul className="rebuilders-problems" aria-label="Policy problems">
          {problems.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      )}
      {policy.rebuilders.map((rebuilder) => (
        <RebuilderCard key={rebuilder.name} rebuilder={rebuilder} />
      ))}
      <AddRebuilder />
      {problem && (
        <p className="rebuilders-error" role="alert">
          {problem}{' '}
          <button type="button" className="link" onClick={() => store.dismissProblem()}>
            Dismiss
          </button>
        </p>
      )}
      <p role="status" className="rebuilders-status">
        {status}
      </p>
    </section>
  )
}

function PolicyFileActions() {
  const store = rebuildersStore.getState()
  const policyFile = useRebuilders((state) => state.policyFile)
  const empty = useRebuilders((state) => state.policy.rebuilders.length === 0)
  return (
    <div className="rebuilders-file-actions">
      <button
        type="button"
        className="ghost small"
        disabled={empty}
        onClick={async () => {
          const choice = await confirmStore.getState().ask({
            title: 'Start a new rebuilder policy?',
            description: 'The trusted rebuilders and their keys are removed from this page (a saved policy file is not touched).',
            choices: [{ id: 'new', label: 'Start a new policy', danger: true }],
          })
          if (choice === 'new') store.newPolicy()
        }}
      >
        New policy
      </button>
      <label className="verify-pick">
        Load policy…
        <input
          type="file"
          accept=".json,application/json"
          aria-label="Load policy"
          onChange={async (event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (file) await store.loadPolicy(await file.text(), file.name)
          }}
        />
      </label>
      <button
        type="button"
        className="small"
        onClick={() => {
          const name = policyFile ?? 'rebuilder-policy.json'
          downloadText(name, store.savePolicy(name), 'application/json')
        }}
      >
        Save policy
      </button>
    </div>
  )
}

function RebuilderCard({ rebuilder }: { rebuilder: Rebuilder }) {
  const store = rebuildersStore.getState()
  return (
    <article className="rebuilders-card" aria-label={`Rebuilder ${rebuilder.name}`}>
      <div className="rebuilders-card-head">
        <InlineEdit
          className="rebuilders-name"
          value={rebuilder.name}
          aria-label={`Name of rebuilder ${rebuilder.name}`}
          onCommit={(name) => store.renameRebuilder(rebuilder.name, name)}
        />
        <span className="rebuilders-muted">
          {rebuilder.keys.length} key{rebuilder.keys.length === 1 ? '' : 's'}, one vote
        </span>
        <button type="button" className="ghost small danger" aria-label={`Remove rebuilder ${rebuilder.name}`} onClick={() => store.removeRebuilder(rebuilder.name)}>
          Remove
        </button>
      </div>
      <ul className="rebuilders-keys" aria-label={`Keys of ${rebuilder.name}`}>
        {rebuilder.keys.map((key) => (
          <li key={key.keyid}>
            <InlineEdit
              className="rebuilders-label"
              value={key.label}
              placeholder="label (worker, daemon, arm64…)"
              aria-label={`Label of key ${key.keyid.slice(0, 8)} of ${rebuilder.name}`}
              onCommit={(label) => store.setKeyLabel(rebuilder.name, key.keyid, label)}
            />
            <span className="rebuilders-mono" title={key.keyid}>
              {key.description}
            </span>
            <button
              type="button"
              className="link"
              aria-label={`Remove key ${key.keyid.slice(0, 8)} of ${rebuilder.name}`}
              onClick={() => store.removeKey(rebuilder.name, key.keyid)}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <label className="verify-pick">
        Add a key file…
        <input
          type="file"
          aria-label={`Add key file to ${rebuilder.name}`}
          onChange={async (event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (file) await store.addKeys(rebuilder.name, new Uint8Array(await file.arrayBuffer()), file.name, labelOf(file.name))
          }}
        />
      </label>
    </article>
  )
}

/** A new rebuilder: a name and its key, pasted or from a file. A name already in the policy gets the key added. */
function AddRebuilder() {
  const store = rebuildersStore.getState()
  const [name, setName] = useState('')
  const [keyText, setKeyText] = useState('')
  /** A chosen key file's bytes (a binary GnuPG export cannot be shown as text). */
  const [keyFile, setKeyFile] = useState<{ name: string; bytes: Uint8Array } | undefined>()
  const add = async () => {
    const added = keyFile ? await store.addKeys(name, keyFile.bytes, keyFile.name, labelOf(keyFile.name)) : await store.addKeys(name, keyText, 'the pasted key')
    if (added) {
      setName('')
      setKeyText('')
      setKeyFile(undefined)
    }
  }
  return (
    <form
      className="rebuilders-add"
      aria-label="Add a trusted rebuilder"
      onSubmit={(event) => {
        event.preventDefault()
        void add()
      }}
    >
      <h4>Add a trusted rebuilder</h4>
      <label>
        Rebuilder name
        <input value={name} onChange={(event) => setName(event.target.value)} placeholder="reproduce.debian.net" />
      </label>
      <label>
        Public key: Ed25519 PEM as rebuilderd serves it at /api/v1/meta/public-keys, an OpenPGP key (gpg --armor --export), or securesystemslib JSON
        <textarea
          rows={3}
          value={keyFile ? `(${keyFile.name}: ${keyFile.bytes.length} bytes)` : keyText}
          readOnly={keyFile !== undefined}
          spellCheck={false}
          className="rebuilders-mono"
          onChange={(event) => setKeyText(event.target.value)}
        />
      </label>
      <div className="verify-pickers">
        <label className="verify-pick">
          Read the key from a file…
          <input
            type="file"
            aria-label="Key file for the new rebuilder"
            onChange={async (event) => {
              const file = event.target.files?.[0]
              event.target.value = ''
              if (file) setKeyFile({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
            }}
          />
        </label>
        {keyFile && (
          <button type="button" className="link" onClick={() => setKeyFile(undefined)}>
            Paste a key instead
          </button>
        )}
        <button type="submit" className="primary small" disabled={name.trim() === '' || (keyFile === undefined && keyText.trim() === '')}>
          Add rebuilder
        </button>
      </div>
    </form>
  )
}

/** A key file's name as the key's label (`reproduce-debian-net-amd64.pub` → `reproduce-debian-net-amd64`), as the CLI does. */
function labelOf(fileName: string): string {
  return fileName.replace(/\.(pub|pem|json|key|asc|gpg)$/i, '')
}
