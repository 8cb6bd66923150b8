/**
 * The side panel: properties of the selected step, inspection or functionary, or the layout's
 * own settings (expiry, readme, keys) when nothing is selected.
 */
import { argsToText, findItem, textToArgs, type ItemRef } from '../../core/editor/commands.ts'
import { shortKeyid, thresholdNumber } from '../../core/editor/graph.ts'
import { expiresToDate, formatExpires, isValidExpires } from '../../core/model/layout.ts'
import type { Inspection, Layout, Step } from '../../core/model/types.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { actions } from './actions.ts'
import { CommitInput } from './CommitInput.tsx'
import { RuleList } from './RuleList.tsx'
import { useEditorUi } from './ui-store.ts'
import { keyed } from '../shared/keyed.ts'
import { errorMessage } from '../shared/error-message.ts'

function argsProblem(text: string): string | undefined {
  try {
    textToArgs(text)
    return undefined
  } catch (error) {
    return errorMessage(error)
  }
}

export function Inspector() {
  const layout = useDocumentStore((s) => s.layout)
  const keyNames = useDocumentStore((s) => s.keyNames)
  const selected = useEditorUi((s) => s.selected)
  let body
  if (selected?.startsWith('key:')) body = <FunctionaryPanel layout={layout} keyNames={keyNames} keyid={selected.slice(4)} />
  else {
    const ref = selected === undefined ? undefined : findItem(layout, selected)
    body = ref ? <ItemPanel key={`${ref.kind}:${ref.index}`} layout={layout} keyNames={keyNames} itemRef={ref} /> : <LayoutPanel layout={layout} keyNames={keyNames} />
  }
  return (
    <aside className="editor-inspector" aria-label="Inspector">
      {selected !== undefined && (
        <button type="button" className="editor-link" onClick={() => useEditorUi.getState().select(undefined)}>
          ← Layout settings
        </button>
      )}
      {body}
    </aside>
  )
}

