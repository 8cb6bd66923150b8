/**
 * Check files against a link, as `in-toto-match-products` does: drop files or a folder, pick
 * a link file or a step of the verification above, and see what is only in the link's
 * products, what is not in them, and whose hashes differ. Files are hashed in a worker
 * (WebAssembly SHA-256), streamed, with progress. The link's signature is not checked here.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react'
import { DEFAULT_EXCLUDE_PATTERNS } from '../../core/record/gitwildmatch.ts'
import { entriesOf, filesFromEntries, filesFromInput } from '../verify/collect.ts'
import { useVerifyStore } from '../verify/verify-store.ts'
import { mebibytes, shortDigests, throughput } from './format.ts'
import { matchStore, useMatch } from './use-match.ts'
import type { MatchOutcome } from '../hashing/protocol.ts'

const KEEP_FOLDERS = { keepFolderNames: true }

export function MatchProductsPanel() {
  const files = useMatch((state) => state.files)
  const linkFile = useMatch((state) => state.linkFile)
  const source = useMatch((state) => state.source)
  const step = useMatch((state) => state.step)
  const run = useMatch((state) => state.run)
  const paths = useMatch((state) => state.paths)
  const excludePatterns = useMatch((state) => state.excludePatterns)
  const lstripPaths = useMatch((state) => state.lstripPaths)
  const { addFiles, removeFile, clearFiles, setLinkFile, setSource, setStep, setOption, check, cancel } = matchStore.getState()
  const verified = useVerifyStore((state) => (state.run.status === 'done' ? state.run.result.report : undefined))
  const steps = verified ? verified.steps.filter((item) => item.usedLink !== undefined).map((item) => item.name) : []
  const [over, setOver] = useState(false)
  const folderRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    if (folderRef.current) folderRef.current.webkitdirectory = true
  }, [])
  // After a verification, offer its last step (the final product usually comes from it).
  const stepList = steps.join('\n')
  useEffect(() => {
    const offered = stepList === '' ? [] : stepList.split('\n')
    const current = matchStore.getState().step
    if (current === undefined || !offered.includes(current)) matchStore.getState().offerStep(offered.at(-1))
  }, [stepList])

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const entries = entriesOf(event.dataTransfer)
    if (!entries) addFiles(filesFromInput(event.dataTransfer.files, KEEP_FOLDERS))
    else void filesFromEntries(entries, undefined, KEEP_FOLDERS).then(addFiles)
  }

  return (
    <section className="match verify-noprint" aria-labelledby="match-title">
      <h3 id="match-title">Check files against a link</h3>
      <p className="verify-hint">
        Like <code>in-toto-match-products</code>: each file is hashed here, in a worker, and compared with the products a link recorded. The link's signature is not checked; verify
        the bundle for that.
      </p>
      <div className="match-inputs">
        <fieldset className="match-link">
          <legend>Link</legend>
          <label className="verify-check">
            <input type="radio" name="match-source" checked={source === 'file'} onChange={() => setSource('file')} />A link file
          </label>
          <div className="verify-pickers">
            <label className="verify-pick">
              Choose a link…
              <input
                type="file"
                aria-label="Link to check against"
                onChange={(event) => {
                  const picked = event.target.files?.[0]
                  if (picked) setLinkFile({ path: picked.name, file: picked })
                  event.target.value = ''
                }}
              />
            </label>
            {linkFile && <span className="verify-path">{linkFile.path}</span>}
          </div>
          <label className="verify-check">
            <input type="radio" name="match-source" checked={source === 'verified'} disabled={steps.length === 0} onChange={() => setSource('verified')} />A step of the
            verification above
          </label>
          <select aria-label="Verified step" value={step ?? ''} disabled={steps.length === 0} onChange={(event) => setStep(event.target.value || undefined)}>
            {steps.length === 0 && <option value="">(verify a bundle first)</option>}
            {steps.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </fieldset>
        <section
          className={`verify-zone${over ? ' verify-zone-over' : ''}`}
          aria-labelledby="match-files-title"
          onDragOver={(event) => {
            event.preventDefault()
            setOver(true)
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          data-testid="match-files-zone"
        >
          <h4 id="match-files-title">Local artifacts</h4>
          <p className="verify-hint">Files, or a folder (its name stays part of the paths, as with -p FOLDER).</p>
          <div className="verify-pickers">
            <label className="verify-pick">
              Choose files…
              <input
                type="file"
                multiple
                aria-label="Files to check"
                onChange={(event) => {
                  if (event.target.files) addFiles(filesFromInput(event.target.files, KEEP_FOLDERS))
                  event.target.value = ''
                }}
              />
            </label>
            <label className="verify-pick">
              Choose a folder…
              <input
                ref={folderRef}
                type="file"
                aria-label="Folder to check"
                onChange={(event) => {
                  if (event.target.files) addFiles(filesFromInput(event.target.files, KEEP_FOLDERS))
                  event.target.value = ''
                }}
              />
            </label>
            {files.length > 1 && (
              <button type="button" className="verify-link-button" onClick={clearFiles}>
                Remove all files to check
              </button>
            )}
          </div>
          {files.length > 0 && (
            <ul className="verify-files" aria-label="Local artifacts: chosen files">
              {files.slice(0, 200).map((file) => (
                <li key={file.path}>
                  <span className="verify-path">{file.path}</span>
                  <button type="button" className="verify-link-button" aria-label={`Remove ${file.path} from the files to check`} onClick={() => removeFile(file.path)}>
                    Remove
                  </button>
                </li>
              ))}
              {files.length > 200 && <li>… and {files.length - 200} more</li>}
            </ul>
          )}
        </section>
        <details className="match-options">
          <summary>Options (as in-toto-match-products)</summary>
          <label className="verify-parameters">
            Paths to record (-p), one per line; default: everything dropped
            <textarea rows={2} value={paths} spellCheck={false} onChange={(event) => setOption('paths', event.target.value)} />
          </label>
          <label className="verify-parameters">
            Exclude patterns (-e), one per line; they replace the defaults
            <textarea
              rows={2}
              value={excludePatterns}
              placeholder={DEFAULT_EXCLUDE_PATTERNS.join('\n')}
              spellCheck={false}
              onChange={(event) => setOption('excludePatterns', event.target.value)}
            />
          </label>
          <label className="verify-parameters">
            Left-strip prefixes (--lstrip-paths), one per line
            <textarea rows={1} value={lstripPaths} spellCheck={false} onChange={(event) => setOption('lstripPaths', event.target.value)} />
          </label>
        </details>
      </div>
      <div className="verify-actions">
        <button type="button" className="primary" onClick={check} disabled={run.status === 'running'}>
          Check files
        </button>
        <button type="button" onClick={cancel} disabled={run.status !== 'running'}>
          Stop the check
        </button>
        <div role="status" aria-label="Check progress" className="verify-progress">
          {run.status === 'running' && (
            <>
              {run.progress
                ? `Hashing file ${Math.min(run.progress.filesDone + 1, run.progress.filesTotal)} of ${run.progress.filesTotal} — ${mebibytes(run.progress.bytesDone)} of ${mebibytes(run.progress.bytesTotal)}`
                : 'Reading the link'}
              …
              <progress max={run.progress?.bytesTotal || undefined} value={run.progress?.bytesTotal ? run.progress.bytesDone : undefined} />
            </>
          )}
          {run.status === 'cancelled' && 'Check cancelled.'}
        </div>
      </div>
      {run.status === 'failed' && (
        <p className="verify-error" role="alert">
          {run.message}
        </p>
      )}
      {run.status === 'done' && <MatchResult outcome={run.outcome} against={run.against} bytes={run.bytes} elapsedMs={run.elapsedMs} />}
    </section>
  )
}

function MatchResult({ outcome, against, bytes, elapsedMs }: { outcome: MatchOutcome; against: string; bytes: number; elapsedMs: number }) {
  const differences = outcome.onlyInProducts.length + outcome.notInProducts.length + outcome.differ.length
  const speed = throughput(bytes, elapsedMs)
  return (
    // The exact figures ride along for `npm run bench` (bench/suites/hash-browser.mjs).
    <section className="match-result" aria-label="Match result" data-bytes={bytes} data-elapsed-ms={Math.round(elapsedMs)}>
      <h4>
        <span className={`pill ${differences === 0 ? 'pill-pass' : 'pill-fail'}`}>{differences === 0 ? 'match' : 'differ'}</span>{' '}
        {differences === 0
          ? `The files match the products of ${against}`
          : `The files do not match the products of ${against}: ${differences} difference${differences === 1 ? '' : 's'}`}
      </h4>
      <p className="verify-hint">
        {outcome.recorded} file{outcome.recorded === 1 ? '' : 's'} recorded, {outcome.matching} with the same hashes as in link “{outcome.linkName}”. Hashed {mebibytes(bytes)} in{' '}
        {(elapsedMs / 1000).toFixed(1)} s{speed ? ` (${speed})` : ''}.
      </p>
      <ArtifactList title="Only in products" hint="in the link, not among the files" paths={outcome.onlyInProducts} />
      <ArtifactList title="Not in products" hint="among the files, not in the link" paths={outcome.notInProducts} />
      {outcome.differ.length > 0 && (
        <section aria-label={`Hashes differ (${outcome.differ.length})`}>
          <h5>Hashes differ ({outcome.differ.length})</h5>
          <table className="verify-table">
            <thead>
              <tr>
                <th>file</th>
                <th>in the link</th>
                <th>of the file</th>
              </tr>
            </thead>
            <tbody>
              {outcome.differ.slice(0, 500).map((item) => (
                <tr key={item.path}>
                  <td className="verify-path">{item.path}</td>
                  <td className="verify-hash">{shortDigests(item.expected)}</td>
                  <td className="verify-hash">{shortDigests(item.actual)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {outcome.differ.length > 500 && <p className="verify-hint">… and {outcome.differ.length - 500} more</p>}
        </section>
      )}
    </section>
  )
}

function ArtifactList({ title, hint, paths }: { title: string; hint: string; paths: readonly string[] }) {
  if (paths.length === 0) return null
  return (
    <section aria-label={`${title} (${paths.length})`}>
      <h5>
        {title} ({paths.length}) <span className="verify-hint">{hint}</span>
      </h5>
      <ul className="verify-files match-list">
        {paths.slice(0, 500).map((path) => (
          <li key={path} className="verify-path">
            {path}
          </li>
        ))}
        {paths.length > 500 && <li>… and {paths.length - 500} more</li>}
      </ul>
    </section>
  )
}
