import { useId, useMemo, useState } from 'react'
import { copyText } from '../shared/download.ts'
import { shellStore } from '../shell/use-shell.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { GENERATION_LABELS, type InTotoGeneration, LINK_DIRECTORY, type OwnerKeyFile, runSheet, verifyCommand } from './run-sheet.ts'
import { useKeyring } from './use-keyring.ts'

const GENERATIONS = Object.keys(GENERATION_LABELS) as InTotoGeneration[]

/**
 * Per functionary: where their key goes, then the commands that record each of their steps and the link file
 * each produces; at the end, the owner's verify command. Every command is meant to be copied as it is.
 */
export function RunSheetSection() {
  const layout = useDocumentStore((state) => state.layout)
  const keyNames = useDocumentStore((state) => state.keyNames)
  const envelope = useDocumentStore((state) => state.envelope)
  const keyring = useKeyring((state) => state.keys)
  const [generation, setGeneration] = useState<InTotoGeneration>('in-toto-1')
  const sheets = useMemo(() => runSheet(layout, keyNames, { generation }), [layout, keyNames, generation])
  const owners = useMemo(
    (): OwnerKeyFile[] =>
      (envelope?.signatures ?? []).flatMap((signature) => {
        const entry = keyring.find((key) => key.id === signature.keyid)
        return entry ? [{ name: entry.label, keytype: entry.publicKey.keytype }] : []
      }),
    [envelope, keyring],
  )
  const ids = useId()

  return (
    <section id="keys-run-sheet" className="keys-section" aria-labelledby={`${ids}-heading`}>
      <div className="keys-section-head">
        <h3 id={`${ids}-heading`}>Run sheet</h3>
        <label className="keys-inline-field">
          Functionaries run
          <select value={generation} onChange={(event) => setGeneration(event.target.value as InTotoGeneration)}>
            {GENERATIONS.map((id) => (
              <option key={id} value={id}>
                {GENERATION_LABELS[id]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {sheets.length === 0 ? (
        <p className="keys-empty">Add functionaries and authorize them on steps to get their commands here.</p>
      ) : (
        <>
          <ol className="keys-sheet-howto">
            <li>
              Each functionary keeps their private key in <code>~/.in-toto/keys</code>, outside every project: a key file inside the working directory would be recorded as an
              artifact.
            </li>
            <li>
              They run each command in the working directory it names. Links go to <code>~/.in-toto/links</code>; they send those files to you.
            </li>
            <li>
              <code>-P</code> asks for the key file's password; press Enter for an unencrypted key.
            </li>
          </ol>
          {sheets.map((sheet) => (
            <article key={sheet.keyid} className="keys-sheet" aria-label={`Run sheet for ${sheet.name}`}>
              <h4>
                {sheet.name}{' '}
                <span className="keys-muted">
                  {sheet.gpg ? 'GPG' : sheet.keytype} · {sheet.keyid.slice(0, 8)}
                </span>
              </h4>
              <p className="keys-sheet-note">
                {sheet.gpg ? (
                  <>Once: check that the key is in your GnuPG keyring.</>
                ) : (
                  <>
                    Once: move your private key file <code>{sheet.keyFile}</code> (as exported from Keys) out of the project.
                  </>
                )}
              </p>
              <CommandLine command={{ tool: 'Setup', command: sheet.setup.join('\n') }} context={`${sheet.name}, setup`} />
              {sheet.steps.length === 0 && <p className="keys-hint">No step authorizes this key.</p>}
              {sheet.steps.map((step) => (
                <div key={step.step} className="keys-sheet-step">
                  <p className="keys-sheet-step-title">
                    Step <strong>{step.step}</strong>
                    {step.threshold > 1 && (
                      <span className="pill pill-warn">
                        {step.threshold} of {step.authorized} must agree
                      </span>
                    )}
                    <span className="keys-muted">
                      →{' '}
                      <output aria-label={`Link file for ${sheet.name}, step ${step.step}`}>
                        <code>{step.linkFile}</code>
                      </output>
                    </span>
                  </p>
                  <p className="keys-sheet-note">{step.workingDirectory}</p>
                  {step.commands.map((command) => (
                    <CommandLine key={command.tool} command={command} context={`${sheet.name}, step ${step.step}`} />
                  ))}
                </div>
              ))}
            </article>
          ))}
          <article className="keys-sheet" aria-label="Verify command">
            <h4>When the links are back</h4>
            <p className="keys-sheet-note">
              Put the signed layout (<code>root.layout</code>), your public key file, the product and the links (from each <code>{LINK_DIRECTORY.replaceAll('"', '')}</code>) in one
              folder, the links in <code>links/</code>, and run:
            </p>
            {owners.length === 0 ? (
              <p className="keys-hint">Sign the layout to get the verify command with your key file.</p>
            ) : (
              <>
                <CommandLine command={{ tool: GENERATION_LABELS[generation], command: verifyCommand('root.layout', owners, generation, 'links') }} context="verification" />
                <CommandLine command={{ tool: 'Layout Studio', command: verifyCommand('root.layout', owners, 'layout-studio', 'links') }} context="verification" />
              </>
            )}
          </article>
        </>
      )}
    </section>
  )
}

function CommandLine({ command, context }: { command: { tool: string; command: string }; context: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>()
  return (
    <div className="keys-command">
      <span className="keys-command-tool">{command.tool}</span>
      <pre>
        <output aria-label={`${command.tool} command for ${context}`}>
          <code>{command.command}</code>
        </output>
      </pre>
      <button
        type="button"
        className="small"
        aria-label={`Copy ${command.tool} command for ${context}`}
        onClick={() =>
          void copyText(command.command).then((ok) => {
            setCopied(ok ? 'yes' : 'failed')
            if (ok) shellStore.getState().completeGuideStep('run-sheet')
          })
        }
      >
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' && <span role="alert">Copying failed: select the command and copy it by hand.</span>}
    </div>
  )
}
