/**
 * A layout comparison as the CLI prints it and the app downloads it: one sentence per change,
 * and the note that changes invalidate signatures. The JSON form is plain data (stable member
 * names), for scripts and review bots.
 */
import { SIGNATURES_NOTE, type Change, type LayoutDiff } from './layout-diff.ts'

export interface DiffSides {
  /** File names (or "the version you opened"…) of the two layouts. */
  readonly old: string
  readonly new: string
  /** How many signatures each envelope carries. */
  readonly oldSignatures: number
  readonly newSignatures: number
}

export interface DiffReport {
  readonly old: string
  readonly new: string
  readonly equal: boolean
  readonly changes: readonly Change[]
  readonly signatures: { readonly old: number; readonly new: number }
  readonly note?: string
}

export function diffReport(diff: LayoutDiff, sides: DiffSides): DiffReport {
  return {
    old: sides.old,
    new: sides.new,
    equal: diff.equal,
    changes: diff.changes,
    signatures: { old: sides.oldSignatures, new: sides.newSignatures },
    ...(diff.equal ? {} : { note: SIGNATURES_NOTE }),
  }
}

function signatures(count: number): string {
  return count === 0 ? 'unsigned' : count === 1 ? '1 signature' : `${count} signatures`
}

export function diffText(report: DiffReport): string {
  const header = `${report.old} (${signatures(report.signatures.old)}) → ${report.new} (${signatures(report.signatures.new)})`
  if (report.equal) return `${header}\nThe layouts are equal in substance: the bytes a signature covers are the same.\n`
  const lines = [`${header}: ${report.changes.length === 1 ? '1 change' : `${report.changes.length} changes`}`, ...report.changes.map((change) => `- ${change.sentence}`)]
  if (report.note) lines.push(report.note)
  return `${lines.join('\n')}\n`
}
