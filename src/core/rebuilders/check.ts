/**
 * The package check: for each package file, which trusted rebuilders attest exactly its bytes,
 * and is that enough?
 *
 * The counting is in-toto's threshold rule with operators in place of keys
 * (in-toto 1.3.1 `verifylib.verify_link_signature_thresholds`: a link counts when a signature
 * by an authorized key on it verifies; `verify_threshold_constraints`: the links of a step must
 * report the same artifacts; the inspection's `MATCH *.deb WITH PRODUCTS FROM rebuild`: the
 * file's digests must be the attested ones):
 * - a trusted rebuilder votes for a file when one of its keys validly signed an attestation
 *   whose digests for the file's name equal the file's (every reported sha256 / sha512; an
 *   attestation reporting only other algorithms cannot be checked). Several keys of one
 *   rebuilder — both rebuilderd signatures on one link, or several links — are one vote;
 * - a signature by a trusted key that does not verify makes that attestation count for nothing
 *   (the reference checks the first signature with the key's keyid and skips the link);
 * - a trusted rebuilder that validly attests a *different* digest for the file's name dissents.
 *   By default a dissent fails the check, as in-toto fails when a step's links disagree; in
 *   quorum mode (kpcyrd/repro-threshold's count) k votes pass and the dissent is still shown.
 *
 * Attestations are matched to a package by the file's name: in-toto's rules compare paths, so
 * the same bytes under another name are no vote (the result says which name they carry).
 * Files are hashed through the injected `hash` function (node:crypto in the CLI, a streaming
 * hasher in the browser's worker), once each, sha256 and sha512 together.
 */
import { verifySignature } from '../keys/signature.ts'
import type { HashAlgorithm } from '../hash.ts'
import type { HashDict } from '../model/types.ts'
import { verifyGpgSignature } from '../openpgp/verify-signature.ts'
import { verifyAsInToto, type InTotoVerdict } from './in-toto-check.ts'
import { REBUILDERD_MODE_NOTE, type Attestation, type AttestationMode, type AttestationSignature } from './attestation.ts'
import { keyIndex, type RebuilderPolicy } from './policy.ts'
import type { PolicyKey } from './policy-key.ts'

export interface PackageFile {
  /** As given (`dist/foo_1.0_all.deb`), for display. */
  readonly path: string
  /** The file name attestations must name (`foo_1.0_all.deb`). */
  readonly name: string
  readonly size: number
}

export type PackageDigests = ReadonlyMap<HashAlgorithm, string>

/** Computes a package's sha256 and sha512 (lowercase hex), reading it once. */
export type HashPackage = (file: PackageFile) => Promise<PackageDigests>

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha256', 'sha512']

/** `ignored`: a second signature by a key that already signed; the reference checks only the first. */
export type SignatureStatus = 'valid' | 'invalid' | 'error' | 'untrusted' | 'ignored'

export interface SignatureCheck {
  readonly keyid: string
  readonly index: number
  /** rebuilderd's order: the worker signs first, the daemon's long-term key appends the second. */
  readonly role?: 'worker' | 'daemon'
  /** The trusted key it belongs to; absent for `untrusted`. */
  readonly signer?: { readonly rebuilder: string; readonly keyid: string; readonly label: string }
  readonly status: SignatureStatus
  readonly message?: string
}

export interface DigestComparison {
  readonly algorithm: string
  readonly attested: string
  /** The file's digest; absent for algorithms not computed here. */
  readonly actual?: string
  /** `undefined`: not comparable (an algorithm other than sha256 / sha512). */
  readonly equal?: boolean
}

export type AttestationOutcome = 'reproduced' | 'differs' | 'unverifiable' | 'bad-signature' | 'untrusted'

/** One attestation as it bears on one package. */
export interface AttestationCheck {
  readonly path: string
  readonly mode: AttestationMode
  readonly stepName: string
  readonly signatures: readonly SignatureCheck[]
  readonly digests: readonly DigestComparison[]
  readonly outcome: AttestationOutcome
}

export type RebuilderStatus = 'reproduced' | 'differs' | 'reproduced-and-differs' | 'bad-signature' | 'unverifiable' | 'missing'

export interface RebuilderResult {
  readonly name: string
  readonly status: RebuilderStatus
  /** Counts toward the threshold. */
  readonly vote: boolean
  /** Validly attests a different digest for this file name. */
  readonly dissent: boolean
  /** Its attestations naming this file (signed by at least one of its keys). */
  readonly attestations: readonly AttestationCheck[]
  /** The names under which it validly attests exactly these bytes, when not this file's name. */
  readonly sameBytesAs: readonly string[]
  /** One line: what this rebuilder said about the file. */
  readonly summary: string
}

