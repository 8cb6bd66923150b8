/**
 * The in-toto layout a rebuilder policy amounts to, in the shape of the Debian rebuilder
 * design (apt-transport-in-toto's `root.layout`): one step `rebuild` that k of the trusted
 * rebuilders' keys must sign, whose products are the rebuilt files; one inspection that looks
 * at the downloaded file and requires it to MATCH what the rebuilders produced.
 *
 * The layout counts keys, not operators: an operator with several keys (rebuilderd's worker
 * and daemon, per-architecture instances) would count once per key toward the step's
 * threshold. Such a layout is still shown, with the problem named ({@link layoutCaveats}); the
 * package check itself counts operators.
 */
import { createInspection, createStep, formatExpires, layoutKeyFromJson } from '../model/layout.ts'
import type { Layout, LayoutKey } from '../model/types.ts'
import type { RebuilderPolicy } from './policy.ts'

/** The step name of the 2018 design; rebuilderd names each link `rebuild <artifact file name>`. */
export const REBUILD_STEP = 'rebuild'
export const REPRODUCIBLE_INSPECTION = 'verify-reprobuilds'

export interface PolicyLayoutOptions {
  /** When the layout should expire (default: one year after `now`). */
  readonly expires?: string
  readonly now?: Date
  /** The files the rebuilders attest, as an in-toto pattern (default `*`; apt-transport-in-toto: `*.deb`). */
  readonly pattern?: string
  /** The inspection's command (default `true`, which records the working directory). */
  readonly run?: readonly string[]
  readonly readme?: string
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000

/** The layout, and the display name of each key (`operator (label)`). */
export function policyLayout(policy: RebuilderPolicy, options: PolicyLayoutOptions = {}): { layout: Layout; keyNames: Map<string, string>; operators: Map<string, string> } {
  const now = options.now ?? new Date()
  const pattern = options.pattern ?? '*'
  const names = policy.rebuilders.map((rebuilder) => rebuilder.name)
  const readme =
    options.readme ??
    `Rebuilder policy: at least ${policy.threshold} of ${names.length} trusted rebuilders (${names.join(', ') || 'none yet'}) must report exactly the package's bytes. Made by Layout Studio from a rebuilder policy.`
  const keys = new Map<string, LayoutKey>()
  const keyNames = new Map<string, string>()
  const operators = new Map<string, string>()
  for (const rebuilder of policy.rebuilders) {
    for (const key of rebuilder.keys) {
      keys.set(key.keyid, layoutKeyFromJson(key.layoutKey, `keys[${JSON.stringify(key.keyid)}]`))
      keyNames.set(key.keyid, key.label ? `${rebuilder.name} (${key.label})` : rebuilder.name)
      operators.set(key.keyid, rebuilder.name)
    }
  }
  const rebuild = createStep(REBUILD_STEP, {
    threshold: BigInt(policy.threshold),
    pubkeys: [...keys.keys()],
    expectedProducts: [
      ['CREATE', pattern],
      ['DISALLOW', pattern],
    ],
  })
  const inspection = createInspection(REPRODUCIBLE_INSPECTION, {
    run: [...(options.run ?? ['true'])],
    expectedMaterials: [
      ['MATCH', pattern, 'WITH', 'PRODUCTS', 'FROM', REBUILD_STEP],
      ['DISALLOW', pattern],
    ],
  })
  const expires = options.expires ?? formatExpires(new Date(Math.floor(now.getTime() / 1000) * 1000 + YEAR_MS))
  const layout: Layout = { type: 'layout', expires, readme, keys, steps: [rebuild], inspect: [inspection] }
  return { layout, keyNames, operators }
}

/** Where the layout and the policy would count differently, in words. */
export function layoutCaveats(policy: RebuilderPolicy): string[] {
  const caveats: string[] = []
  for (const rebuilder of policy.rebuilders) {
    if (rebuilder.keys.length > 1) {
      caveats.push(
        `'${rebuilder.name}' has ${rebuilder.keys.length} keys: in-toto would count each as a separate functionary toward the threshold, where this policy counts one vote per rebuilder.`,
      )
    }
  }
  return caveats
}
