import { useId, useMemo, useState } from 'react'
import { copyText } from '../shared/download.ts'
import { shellStore } from '../shell/use-shell.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { generationOfKeyid, keyidOf, type KeyidGeneration } from '../../core/keys/keyid-generations.ts'
import type { VerificationKey } from '../../core/keys/types.ts'
import type { LayoutKey } from '../../core/model/types.ts'
import { GENERATION_LABELS, generationOfLayoutKeys, type InTotoGeneration, LINK_DIRECTORY, type OwnerKeyFile, runSheet, verifyCommand } from './run-sheet.ts'
import { useKeyring } from './use-keyring.ts'

const GENERATIONS = Object.keys(GENERATION_LABELS) as InTotoGeneration[]
const KEYID_GENERATION: Record<InTotoGeneration, KeyidGeneration> = { 'in-toto-1': '1.x', 'in-toto-2': '2.x' }

function verificationKeyOf(keyid: string, key: LayoutKey): VerificationKey {
  return { keyid, keytype: key.keytype, scheme: key.scheme ?? '', public: key.public }
}

function generationOf(keyid: string, key: LayoutKey): KeyidGeneration | undefined {
  try {
    return generationOfKeyid(verificationKeyOf(keyid, key), keyid)
  } catch {
    return undefined
  }
}

/** The keyid a generation's in-toto-run signs with (OpenPGP keys: the fingerprint, in both). */
function functionaryKeyid(key: LayoutKey, keyid: string, generation: InTotoGeneration): string {
  if (key.gpg || key.scheme === undefined) return keyid
  try {
    return keyidOf(verificationKeyOf(keyid, key), KEYID_GENERATION[generation])
  } catch {
    return keyid
  }
}

/**
 * Per functionary: where their key goes, then the commands that record each of their steps and the link file
 * each produces; at the end, the owner's verify command. Every command is meant to be copied as it is.
 */
export function RunSheetSection() {
  const layout = useDocumentStore((state) => state.layout)
  const keyNames = useDocumentStore((state) => state.keyNames)
  const envelope = useDocumentStore((state) => state.envelope)
  const keyring = useKeyring((state) => state.keys)
  // Until the owner picks one, the generation whose keyids the layout's keys carry (their links will be authorized).
  const detected = useMemo(
    () => generationOfLayoutKeys([...layout.keys].filter(([, key]) => !key.gpg && key.scheme !== undefined).map(([keyid, key]) => generationOf(keyid, key))),
    [layout],
  )
  const [chosen, setGeneration] = useState<InTotoGeneration>()
  const generation = chosen ?? detected
  const sheets = useMemo(() => runSheet(layout, keyNames, { generation, keyidOf: functionaryKeyid }), [layout, keyNames, generation])
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
                  {step.unlistedKeyid && (
                    <p className="keys-warning" role="note">
                      {GENERATION_LABELS[generation]} signs with this key as keyid {step.unlistedKeyid.slice(0, 8)}…, but the layout lists it as {sheet.keyid.slice(0, 8)}…: the
                      verifier will not count the link. Add the functionary’s key for {GENERATION_LABELS[generation]}, or have them run the other in-toto.
                    </p>
                  )}
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
