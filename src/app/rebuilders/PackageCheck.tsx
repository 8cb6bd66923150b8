/**
 * Checking packages: drop package files and the attestations gathered from the rebuilders;
 * per package, the verdict in words and what each trusted rebuilder said; attestations by
 * untrusted keys, for other files, or not readable at all, listed apart.
 */
import type { AttestationCheck, DigestComparison, PackageResult, RebuilderResult, SignatureCheck } from '../../core/rebuilders/check.ts'
import type { CheckSummary } from './check-protocol.ts'
import { FileDrop } from './FileDrop.tsx'
import { rebuildersStore, useRebuilders } from './use-rebuilders.ts'

export function PackageCheck() {
  const packages = useRebuilders((state) => state.packages)
  const attestations = useRebuilders((state) => state.attestations)
  const check = useRebuilders((state) => state.check)
  const store = rebuildersStore.getState()
  return (
    <section className="rebuilders-check-section" aria-labelledby="rebuilders-check-title">
      <h3 id="rebuilders-check-title">Check packages</h3>
      <div className="rebuilders-drops">
        <FileDrop
          title="Packages"
          hint="The files to check (.deb, .pkg.tar.zst, any file). Attestations name them by file name."
          fileLabel="Package files"
          files={packages}
          onAdd={(files) => store.addPackages(files)}
          onRemove={(path) => store.removePackage(path)}
        />
        <FileDrop
          title="Attestations"
          hint="What the rebuilders published: link files in any naming, a folder, a .tar, .tar.gz or .zip, .intoto.jsonl."
          fileLabel="Attestation files or archives"
          folderLabel="Attestation folder"
          files={attestations}
          onAdd={(files) => store.addAttestations(files)}
          onRemove={(path) => store.removeAttestation(path)}
          onClear={() => store.clearAttestations()}
        />
      </div>
      <div role="status" aria-label="Check progress" className="rebuilders-progress">
        {check.status === 'checking' &&
          (check.progress?.phase === 'hashing'
            ? `Hashing ${check.progress.file} (${check.progress.done + 1} of ${check.progress.total})…`
            : 'Reading the attestations and checking signatures…')}
        {check.status === 'idle' && packages.length === 0 && 'Add package files (and their attestations) to check them against the policy.'}
      </div>
      {check.status === 'failed' && (
        <p className="rebuilders-error" role="alert">
          The check could not run: {check.message}
        </p>
      )}
      {check.status === 'done' && <CheckResults summary={check.summary} />}
    </section>
  )
}

function CheckResults({ summary }: { summary: CheckSummary }) {
  const passed = summary.packages.filter((item) => item.verdict === 'pass').length
  return (
    <div className="rebuilders-results">
      <p className="rebuilders-overall">
        {passed} of {summary.packages.length} package{summary.packages.length === 1 ? '' : 's'} meet the policy; {summary.attestationCount} attestation
        {summary.attestationCount === 1 ? '' : 's'} read.
      </p>
      {summary.packages.map((item) => (
        <PackageCard key={item.path} item={item} />
      ))}
      <Apart summary={summary} />
    </div>
  )
}

function PackageCard({ item }: { item: PackageResult }) {
  return (
    <article className={`rebuilders-package rebuilders-package-${item.verdict}`} aria-label={`Package ${item.path}`}>
      <h4>
        <span className={`pill pill-${item.verdict}`}>{item.verdict === 'pass' ? 'pass' : 'fail'}</span> <span className="rebuilders-mono">{item.path}</span>
      </h4>
      <p className="rebuilders-verdict">{item.sentence}</p>
      <p className="rebuilders-muted rebuilders-in-toto">{inTotoWords(item)}</p>
      {item.notes.map((note) => (
        <p key={note} className="rebuilders-note">
          {note}
        </p>
      ))}
      <table className="rebuilders-table" aria-label={`Rebuilders for ${item.path}`}>
        <thead>
          <tr>
            <th scope="col">Rebuilder</th>
            <th scope="col">Result</th>
            <th scope="col">Signed by</th>
            <th scope="col">Digests for {item.name}</th>
          </tr>
        </thead>
        <tbody>
          {item.rebuilders.map((rebuilder) => (
            <RebuilderRow key={rebuilder.name} rebuilder={rebuilder} />
          ))}
        </tbody>
      </table>
      {item.untrusted.length > 0 && (
        <details className="rebuilders-apart">
          <summary>
            {item.untrusted.length} attestation{item.untrusted.length === 1 ? '' : 's'} of this file by keys the policy does not trust
          </summary>
          <ul>
            {item.untrusted.map((check) => (
              <li key={check.path}>
                <span className="rebuilders-mono">{check.path}</span>: signed by {check.signatures.map((signature) => signature.keyid.slice(0, 8)).join(', ') || 'nobody'};{' '}
                {digestWords(check.digests)}
              </li>
            ))}
          </ul>
        </details>
      )}
      <p className="rebuilders-digest rebuilders-mono">
        sha256 {item.digests.sha256} · {formatSize(item.size)}
      </p>
    </article>
  )
}

const STATUS_WORDS: Record<RebuilderResult['status'], string> = {
  reproduced: 'reproduced',
  differs: 'different bytes',
  'reproduced-and-differs': 'reproduced, and different bytes',
  'bad-signature': 'signature invalid',
  unverifiable: 'digest not checkable',
  missing: 'no attestation',
}

const OUTCOME_WORDS: Record<AttestationCheck['outcome'], string> = {
  reproduced: 'reproduced it too',
  differs: 'reports different bytes',
  unverifiable: 'no digest checkable here',
  'bad-signature': 'does not count (a signature by its key is invalid)',
  untrusted: 'no trusted signature',
}

