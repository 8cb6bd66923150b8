/**
 * The 2018 design through the ordinary verifier: for rebuilders' in-toto links (step `rebuild`,
 * as apt-transport-in-toto fetches them), the package is also verified against the layout the
 * policy amounts to, exactly as in-toto-verify would — so where a policy can be written as an
 * in-toto layout, the check's verdict is in-toto-verify's too.
 *
 * What apt-transport-in-toto does, done in memory: each rebuilder's link is placed as
 * `rebuild.KEYID8.link` (`{step}.{keyid[:8]}.link`, the layout's keyid), the working directory
 * holds the downloaded package alone, and the inspection `true` records it: materials and
 * products `{file: {sha256}}`, as in-toto-run records with its default hash algorithm.
 *
 * The layout needs a signature to be verified; the policy itself is the root of trust here, so
 * it is signed with a key made for this one check and never kept (the verifier then checks
 * that signature like any owner's).
 */
import { signDocument } from '../envelope/sign.ts'
import { generateKeyPair } from '../keys/generate.ts'
import type { JsonValue } from '../json/value.ts'
import type { Inspection, Link } from '../model/types.ts'
import { memoryLinks } from '../links/index.ts'
import type { InspectionResult, InspectionRunner } from '../verify/inspection-runner.ts'
import { verifySupplyChain } from '../verify/verify.ts'
import type { Attestation } from './attestation.ts'
import type { PackageDigests, PackageFile } from './check.ts'
import { keyIndex, type RebuilderPolicy } from './policy.ts'
import { policyLayout, REBUILD_STEP } from './policy-layout.ts'

export type InTotoVerdict =
  /** in-toto-verify on the policy's layout passes. */
  | { readonly verdict: 'pass' }
  /** It fails: `message` is the verifier's sentence (stage and all). */
  | { readonly verdict: 'fail'; readonly stage: string; readonly errorType: string; readonly message: string }
  /** The policy or the attestations cannot be put through in-toto-verify; `reason` says why. */
  | { readonly verdict: 'not-applicable'; readonly reason: string }

/**
 * Verifies `file` with the ordinary verifier against the policy's layout and the trusted
 * rebuilders' in-toto links that attest it (`relevant`: those naming the file, signed by a
 * trusted key).
 */
export async function verifyAsInToto(
  policy: RebuilderPolicy,
  file: PackageFile,
  digests: PackageDigests,
  relevant: readonly Attestation[],
  options: { readonly now?: Date; readonly signal?: AbortSignal } = {},
): Promise<InTotoVerdict> {
  const several = policy.rebuilders.find((rebuilder) => rebuilder.keys.length > 1)
  if (several) return { verdict: 'not-applicable', reason: `'${several.name}' has ${several.keys.length} keys, which in-toto would count as ${several.keys.length} votes` }
  if (relevant.some((attestation) => attestation.mode === 'rebuilderd'))
    return { verdict: 'not-applicable', reason: "in-toto-verify refuses rebuilderd's links (environment null)" }
  const named = relevant.find((attestation) => attestation.stepName !== REBUILD_STEP)
  if (named) return { verdict: 'not-applicable', reason: `the link ${named.path} is for step '${named.stepName}', not '${REBUILD_STEP}'` }
  const sha256 = digests.get('sha256')
  if (sha256 === undefined) return { verdict: 'not-applicable', reason: 'the file has no sha256 digest' }

  const now = options.now ?? new Date()
  const { layout } = policyLayout(policy, { now })
  // The links as apt-transport-in-toto writes them: one per trusted key, named after it.
  const index = keyIndex(policy)
  const files = new Map<string, Uint8Array>()
  for (const attestation of relevant) {
    for (const signature of attestation.signatures) {
      const owner = index.get(signature.keyid)
      if (!owner) continue
      const name = `${REBUILD_STEP}.${owner.key.keyid.slice(0, 8)}.link`
      if (!files.has(name)) files.set(name, attestation.bytes)
    }
  }
  const owner = await generateKeyPair('ed25519')
  const envelope = await signDocument({ type: 'layout', layout }, [owner])
  const report = await verifySupplyChain({
    layout: envelope,
    layoutFile: 'the policy as a layout',
    layoutKeys: [owner.publicKey],
    links: memoryLinks(files),
    inspections: packageInspection(file.name, sha256),
    now,
    signal: options.signal,
  })
  if (report.verdict === 'pass') return { verdict: 'pass' }
  const failure = report.failure
  if (!failure) return { verdict: 'fail', stage: 'inspection', errorType: 'Error', message: 'verification did not pass' }
  return { verdict: 'fail', stage: failure.stage, errorType: failure.errorType, message: failure.message }
}

/**
 * `true` in a directory holding only the package, as in-toto-run records it (sha256): what the
 * policy layout's inspection records. Any other command is not run.
 */
function packageInspection(name: string, sha256: string): InspectionRunner {
  return {
    async run(inspection: Inspection): Promise<InspectionResult> {
      const program = inspection.run.length === 1 && typeof inspection.run[0] === 'string' ? inspection.run[0].replace(/^\/(?:usr\/)?bin\//, '') : undefined
      if (program !== 'true') return { status: 'not-run', reason: `only 'true' is run for a rebuilder policy's layout, not ${JSON.stringify(inspection.run)}` }
      const recorded = new Map([[name, new Map([['sha256', sha256]])]])
      const link: Link = {
        type: 'link',
        name: inspection.rawName ?? inspection.name,
        command: inspection.run,
        materials: recorded,
        products: recorded,
        byproducts: new Map<string, JsonValue>([
          ['stdout', ''],
          ['stderr', ''],
          ['return-value', 0n],
        ]),
        environment: new Map(),
      }
      return { status: 'ran', how: 'emulated', link }
    },
  }
}
