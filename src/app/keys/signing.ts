/**
 * Signing the open layout: lint decides whether it may be signed at all, then the owners' keys
 * sign a new envelope or add their signatures to the one the layout already has.
 */
import { bytesEqual } from '../../core/encoding/utf8.ts'
import { canonicalBytes } from '../../core/json/canonical.ts'
import { addSignatures, normalizedSigned, signDocument, type EnvelopeFormat } from '../../core/envelope/sign.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import { lintLayout, type LintFinding } from '../../core/lint/lint.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import { layoutToSigned } from '../../core/model/layout.ts'
import type { Layout } from '../../core/model/types.ts'

export type LintGate =
  | { readonly status: 'blocked'; readonly errors: readonly LintFinding[]; readonly warnings: readonly LintFinding[] }
  | { readonly status: 'confirm'; readonly warnings: readonly LintFinding[] }
  | { readonly status: 'clear' }

/** Errors refuse signing; warnings need the person's confirmation. */
export function lintGate(layout: Layout, now: Date = new Date()): LintGate {
  const findings = lintLayout(layout, { now })
  const errors = findings.filter((finding) => finding.severity === 'error')
  const warnings = findings.filter((finding) => finding.severity === 'warning')
  if (errors.length > 0) return { status: 'blocked', errors, warnings }
  if (warnings.length > 0) return { status: 'confirm', warnings }
  return { status: 'clear' }
}

/** Whether `envelope` signs exactly `layout` (same canonical bytes), so signatures may be appended to it. */
export function envelopeSignsLayout(envelope: Envelope, layout: Layout): boolean {
  if (envelope.content.type !== 'layout') return false
  return bytesEqual(canonicalBytes(normalizedSigned(envelope.content), 'signed'), canonicalBytes(layoutToSigned(layout), 'signed'))
}

export interface SignLayoutRequest {
  readonly layout: Layout
  readonly signers: readonly PrivateKey[]
  /** Used for a new envelope; an appended signature keeps the existing envelope's format. */
  readonly format: EnvelopeFormat
  /** The layout's current envelope, to add signatures to (`in-toto-sign --append`). */
  readonly appendTo?: Envelope
}

export async function signLayout(request: SignLayoutRequest): Promise<Envelope> {
  if (request.signers.length === 0) throw new Error('choose at least one owner key to sign with')
  const { appendTo } = request
  if (appendTo !== undefined) {
    if (!envelopeSignsLayout(appendTo, request.layout)) throw new Error('the existing signatures are for a different version of the layout: sign it anew instead of appending')
    return addSignatures(appendTo, request.signers)
  }
  return signDocument({ type: 'layout', layout: request.layout }, request.signers, request.format)
}