/** The summary says what the pill cannot: why a rebuilder did not vote, or how it differs. */
const EXPLAINED: ReadonlySet<RebuilderResult['status']> = new Set(['differs', 'reproduced-and-differs', 'bad-signature', 'unverifiable'])

function RebuilderRow({ rebuilder }: { rebuilder: RebuilderResult }) {
  const check = rebuilder.attestations.find((candidate) => candidate.outcome === 'reproduced') ?? rebuilder.attestations[0]
  const pill = rebuilder.vote && !rebuilder.dissent ? 'pill-pass' : rebuilder.dissent ? 'pill-fail' : 'pill-warn'
  const explained = EXPLAINED.has(rebuilder.status) || rebuilder.sameBytesAs.length > 0
  return (
    <tr>
      <th scope="row">{rebuilder.name}</th>
      <td>
        <span className={`pill ${pill}`}>{STATUS_WORDS[rebuilder.status]}</span>
        {explained && <div className="rebuilders-muted">{rebuilder.summary}</div>}
        {check && <div className="rebuilders-mono rebuilders-muted">{check.path}</div>}
        {rebuilder.attestations
          .filter((other) => other !== check)
          .map((other) => (
            <div key={other.path} className="rebuilders-muted">
              also <span className="rebuilders-mono">{other.path}</span>: {OUTCOME_WORDS[other.outcome]}
            </div>
          ))}
      </td>
      <td>{check ? <Signers check={check} rebuilder={rebuilder.name} /> : '—'}</td>
      <td>{check ? <Digests digests={check.digests} /> : '—'}</td>
    </tr>
  )
}

function Signers({ check, rebuilder }: { check: AttestationCheck; rebuilder: string }) {
  return (
    <ul className="rebuilders-signers">
      {check.signatures.map((signature) => (
        <li key={`${signature.index}:${signature.keyid}`}>{signatureWords(signature, rebuilder)}</li>
      ))}
    </ul>
  )
}

function signatureWords(signature: SignatureCheck, rebuilder: string): string {
  const role = signature.role ? `${signature.role}: ` : ''
  if (signature.status === 'untrusted') return `${role}${signature.keyid.slice(0, 8)} (not a key of the policy)`
  const key = `${signature.signer?.label || 'key'} ${signature.keyid.slice(0, 8)}`
  const owner = signature.signer && signature.signer.rebuilder !== rebuilder ? ` of ${signature.signer.rebuilder}` : ''
  const state = signature.status === 'valid' ? 'valid' : signature.status === 'invalid' ? 'INVALID' : `unusable: ${signature.message ?? ''}`
  return `${role}${key}${owner} — ${state}`
}

function Digests({ digests }: { digests: readonly DigestComparison[] }) {
  return (
    <ul className="rebuilders-digests">
      {digests.map((digest) => (
        <li key={digest.algorithm} className={digest.equal === false ? 'rebuilders-differs' : undefined}>
          {digest.algorithm}{' '}
          {digest.equal === true
            ? 'equal'
            : digest.equal === false
              ? `differs: ${digest.attested.slice(0, 16)}… attested, ${digest.actual?.slice(0, 16)}… in the file`
              : 'not checkable here'}
        </li>
      ))}
    </ul>
  )
}

function digestWords(digests: readonly DigestComparison[]): string {
  if (digests.some((digest) => digest.equal === false)) return 'reports different bytes'
  if (digests.some((digest) => digest.equal === true)) return 'reports these bytes'
  return 'reports no digest checkable here'
}

/** Attestations for other files, files that are not attestations, and what was refused. */
function Apart({ summary }: { summary: CheckSummary }) {
  const { otherAttestations, unreadable, refusals } = summary
  if (otherAttestations.length + unreadable.length + refusals.length === 0) return null
  return (
    <section className="rebuilders-apart" aria-label="Listed apart">
      <h4>Listed apart</h4>
      {refusals.length > 0 && (
        <div role="alert">
          <p>Refused:</p>
          <ul>
            {refusals.slice(0, 50).map((refusal) => (
              <li key={`${refusal.file}:${refusal.entry ?? ''}:${refusal.message}`}>{refusal.message}</li>
            ))}
          </ul>
        </div>
      )}
      {unreadable.length > 0 && (
        <details open={unreadable.length <= 5}>
          <summary>
            {unreadable.length} file{unreadable.length === 1 ? ' is' : 's are'} not an attestation
          </summary>
          <ul>
            {unreadable.slice(0, 100).map((file) => (
              <li key={file.path}>{file.problem}</li>
            ))}
          </ul>
        </details>
      )}
      {otherAttestations.length > 0 && (
        <details open={otherAttestations.length <= 5}>
          <summary>
            {otherAttestations.length} attestation{otherAttestations.length === 1 ? '' : 's'} for other files
          </summary>
          <ul>
            {otherAttestations.slice(0, 100).map((other) => (
              <li key={other.path}>
                <span className="rebuilders-mono">{other.path}</span>: {other.files.length > 0 ? other.files.join(', ') : `'${other.stepName}', with no digest for its file`}
                {other.signedBy.length > 0 ? ` (signed by ${other.signedBy.join(', ')})` : ' (no trusted signer)'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

/** What the ordinary verifier said, on the layout the policy amounts to (core/rebuilders/in-toto-check.ts). */
function inTotoWords(item: PackageResult): string {
  const { inToto } = item
  if (inToto.verdict === 'pass') return 'in-toto-verify passes it too, with the layout this policy amounts to.'
  if (inToto.verdict === 'fail') return `in-toto-verify fails it with the layout this policy amounts to: ${inToto.message}`
  return `Not put through in-toto-verify: ${inToto.reason}.`
}

function formatSize(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`
  return `${bytes} bytes`
}
