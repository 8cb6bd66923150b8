/**
 * Simulated recorded runs for inference tests: a working tree that each step changes (create,
 * modify, delete, leave files), recorded before and after as `in-toto-run -m … -p …` would
 * (all of the tree, or a part of it), by one or two functionaries, signed with real keys.
 */
import fc from 'fast-check'
import { serializeEnvelope, signDocument } from '../../src/core/envelope/sign.ts'
import type { Envelope } from '../../src/core/envelope/types.ts'
import { utf8 } from '../../src/core/encoding/utf8.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { createLink } from '../../src/core/model/link.ts'
import { linkFileName } from '../../src/core/model/names.ts'
import type { ArtifactMap, HashDict, Link } from '../../src/core/model/types.ts'

/** Paths with directories, nesting, and fnmatch-special characters. */
export const PATHS = ['README', 'a.txt', 'src/x.py', 'src/y.py', 'src/sub/z.py', 'lib/m.c', 'lib/n.c', 'docs/[draft].md', 'docs/q*.md', 'out/app.bin', 'out/app.sig']

export type Operation = 'keep' | 'modify' | 'delete' | 'create'

export interface StepPlan {
  /** Per path in PATHS: what the step does to it (only applicable operations take effect). */
  readonly operations: readonly Operation[]
  /** Per path: whether it is recorded as a material / a product (when it exists). */
  readonly recordMaterial: readonly boolean[]
  readonly recordProduct: readonly boolean[]
  /** 1 or 2 functionaries record the same run. */
  readonly signers: 1 | 2
}

export interface ChainPlan {
  /** Which paths exist before the first step. */
  readonly initial: readonly boolean[]
  readonly steps: readonly StepPlan[]
}

const bools = fc.array(fc.boolean(), { minLength: PATHS.length, maxLength: PATHS.length })
const mostlyTrue = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), {
  minLength: PATHS.length,
  maxLength: PATHS.length,
})

export const chainPlan: fc.Arbitrary<ChainPlan> = fc.record({
  initial: bools,
  steps: fc.array(
    fc.record({
      operations: fc.array(fc.constantFrom<Operation>('keep', 'keep', 'modify', 'delete', 'create'), { minLength: PATHS.length, maxLength: PATHS.length }),
      recordMaterial: mostlyTrue,
      recordProduct: mostlyTrue,
      signers: fc.constantFrom<1 | 2>(1, 1, 2),
    }),
    { minLength: 1, maxLength: 5 },
  ),
})

export interface RecordedLink {
  readonly step: string
  readonly file: string
  readonly signer: PrivateKey
  readonly link: Link
}

/** Runs the plan: each step's link(s) as the recorder would write them (not yet signed). */
export function runChain(plan: ChainPlan, functionaries: readonly PrivateKey[]): RecordedLink[] {
  let version = 0
  const fresh = (): HashDict => new Map([['sha256', (++version).toString(16).padStart(64, '0')]])
  const tree = new Map<string, HashDict>()
  PATHS.forEach((path, i) => {
    if (plan.initial[i]) tree.set(path, fresh())
  })
  const links: RecordedLink[] = []
  plan.steps.forEach((step, index) => {
    const name = `step${index}`
    const materials: Map<string, HashDict> = new Map()
    PATHS.forEach((path, i) => {
      const hashes = tree.get(path)
      if (hashes !== undefined && step.recordMaterial[i]) materials.set(path, hashes)
    })
    PATHS.forEach((path, i) => {
      const operation = step.operations[i]
      const exists = tree.has(path)
      if (operation === 'modify' && exists) tree.set(path, fresh())
      else if (operation === 'delete' && exists) tree.delete(path)
      else if (operation === 'create' && !exists) tree.set(path, fresh())
    })
    const products: Map<string, HashDict> = new Map()
    PATHS.forEach((path, i) => {
      const hashes = tree.get(path)
      if (hashes !== undefined && step.recordProduct[i]) products.set(path, hashes)
    })
    const link = createLink(name, { command: ['make', name], materials, products })
    for (let s = 0; s < step.signers; s++) {
      const signer = functionaries[(index + s) % functionaries.length] as PrivateKey
      links.push({ step: name, file: linkFileName(name, signer.publicKey.keyid), signer, link })
    }
  })
  return links
}

export interface SignedLink extends RecordedLink {
  readonly envelope: Envelope
  readonly bytes: Uint8Array
}

export async function signLinks(links: readonly RecordedLink[]): Promise<SignedLink[]> {
  const out: SignedLink[] = []
  for (const link of links) {
    const envelope = await signDocument({ type: 'link', link: link.link }, [link.signer])
    out.push({ ...link, envelope, bytes: utf8(serializeEnvelope(envelope)) })
  }
  return out
}

/** `link` with the digest of one artifact replaced. */
export function withDigest(link: Link, list: 'materials' | 'products', path: string, digest: string): Link {
  const replace = (map: ArtifactMap): ArtifactMap => new Map([...map].map(([p, h]) => [p, p === path ? new Map([['sha256', digest]]) : h]))
  return list === 'materials' ? { ...link, materials: replace(link.materials) } : { ...link, products: replace(link.products) }
}
