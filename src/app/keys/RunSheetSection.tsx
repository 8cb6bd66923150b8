import { useId, useMemo, useState } from 'react'
import { useDocumentStore } from '../state/document-store.ts'
import { copyText } from '../shared/download.ts'
import { runSheet, type RunCommand } from './run-sheet.ts'

/** Per functionary: the commands that record each of their steps, and the link file each produces. */
export function RunSheetSection() {
  const layout = useDocumentStore((state) => state.layout)
  const keyNames = useDocumentStore((state) => state.keyNames)
  const sheets = useMemo(() => runSheet(layout, keyNames), [layout, keyNames])
  const ids = useId()

  return (
    <section id="keys-run-sheet" className="keys-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>Run sheet</h3>
      {sheets.length === 0 ? (
        <p className="keys-empty">Add functionaries and authorize them on steps to get their commands here.</p>
      ) : (
        <>
          <p className="keys-hint">
            Key files are named as the Keys panel exports them (<code>NAME.pem</code>; <code>NAME</code> for securesystemslib JSON). <code>-P</code> asks for the key's password;
            press Enter for an unencrypted key.
          </p>
          {sheets.map((sheet) => (
            <article key={sheet.keyid} className="keys-sheet" aria-label={`Run sheet for ${sheet.name}`}>
              <h4>
                {sheet.name}{' '}
                <span className="keys-muted">
                  ({sheet.keytype}, {sheet.keyid.slice(0, 8)})
                </span>
              </h4>
              {sheet.steps.length === 0 && <p className="keys-hint">No step authorizes this key.</p>}
              {sheet.steps.map((step) => (
                <div key={step.step} className="keys-sheet-step">
                  <p>
                    Step <strong>{step.step}</strong> produces <code aria-label={`Link file for ${sheet.name}, step ${step.step}`}>{step.linkFile}</code>
                  </p>
                  {step.commands.map((command) => (
                    <CommandLine key={command.tool} command={command} context={`${sheet.name}, step ${step.step}`} />
                  ))}
                </div>
              ))}
            </article>
          ))}
        </>
      )}
    </section>
  )
}

function CommandLine({ command, context }: { command: RunCommand; context: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>()
  return (
    <div className="keys-command">
      <span className="keys-command-tool">{command.tool}</span>
      <pre>
        <code aria-label={`${command.tool} command for ${context}`}>{command.command}</code>
      </pre>
      <button
        type="button"
        aria-label={`Copy ${command.tool} command for ${context}`}
        onClick={() => void copyText(command.command).then((ok) => setCopied(ok ? 'yes' : 'failed'))}
      >
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' && <span role="alert">Copying failed: select the command and copy it by hand.</span>}
    </div>
  )
}
