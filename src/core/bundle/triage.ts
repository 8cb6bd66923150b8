/**
 * The triage list shown as soon as files are dropped: which step each link file will count
 * for (the verifier finds links by file name, `STEP.KEYID8.link`, in the step's directory),
 * and what is wrong with the rest — unsigned, signed by a key the layout does not know, for a
 * step the layout does not have, or simply named so that no step will read it.
 */
import type { Layout, Step } from '../model/types.ts'
import { sublayoutLinkDirName } from '../model/names.ts'
import { authorizedIds, linkPath, subkeyIds, sublayoutLinkDir } from '../verify/link-plan.ts'
import type { ClassifiedFile, FileKind } from './classify.ts'

export type TriageStatus =
  /** Will be read for a step, signed by the key its name says. */
  | 'matched'
  /** Will be read for a step, and holds a sublayout. */
  | 'sublayout'
  /** Has no signature at all. */
  | 'unsigned'
  /** Signed only by keys the layout does not list. */
  | 'unknown-key'
  /** Signed by a layout key that the step does not authorize. */
  | 'unauthorized'
  /** Its content names a step the layout (at its level) does not have. */
  | 'unknown-step'
  /** A valid-looking link no step will read under this name or in this directory. */
  | 'unmatched'
  /** A key or a layout: not a link, fine in a bundle. */
  | 'not-a-link'
  /** Could not be read as in-toto metadata. */
  | 'invalid'
  /** Some other file (a README): ignored. */
  | 'other'

export interface TriageEntry {
  readonly path: string
  readonly kind: FileKind
  readonly status: TriageStatus
  /** The step (with its sublayout directory, `build.99c9631e/test`) the file counts for or names. */
  readonly step?: string
  readonly signers: readonly string[]
  /** One sentence for the person looking at the list. */
  readonly message: string
}

export interface StepTriage {
  /** `package`, or `build.99c9631e/test` inside a sublayout. */
  readonly step: string
  readonly threshold: string
  /** Link files present under an authorized key's name. */
  readonly found: number
  /** Of those, how many carry a signature by the key their name says. */
  readonly signedAsNamed: number
  /** The file names the verifier will look for. */
  readonly expected: readonly string[]
}

export interface Triage {
  readonly entries: readonly TriageEntry[]
  readonly steps: readonly StepTriage[]
}

/** Triage of a bundle against the layout (or by kind only when there is no layout yet). */
export function triageBundle(layout: Layout | undefined, files: readonly ClassifiedFile[]): Triage {
  const byPath = new Map(files.map((file) => [file.path, file]))
  const claimed = new Map<string, TriageEntry>()
  const steps: StepTriage[] = []
  /** Directory → the layout whose links live there. */
  const levels = new Map<string, Layout>()
  if (layout) visitLevel(layout, '', byPath, claimed, steps, levels, 0)
  const entries = files.map((file) => claimed.get(file.path) ?? describeUnclaimed(file, layout ? levels : undefined))
  return { entries, steps }
}

const MAX_DEPTH = 32

function visitLevel(
  layout: Layout,
  dir: string,
  byPath: ReadonlyMap<string, ClassifiedFile>,
  claimed: Map<string, TriageEntry>,
  steps: StepTriage[],
  levels: Map<string, Layout>,
  depth: number,
): void {
  if (depth > MAX_DEPTH || levels.has(dir)) return
  levels.set(dir, layout)
  for (const step of layout.steps) {
    const stepLabel = join(dir, step.name)
    // A step's row comes before its sublayout's rows.
    const row = steps.length
    steps.push({ step: stepLabel, threshold: '', found: 0, signedAsNamed: 0, expected: [] })
    const expected: string[] = []
    let found = 0
    let signedAsNamed = 0
    for (const id of authorizedIds(layout, step)) {
      const path = linkPath(dir, step.name, id)
      expected.push(path)
      const file = byPath.get(path)
      if (file === undefined || claimed.has(path)) continue
      found++
      const entry = describeClaimed(file, layout, step, id, stepLabel)
      claimed.set(path, entry)
      if (entry.status === 'matched' || entry.status === 'sublayout') signedAsNamed++
      if (entry.status === 'sublayout' && file.envelope?.content.type === 'layout') {
        visitLevel(file.envelope.content.layout, sublayoutLinkDir(dir, step.name, id), byPath, claimed, steps, levels, depth + 1)
      }
    }
    steps[row] = { step: stepLabel, threshold: String(step.threshold === true ? 1n : step.threshold === false ? 0n : step.threshold), found, signedAsNamed, expected }
  }
}

