/**
 * Gathering attestations from what a person drops or names on the command line: loose files in
 * any naming (`STEP.KEYID8.link`, `<artifact>.in-toto.link`, anything), folders, archives
 * (`.tar`, `.tar.gz`, `.zip`) and `.intoto.jsonl` bundles, unpacked by the bundle reader
 * against a budget. Attestations are small (a rebuilderd link is about 1 KB), so the budget is
 * tighter than a verification bundle's: a drop of more files than that, or a file larger, is
 * refused with one clear message instead of being read.
 */
import { assembleBundle, type BundleInput, type Refusal } from '../bundle/assemble.ts'
import { formatBytes, type BundleLimits } from '../bundle/limits.ts'
import { readAttestation, type Attestation, type UnreadableAttestation } from './attestation.ts'

export const ATTESTATION_LIMITS: BundleLimits = Object.freeze({
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 4096,
})

export interface GatheredAttestations {
  readonly attestations: readonly Attestation[]
  /** Files that are not attestations (not JSON, a layout, a key, …), each with the reason. */
  readonly unreadable: readonly UnreadableAttestation[]
  /** Files or archives the budget refused. */
  readonly refusals: readonly Refusal[]
  readonly notes: readonly string[]
}

export async function gatherAttestations(inputs: readonly BundleInput[], limits: BundleLimits = ATTESTATION_LIMITS): Promise<GatheredAttestations> {
  if (inputs.length > limits.maxEntries) {
    const message = `${inputs.length.toLocaleString('en-US')} files were given as attestations; at most ${limits.maxEntries.toLocaleString('en-US')} are read at once (choose the attestations of the packages you check); nothing was read`
    return { attestations: [], unreadable: [], refusals: [{ file: `${inputs.length} files`, code: 'too-many-entries', message }], notes: [] }
  }
  const bundle = await assembleBundle(inputs, { expand: true, limits })
  const attestations: Attestation[] = []
  const unreadable: UnreadableAttestation[] = []
  for (const file of bundle.files.values()) {
    const read = readAttestation(file.bytes, file.origin ? `${file.origin}: ${file.path}` : file.path)
    if (read.ok) attestations.push(read.attestation)
    else unreadable.push(read.unreadable)
  }
  return { attestations, unreadable, refusals: bundle.refusals, notes: bundle.notes }
}

/** The limits in words, for help texts. */
export function describeAttestationLimits(limits: BundleLimits = ATTESTATION_LIMITS): string {
  return `at most ${limits.maxEntries.toLocaleString('en-US')} files, each at most ${formatBytes(limits.maxFileBytes)}`
}