export interface PackageResult {
  readonly path: string
  readonly name: string
  readonly size: number
  readonly digests: Readonly<Record<string, string>>
  readonly verdict: 'pass' | 'fail'
  readonly votes: number
  readonly threshold: number
  readonly trusted: number
  readonly quorum: boolean
  readonly dissenters: readonly string[]
  readonly rebuilders: readonly RebuilderResult[]
  /** Attestations naming this file that no trusted key signed. */
  readonly untrusted: readonly AttestationCheck[]
  /**
   * The same package through the ordinary verifier, against the layout the policy amounts to
   * (in-toto-check.ts), where policy and attestations allow it (the 2018 design).
   */
  readonly inToto: InTotoVerdict
  /** The verdict in words. */
  readonly sentence: string
  /** What the reader should know (rebuilderd mode, other names). */
  readonly notes: readonly string[]
}

/** An attestation that named none of the checked files. */
export interface OtherAttestation {
  readonly path: string
  readonly stepName: string
  readonly files: readonly string[]
  /** Trusted rebuilders whose keys signed it (signature validity not checked: it bears on no file here). */
  readonly signedBy: readonly string[]
}

export interface PolicyCheck {
  readonly packages: readonly PackageResult[]
  readonly otherAttestations: readonly OtherAttestation[]
}

export interface CheckOptions {
  /** Overrides the policy's own quorum setting. */
  readonly quorum?: boolean
  readonly signal?: AbortSignal
  /** The time OpenPGP key expiry is judged against (default: now). */
  readonly now?: Date
  /** Told before each package is hashed (for progress). */
  readonly onPackage?: (file: PackageFile, index: number, total: number) => void
}

export async function checkPackages(
  policy: RebuilderPolicy,
  packages: readonly PackageFile[],
  attestations: readonly Attestation[],
  hash: HashPackage,
  options: CheckOptions = {},
): Promise<PolicyCheck> {
  const quorum = options.quorum ?? policy.quorum
  const signatures = new SignatureCache(policy, options.now ?? new Date())
  const names = new Set(packages.map((file) => file.name))
  const results: PackageResult[] = []
  for (const [index, file] of packages.entries()) {
    options.signal?.throwIfAborted()
    options.onPackage?.(file, index, packages.length)
    const digests = await hash(file)
    results.push(await checkOne(policy, quorum, file, digests, attestations, signatures, options))
  }
  const otherAttestations: OtherAttestation[] = []
  const index = keyIndex(policy)
  for (const attestation of attestations) {
    const files = [...attestation.attested.keys()]
    if (files.some((name) => names.has(name))) continue
    const signedBy = [...new Set(attestation.signatures.flatMap((signature) => index.get(signature.keyid)?.rebuilder.name ?? []))]
    otherAttestations.push({ path: attestation.path, stepName: attestation.stepName, files: attestation.namedButMissing ? [] : files, signedBy })
  }
  return { packages: results, otherAttestations }
}

/** Checks each attestation's signatures once, however many packages it names. */
class SignatureCache {
  private readonly index: ReturnType<typeof keyIndex>
  private readonly checked = new Map<Attestation, Promise<SignatureCheck[]>>()
  private readonly now: Date

  constructor(policy: RebuilderPolicy, now: Date) {
    this.index = keyIndex(policy)
    this.now = now
  }

  of(attestation: Attestation): Promise<SignatureCheck[]> {
    let result = this.checked.get(attestation)
    if (!result) {
      result = this.check(attestation)
      this.checked.set(attestation, result)
    }
    return result
  }

  private async check(attestation: Attestation): Promise<SignatureCheck[]> {
    const pair = attestation.mode === 'rebuilderd' && attestation.signatures.length === 2
    // The reference checks, per key, the first signature carrying its keyid; a later one is ignored.
    const firstOfKey = new Set<PolicyKey>()
    const out: SignatureCheck[] = []
    for (const signature of attestation.signatures) {
      const role: SignatureCheck['role'] = pair ? (signature.index === 0 ? 'worker' : 'daemon') : undefined
      const owner = this.index.get(signature.keyid)
      if (!owner) {
        out.push({ keyid: signature.keyid, index: signature.index, role, status: 'untrusted' })
        continue
      }
      if (firstOfKey.has(owner.key)) {
        out.push({ keyid: signature.keyid, index: signature.index, role, status: 'ignored', message: 'a second signature by the same key: only the first is checked' })
        continue
      }
      firstOfKey.add(owner.key)
      const signer = { rebuilder: owner.rebuilder.name, keyid: owner.key.keyid, label: owner.key.label }
      const base = { keyid: signature.keyid, index: signature.index, role, signer }
      try {
        out.push({ ...base, ...(await verifyWith(owner.key, signature, attestation.signedBytes, this.now)) })
      } catch (error) {
        out.push({ ...base, status: 'error', message: error instanceof Error ? error.message : String(error) })
      }
    }
    return out
  }
}