function LayoutPanel({ layout, keyNames }: { layout: Layout; keyNames: ReadonlyMap<string, string> }) {
  const date = expiresToDate(layout.expires)
  return (
    <div>
      <h3>Layout</h3>
      <CommitInput
        label="Expires"
        value={layout.expires}
        hint="UTC, exactly YYYY-MM-DDTHH:MM:SSZ"
        validate={(text) => (isValidExpires(text) ? undefined : 'Use the form YYYY-MM-DDTHH:MM:SSZ (UTC), e.g. 2030-01-01T00:00:00Z')}
        onCommit={actions.setExpires}
        spellCheck={false}
      />
      <div className="editor-field">
        <label htmlFor="editor-expiry-picker">Expiry date and time (UTC)</label>
        <input
          id="editor-expiry-picker"
          type="datetime-local"
          step={1}
          value={date ? date.toISOString().slice(0, 19) : ''}
          onChange={(e) => {
            if (e.target.value === '') return
            const picked = new Date(`${e.target.value.length === 16 ? `${e.target.value}:00` : e.target.value}Z`)
            if (!Number.isNaN(picked.getTime())) actions.setExpires(formatExpires(picked))
          }}
        />
      </div>
      <CommitInput label="Readme" value={layout.readme} multiline onCommit={actions.setReadme} />
      <h4>Functionary keys</h4>
      {layout.keys.size === 0 ? (
        <p className="editor-muted">No keys yet: use “Add functionary” to import a public key.</p>
      ) : (
        <ul className="editor-key-list">
          {[...layout.keys].map(([keyid, key]) => (
            <li key={keyid}>
              <button type="button" className="editor-link" onClick={() => useEditorUi.getState().select(`key:${keyid}`)}>
                {keyNames.get(keyid) ?? shortKeyid(keyid)}
              </button>{' '}
              <span className="editor-muted">
                {key.keytype} · {shortKeyid(keyid)} · signs{' '}
                {layout.steps
                  .filter((s) => s.pubkeys.includes(keyid))
                  .map((s) => s.name)
                  .join(', ') || 'nothing'}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

function FunctionaryPanel({ layout, keyNames, keyid }: { layout: Layout; keyNames: ReadonlyMap<string, string>; keyid: string }) {
  const key = layout.keys.get(keyid)
  return (
    <div>
      <h3>Functionary</h3>
      <CommitInput
        label="Display name"
        value={keyNames.get(keyid) ?? ''}
        hint="Editor metadata: not part of the signed layout."
        onCommit={(name) => actions.renameFunctionary(keyid, name.trim())}
      />
      <p className="editor-mono" title={keyid}>
        keyid {keyid}
      </p>
      <p>{key ? `${key.keytype}, scheme ${key.scheme ?? '(none)'}` : 'This keyid is authorized by a step but is not among the layout’s keys.'}</p>
      <fieldset className="editor-fieldset">
        <legend>May sign</legend>
        {layout.steps.length === 0 && <p className="editor-muted">No steps yet.</p>}
        {keyed(layout.steps, (step) => step.name).map(({ key, item: step, index }) => (
          <label key={key} className="editor-check">
            <input
              type="checkbox"
              checked={step.pubkeys.includes(keyid)}
              onChange={(e) => (e.target.checked ? actions.authorize(keyid, step.name) : actions.revoke(keyid, index))}
            />
            {step.name}
          </label>
        ))}
      </fieldset>
      <button type="button" className="danger editor-danger" onClick={() => actions.removeKey(keyid)}>
        Remove functionary
      </button>
    </div>
  )
}

function ItemPanel({ layout, keyNames, itemRef }: { layout: Layout; keyNames: ReadonlyMap<string, string>; itemRef: ItemRef }) {
  const item = (itemRef.kind === 'step' ? layout.steps[itemRef.index] : layout.inspect[itemRef.index]) as Step | Inspection
  // Steps match against steps; inspections run after all steps and may also match earlier inspections.
  const sources = [...layout.steps.map((s) => s.name), ...(itemRef.kind === 'inspection' ? layout.inspect.map((i) => i.name) : [])].filter((n) => n !== item.name)
  return (
    <div>
      <h3>{itemRef.kind === 'step' ? 'Step' : 'Inspection'}</h3>
      <CommitInput
        label="Name"
        value={item.name}
        spellCheck={false}
        validate={(text) => (text.trim() === '' ? 'A name is required' : undefined)}
        onCommit={(name) => actions.rename(itemRef, name)}
      />
      {item.type === 'step' ? (
        <StepFields step={item} index={itemRef.index} layout={layout} keyNames={keyNames} />
      ) : (
        <CommitInput
          label="Run"
          value={argsToText(item.run)}
          hint='The command the verifier runs, as arguments; quote one with spaces as "a b".'
          validate={argsProblem}
          onCommit={(text) => actions.setRun(itemRef.index, textToArgs(text))}
          spellCheck={false}
        />
      )}
      <RuleList itemRef={itemRef} itemName={item.name} list="materials" rules={item.expectedMaterials} sources={sources} />
      <RuleList itemRef={itemRef} itemName={item.name} list="products" rules={item.expectedProducts} sources={sources} />
      <button type="button" className="danger editor-danger" onClick={() => actions.deleteItem(itemRef)}>
        Delete {itemRef.kind}
      </button>
    </div>
  )
}

function StepFields({ step, index, layout, keyNames }: { step: Step; index: number; layout: Layout; keyNames: ReadonlyMap<string, string> }) {
  const keyCount = new Set(step.pubkeys).size
  const threshold = thresholdNumber(step.threshold)
  return (
    <>
      <CommitInput
        label="Threshold"
        type="number"
        min={1}
        value={String(threshold)}
        validate={(text) => (/^\d+$/.test(text.trim()) && BigInt(text.trim()) >= 1n ? undefined : 'A whole number, at least 1')}
        hint={threshold > BigInt(keyCount) ? undefined : `${keyCount} key${keyCount === 1 ? '' : 's'} may sign this step`}
        onCommit={(text) => actions.setThreshold(index, BigInt(text.trim()))}
      />
      {threshold > BigInt(keyCount) && (
        <p className="editor-field-error" role="status">
          ⚠ The threshold ({String(threshold)}) is more than the {keyCount} key{keyCount === 1 ? '' : 's'} that may sign this step.
        </p>
      )}
      <CommitInput
        label="Expected command"
        value={argsToText(step.expectedCommand)}
        hint='Arguments separated by spaces; quote one with spaces as "a b".'
        validate={argsProblem}
        onCommit={(text) => actions.setExpectedCommand(index, textToArgs(text))}
        spellCheck={false}
      />
      <fieldset className="editor-fieldset">
        <legend>Functionaries who may sign</legend>
        {layout.keys.size === 0 && <p className="editor-muted">No functionary keys yet: “Add functionary” imports one.</p>}
        {[...layout.keys.keys()].map((keyid) => (
          <label key={keyid} className="editor-check">
            <input
              type="checkbox"
              checked={step.pubkeys.includes(keyid)}
              onChange={(e) => (e.target.checked ? actions.authorize(keyid, step.name) : actions.revoke(keyid, index))}
            />
            {keyNames.get(keyid) ?? shortKeyid(keyid)}
          </label>
        ))}
      </fieldset>
    </>
  )
}