/** A file the verifier will read for `step` as the link of keyid `id`. */
function describeClaimed(file: ClassifiedFile, layout: Layout, step: Step, id: string, stepLabel: string): TriageEntry {
  const base = { path: file.path, kind: file.kind, step: stepLabel, signers: file.signers }
  const keyid = layout.keys.get(id)?.keyid ?? id
  switch (file.kind) {
    case 'unknown':
      return { ...base, status: 'invalid', message: `Step '${step.name}' will read this file, and it is not readable: ${file.problem ?? 'unknown format'}` }
    case 'key':
      return { ...base, status: 'invalid', message: `Step '${step.name}' will read this file, but it holds a key, not a link.` }
    default:
  }
  if (file.signers.length === 0) return { ...base, status: 'unsigned', message: `Unsigned: step '${step.name}' cannot count it.` }
  if (!file.signers.includes(keyid)) {
    const known = file.signers.some((signer) => isLayoutKey(layout, signer))
    return {
      ...base,
      status: known ? 'unauthorized' : 'unknown-key',
      message: `Named for key ${shortId(id)} of step '${step.name}', but signed by ${file.signers.map(shortId).join(', ')}${known ? '' : ', which the layout does not list'}.`,
    }
  }
  if (file.kind === 'layout')
    return {
      ...base,
      status: 'sublayout',
      message: `Sublayout of step '${step.name}', signed by ${shortId(keyid)}; its links belong in '${sublayoutLinkDirName(step.name, id)}/'.`,
    }
  const named = file.name !== undefined && file.name !== step.name ? ` (its content names step '${file.name}')` : ''
  return { ...base, status: 'matched', message: `Link of step '${step.name}', signed by ${shortId(keyid)}${named}.` }
}

/** A file no step will read: say why, and what it would take. */
function describeUnclaimed(file: ClassifiedFile, levels: ReadonlyMap<string, Layout> | undefined): TriageEntry {
  const base = { path: file.path, kind: file.kind, signers: file.signers }
  switch (file.kind) {
    case 'unknown':
      return file.path.endsWith('.link') || file.problem !== 'not in-toto metadata or a public key'
        ? { ...base, status: 'invalid', message: file.problem ?? 'not readable' }
        : { ...base, status: 'other', message: 'Not in-toto metadata; ignored.' }
    case 'key':
      return { ...base, status: 'not-a-link', message: `A public key (keyid ${shortId(file.keyid ?? '')}); keys in a link bundle are not used.` }
    case 'layout':
      return { ...base, status: 'not-a-link', message: 'A layout that no step reads as its link; to verify it, drop it as the layout.' }
    default:
  }
  if (levels === undefined) return { ...base, status: 'unmatched', step: file.name, message: 'A link; choose a layout to see which step it belongs to.' }
  const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : ''
  const layout = levels.get(dir)
  if (layout === undefined) {
    return { ...base, status: 'unmatched', step: file.name, message: `In '${dir}/', a directory no step or sublayout reads links from.` }
  }
  const name = file.name ?? ''
  const step = layout.steps.find((candidate) => candidate.name === name)
  const label = join(dir, name)
  if (step === undefined) return { ...base, status: 'unknown-step', step: label, message: `For step '${name}', which the layout does not have.` }
  if (file.signers.length === 0) return { ...base, status: 'unsigned', step: label, message: `Unsigned link of step '${name}'; no step will read it.` }
  const ids = authorizedIds(layout, step)
  const authorized = ids.find((id) => file.signers.includes(layout.keys.get(id)?.keyid ?? id))
  if (authorized === undefined) {
    const known = file.signers.some((signer) => isLayoutKey(layout, signer))
    return {
      ...base,
      status: known ? 'unauthorized' : 'unknown-key',
      step: label,
      message: known
        ? `Signed by ${file.signers.map(shortId).join(', ')}, which step '${name}' does not authorize.`
        : `Signed by ${file.signers.map(shortId).join(', ')}, which the layout does not list.`,
    }
  }
  return {
    ...base,
    status: 'unmatched',
    step: label,
    message: `A link of step '${name}', but the verifier only reads '${linkPath(dir, name, authorized)}': rename it to be counted.`,
  }
}

function isLayoutKey(layout: Layout, keyid: string): boolean {
  if (layout.keys.has(keyid)) return true
  for (const key of layout.keys.values()) if (key.keyid === keyid || subkeyIds(key).includes(keyid)) return true
  return false
}

function shortId(keyid: string): string {
  return keyid.slice(0, 8)
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name
}