/**
 * One signature checked with the trusted key its keyid names: securesystemslib keys as
 * `keys.verify_signature` does, OpenPGP keys as `gpg/functions.py:verify_signature` does
 * (expired or revoked keys do not verify).
 */
async function verifyWith(key: PolicyKey, signature: AttestationSignature, signedBytes: Uint8Array, now: Date): Promise<Pick<SignatureCheck, 'status' | 'message'>> {
  if (key.kind === 'openpgp') {
    if (!signature.gpg) return { status: 'error', message: 'the trusted key is an OpenPGP key, but this is not an OpenPGP signature' }
    const verdict = await verifyGpgSignature(key.gpg, signature.gpg, signedBytes, { now, certificates: key.certificates })
    return verdict.status === 'valid' ? { status: 'valid' } : { status: 'invalid', message: verdict.reason }
  }
  if (signature.gpg) return { status: 'error', message: 'an OpenPGP signature, but the trusted key is not an OpenPGP key' }
  if (!(signature.bytes instanceof Uint8Array)) return { status: 'error', message: `the signature is malformed: ${signature.bytes.problem}` }
  return { status: (await verifySignature(key.publicKey, signature.bytes, signedBytes)) ? 'valid' : 'invalid' }
}

async function checkOne(
  policy: RebuilderPolicy,
  quorum: boolean,
  file: PackageFile,
  digests: PackageDigests,
  attestations: readonly Attestation[],
  cache: SignatureCache,
  options: CheckOptions,
): Promise<PackageResult> {
  const perRebuilder = new Map<string, AttestationCheck[]>(policy.rebuilders.map((rebuilder) => [rebuilder.name, []]))
  const sameBytes = new Map<string, Set<string>>(policy.rebuilders.map((rebuilder) => [rebuilder.name, new Set()]))
  const untrusted: AttestationCheck[] = []
  const relevant: Attestation[] = []
  const modes = new Set<AttestationMode>()
  for (const attestation of attestations) {
    const hashes = attestation.attested.get(file.name)
    if (!hashes) {
      // The same bytes under another name: no vote (in-toto compares paths), but worth saying.
      const names = sameDigest(attestation, digests)
      if (!names) continue
      for (const signature of await cache.of(attestation)) {
        if (signature.signer && signature.status === 'valid') for (const name of names) sameBytes.get(signature.signer.rebuilder)?.add(name)
      }
      continue
    }
    const signatures = await cache.of(attestation)
    const comparisons = compareDigests(hashes, digests)
    const byRebuilder = groupBySigner(signatures)
    if (byRebuilder.size === 0) {
      untrusted.push({ path: attestation.path, mode: attestation.mode, stepName: attestation.stepName, signatures, digests: comparisons, outcome: 'untrusted' })
      continue
    }
    modes.add(attestation.mode)
    relevant.push(attestation)
    for (const [rebuilder, own] of byRebuilder) {
      const outcome = own.every((signature) => signature.status === 'valid') ? digestOutcome(comparisons) : 'bad-signature'
      perRebuilder.get(rebuilder)?.push({ path: attestation.path, mode: attestation.mode, stepName: attestation.stepName, signatures, digests: comparisons, outcome })
    }
  }
  const rebuilders = policy.rebuilders.map((rebuilder): RebuilderResult => {
    const checks = perRebuilder.get(rebuilder.name) ?? []
    return rebuilderResult(rebuilder.name, checks, [...(sameBytes.get(rebuilder.name) ?? [])], file.name)
  })
  const votes = rebuilders.filter((rebuilder) => rebuilder.vote).length
  const dissenters = rebuilders.filter((rebuilder) => rebuilder.dissent).map((rebuilder) => rebuilder.name)
  const counted = votes >= policy.threshold && (quorum || dissenters.length === 0)
  const inToto: InTotoVerdict =
    relevant.length === 0
      ? { verdict: 'not-applicable', reason: 'no trusted rebuilder attests this file' }
      : await verifyAsInToto(policy, file, digests, relevant, { now: options.now, signal: options.signal })
  // in-toto-verify's verdict stands where it applies, except the disagreement quorum mode accepts on purpose.
  const outvoted = quorum && dissenters.length > 0
  const pass = counted && (inToto.verdict !== 'fail' || outvoted)
  const notes: string[] = []
  if (modes.has('rebuilderd')) notes.push(REBUILDERD_MODE_NOTE)
  const elsewhere = [...new Set(rebuilders.flatMap((rebuilder) => rebuilder.sameBytesAs))]
  if (elsewhere.length > 0)
    notes.push(
      `Trusted rebuilders attest exactly these bytes as ${elsewhere.map((name) => `'${name}'`).join(', ')}, not as '${file.name}': attestations name files, so those are no votes for this name.`,
    )
  if (inToto.verdict === 'fail' && outvoted)
    notes.push(`in-toto-verify would refuse this file with the layout this policy amounts to, as its rebuilders disagree: ${inToto.message}`)
  const result = {
    path: file.path,
    name: file.name,
    size: file.size,
    digests: Object.fromEntries(digests),
    verdict: pass ? ('pass' as const) : ('fail' as const),
    votes,
    threshold: policy.threshold,
    trusted: policy.rebuilders.length,
    quorum,
    dissenters,
    rebuilders,
    untrusted,
    inToto,
    notes,
  }
  return { ...result, sentence: verdictSentence(result) }
}

