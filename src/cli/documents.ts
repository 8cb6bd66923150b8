/**
 * Reading the layout or link file a command works on: a signed envelope (metablock or DSSE)
 * or, as the editor exports them, a bare `{"_type": "layout", ...}` document, which is then
 * put in an unsigned metablock.
 */
import { createEnvelope } from '../core/envelope/sign.ts'
import { parseEnvelope } from '../core/envelope/read.ts'
import type { Envelope } from '../core/envelope/types.ts'
import { prefixPath } from '../core/errors.ts'
import { parseJsonBytes } from '../core/json/parse.ts'
import type { JsonValue } from '../core/json/value.ts'
import { parseLayoutWithNotes } from '../core/model/layout.ts'
import { parseLinkWithNotes } from '../core/model/link.ts'
import { readInputFile } from './key-files.ts'

export interface LoadedDocument {
  readonly envelope: Envelope
  /** The file held a bare document, not an envelope. */
  readonly bare: boolean
  /** Where the document sits in the file: `signed`, `payload`, or `''` for a bare document. */
  readonly root: string
  /** JSON paths (in the file) of members the reference drops: they are not signed. */
  readonly ignored: readonly string[]
}

/** Reads and validates `file`; throws `CoreError` (with file and JSON path) on bad content. */
export async function readDocumentFile(file: string, what = 'file'): Promise<LoadedDocument> {
  return parseDocument(await readInputFile(file, what), file)
}

export function parseDocument(bytes: Uint8Array, file: string): LoadedDocument {
  const json = parseJsonBytes(bytes, { file })
  if (isBareDocument(json)) {
    if (json.get('_type') === 'link') {
      const { link, ignored } = parseLinkWithNotes(json, file)
      return { envelope: createEnvelope({ type: 'link', link }, 'metablock'), bare: true, root: '', ignored: ignored.map((issue) => issue.path) }
    }
    const { layout, ignored } = parseLayoutWithNotes(json, file)
    return { envelope: createEnvelope({ type: 'layout', layout }, 'metablock'), bare: true, root: '', ignored: ignored.map((issue) => issue.path) }
  }
  const envelope = parseEnvelope(json, file)
  return { envelope, bare: false, root: envelope.format === 'metablock' ? 'signed' : 'payload', ignored: envelope.ignoredFields }
}

function isBareDocument(json: JsonValue): json is Map<string, JsonValue> {
  return json instanceof Map && json.has('_type') && !json.has('signed') && !json.has('payload')
}

/** A path inside the document as a path inside the file. */
export function filePath(loaded: Pick<LoadedDocument, 'root'>, path: string): string {
  return prefixPath(loaded.root, path)
}
