/**
 * Opening and exporting layout files in the editor.
 *
 * Export writes an unsigned metablock (`{"signatures": [], "signed": …}`) exactly as in-toto's
 * `Metablock.dump` writes it (Python `json.dumps`, indent 1, sorted keys): `in-toto-sign` and
 * the Keys workspace can sign it as it is, and the canonical JSON of its `signed` member is,
 * byte for byte, what the reference signs. (Canonical JSON itself leaves control characters
 * such as the newlines of PEM keys unescaped, which Python's strict JSON reader refuses, so it
 * is not a file format.)
 */
import { CoreError } from '../errors.ts'
import { pythonJsonDumps } from '../json/python-dump.ts'
import type { JsonValue } from '../json/value.ts'
import { readEnvelope } from '../envelope/read.ts'
import type { Envelope } from '../envelope/types.ts'
import { layoutToSigned } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'

export interface OpenedLayout {
  readonly layout: Layout
  readonly envelope: Envelope
  /** Members the reference ignores (not covered by a metablock's signatures), as JSON paths. */
  readonly ignored: readonly string[]
}

/** Reads a `.layout` file (metablock or DSSE, signed or not). Throws `CoreError` naming the file and JSON path. */
export function openLayoutFile(bytes: Uint8Array, fileName: string): OpenedLayout {
  const envelope = readEnvelope(bytes, fileName)
  if (envelope.content.type !== 'layout') {
    throw new CoreError('format', 'this is a link (signed evidence of a step), not a layout: open it in the Verify workspace', { file: fileName })
  }
  return { layout: envelope.content.layout, envelope, ignored: envelope.ignoredFields }
}

/** The unsigned layout file to download, as the reference writes it. */
export function exportLayoutText(layout: Layout): string {
  return pythonJsonDumps(
    new Map<string, JsonValue>([
      ['signatures', []],
      ['signed', layoutToSigned(layout)],
    ]),
    { indent: 1 },
  )
}

/** A file name for the export: the opened file's name, else `root.layout` (the reference's convention). */
export function exportFileName(opened: string | undefined): string {
  if (opened === undefined || opened === '') return 'root.layout'
  return /\.layout$/i.test(opened) ? opened : `${opened.replace(/\.[^./\\]*$/, '')}.layout`
}