/** Names under which the attestation reports exactly the file's digests. */
function sameDigest(attestation: Attestation, digests: PackageDigests): string[] | undefined {
  const names: string[] = []
  for (const [name, hashes] of attestation.attested) if (digestOutcome(compareDigests(hashes, digests)) === 'reproduced') names.push(name)
  return names.length > 0 ? names : undefined
}

/** The trusted signatures on an attestation, by the rebuilder they belong to. */
function groupBySigner(signatures: readonly SignatureCheck[]): Map<string, SignatureCheck[]> {
  const out = new Map<string, SignatureCheck[]>()
  for (const signature of signatures) {
    if (!signature.signer) continue
    const list = out.get(signature.signer.rebuilder) ?? []
    list.push(signature)
    out.set(signature.signer.rebuilder, list)
  }
  return out
}

export function compareDigests(hashes: HashDict, digests: PackageDigests): DigestComparison[] {
  return [...hashes].map(([algorithm, attested]) => {
    const actual = digests.get(algorithm as HashAlgorithm)
    if (actual === undefined) return { algorithm, attested }
    // Hex case says nothing about the bytes; in-toto writes lowercase.
    return { algorithm, attested, actual, equal: attested.toLowerCase() === actual.toLowerCase() }
  })
}

function digestOutcome(comparisons: readonly DigestComparison[]): AttestationOutcome {
  if (comparisons.some((comparison) => comparison.equal === false)) return 'differs'
  if (comparisons.some((comparison) => comparison.equal === true)) return 'reproduced'
  return 'unverifiable'
}

function rebuilderResult(name: string, checks: readonly AttestationCheck[], sameBytesAs: string[], fileName: string): RebuilderResult {
  const reproduced = checks.find((check) => check.outcome === 'reproduced')
  const differs = checks.find((check) => check.outcome === 'differs')
  let status: RebuilderStatus
  if (reproduced && differs) status = 'reproduced-and-differs'
  else if (reproduced) status = 'reproduced'
  else if (differs) status = 'differs'
  else if (checks.some((check) => check.outcome === 'bad-signature')) status = 'bad-signature'
  else if (checks.some((check) => check.outcome === 'unverifiable')) status = 'unverifiable'
  else status = 'missing'
  const base = { name, status, vote: reproduced !== undefined, dissent: differs !== undefined, attestations: checks, sameBytesAs }
  return { ...base, summary: rebuilderSummary(base, fileName) }
}

function signedBy(check: AttestationCheck, rebuilder: string): string {
  const own = check.signatures.filter((signature) => signature.signer?.rebuilder === rebuilder && signature.status === 'valid')
  return own.map((signature) => `${signature.signer?.label || signature.role || 'key'} ${signature.keyid.slice(0, 8)}`).join(' and ')
}

function rebuilderSummary(result: Omit<RebuilderResult, 'summary'>, fileName: string): string {
  const { name, status, attestations } = result
  const reproduced = attestations.find((check) => check.outcome === 'reproduced')
  const differs = attestations.find((check) => check.outcome === 'differs')
  switch (status) {
    case 'reproduced':
    case 'reproduced-and-differs': {
      const check = reproduced as AttestationCheck
      const algorithms = check.digests.filter((digest) => digest.equal).map((digest) => digest.algorithm)
      const line = `${name} reproduced it exactly (${algorithms.join(' and ')} equal; signed by ${signedBy(check, name)}; ${check.path})`
      return status === 'reproduced' ? line : `${line}, but also ${describeDifference(differs as AttestationCheck)} (${(differs as AttestationCheck).path})`
    }
    case 'differs':
      return `${name} ${describeDifference(differs as AttestationCheck)} (signed by ${signedBy(differs as AttestationCheck, name)}; ${(differs as AttestationCheck).path})`
    case 'bad-signature': {
      const check = attestations.find((candidate) => candidate.outcome === 'bad-signature') as AttestationCheck
      const bad = check.signatures.find((signature) => signature.signer?.rebuilder === name && signature.status !== 'valid') as SignatureCheck
      return `${name}: its attestation ${check.path} does not count — the signature by ${bad.signer?.label || bad.role || 'key'} ${bad.keyid.slice(0, 8)} is ${bad.status === 'invalid' ? 'invalid' : `unusable (${bad.message})`}`
    }
    case 'unverifiable': {
      const check = attestations[0] as AttestationCheck
      return `${name}: its attestation ${check.path} reports only ${check.digests.map((digest) => digest.algorithm).join(', ') || 'no digest'}, which cannot be checked here (sha256 or sha512 needed)`
    }
    case 'missing':
      return result.sameBytesAs.length > 0
        ? `${name}: no attestation for '${fileName}'; it attests these exact bytes as ${result.sameBytesAs.map((other) => `'${other}'`).join(', ')}`
        : `${name}: no attestation for '${fileName}'`
  }
}

function describeDifference(check: AttestationCheck): string {
  const differing = check.digests.filter((digest) => digest.equal === false)
  return `reports different bytes: ${differing.map((digest) => `${digest.algorithm} ${digest.attested.slice(0, 12)}… where the file has ${(digest.actual ?? '').slice(0, 12)}…`).join(', ')}`
}

type SentenceInput = Pick<PackageResult, 'verdict' | 'votes' | 'threshold' | 'trusted' | 'quorum' | 'dissenters' | 'rebuilders' | 'inToto'>

/** "3 of 4 trusted rebuilders reproduced this file exactly (2 needed)", and who disagrees. */
export function verdictSentence(result: SentenceInput): string {
  const { votes, threshold, trusted, dissenters, quorum } = result
  const count = `${votes} of ${trusted} trusted rebuilder${trusted === 1 ? '' : 's'} reproduced this file exactly (${threshold} needed)`
  const dissent = dissenters.length > 0 ? `${listNames(dissenters)} reported different bytes` : ''
  if (result.verdict === 'pass') return dissent ? `${count}; ${dissent}, outvoted in quorum mode.` : `${count}.`
  const counted = votes >= threshold && (quorum || dissenters.length === 0)
  if (counted && result.inToto.verdict === 'fail') return `${count}, but in-toto-verify fails the layout this policy amounts to: ${result.inToto.message}`
  if (dissent && votes >= threshold && !quorum)
    return `${count}, but ${dissent}: rebuilders disagree, so the check fails, as in-toto's threshold rule does (quorum mode would accept ${threshold} agreeing).`
  const reasons = result.rebuilders.filter((rebuilder) => !rebuilder.vote && !rebuilder.dissent).map((rebuilder) => statusWord(rebuilder))
  return `${count}: too few${dissent ? `; ${dissent}` : ''}${reasons.length > 0 ? `; ${reasons.join('; ')}` : ''}.`
}

function statusWord(rebuilder: RebuilderResult): string {
  switch (rebuilder.status) {
    case 'bad-signature':
      return `${rebuilder.name}: signature invalid`
    case 'unverifiable':
      return `${rebuilder.name}: digest not checkable`
    case 'missing':
      return rebuilder.sameBytesAs.length > 0 ? `${rebuilder.name}: attests these bytes under another name` : `${rebuilder.name}: no attestation`
    default:
      return rebuilder.name
  }
}

function listNames(names: readonly string[]): string {
  if (names.length === 1) return names[0] as string
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}
