/**
 * The working draft the app keeps in browser storage between visits: the layout, plus editor
 * metadata that is never signed (key display names, node positions, the file name). Versioned,
 * so that a draft saved by an older version of the app still opens; a draft from a newer
 * version is refused rather than misread.
 *
 * The layout is stored as compact JSON text (control characters escaped, unlike canonical
 * JSON) and read back with the strict parser, so integers of any size survive.
 */
import { CoreError } from '../errors.ts'
import { parseJson } from '../json/parse.ts'
import { pythonJsonDumps } from '../json/python-dump.ts'
import { layoutToSigned, parseLayout } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'
import type { Envelope } from '../envelope/types.ts'
import { serializeEnvelope } from '../envelope/sign.ts'
import type { Point } from './auto-layout.ts'
import { openLayoutFile } from './files.ts'

export const DRAFT_VERSION = 1

export interface Draft {
  readonly layout: Layout
  readonly keyNames: ReadonlyMap<string, string>
  readonly positions: ReadonlyMap<string, Point>
  readonly fileName?: string
  /** ISO time of saving. */
  readonly savedAt: string
  /** Whether it had changes not yet exported. */
  readonly unsaved: boolean
  /** The signed file the layout came from, while no edit has voided its signatures: a reload keeps them. */
  readonly envelope?: Envelope
}

interface StoredDraftV1 {
  version: 1
  savedAt: string
  fileName?: string
  unsaved: boolean
  layout: string
  keyNames: [string, string][]
  positions: [string, Point][]
  /** Optional (older drafts have none): the signed envelope as its file text. */
  envelope?: string
}

export function serializeDraft(draft: Draft): string {
  const stored: StoredDraftV1 = {
    version: DRAFT_VERSION,
    savedAt: draft.savedAt,
    ...(draft.fileName !== undefined ? { fileName: draft.fileName } : {}),
    unsaved: draft.unsaved,
    layout: pythonJsonDumps(layoutToSigned(draft.layout), {}),
    keyNames: [...draft.keyNames],
    positions: [...draft.positions].map(([id, p]) => [id, { x: p.x, y: p.y }]),
    ...(draft.envelope !== undefined ? { envelope: serializeEnvelope(draft.envelope) } : {}),
  }
  return JSON.stringify(stored)
}

function fail(message: string): never {
  throw new CoreError('format', `saved draft: ${message}`)
}

/** Reads a stored draft of this or an older version. Throws `CoreError('format')` saying what is wrong. */
export function parseDraft(text: string): Draft {
  let stored: unknown
  try {
    stored = JSON.parse(text)
  } catch {
    fail('not JSON')
  }
  if (typeof stored !== 'object' || stored === null) fail('not an object')
  const version = (stored as { version?: unknown }).version
  if (version !== 1) {
    fail(typeof version === 'number' && version > DRAFT_VERSION ? `version ${version} was written by a newer Layout Studio` : `unknown version ${JSON.stringify(version)}`)
  }
  const v1 = stored as Partial<StoredDraftV1>
  if (typeof v1.layout !== 'string') fail('"layout" is missing')
  let layout: Layout
  try {
    layout = parseLayout(parseJson(v1.layout), 'saved draft')
  } catch (error) {
    fail(`the layout cannot be read: ${error instanceof Error ? error.message : String(error)}`)
  }
  const pairs = <T>(value: unknown, check: (entry: unknown) => entry is [string, T], what: string): Map<string, T> => {
    if (value === undefined) return new Map()
    if (!Array.isArray(value) || !value.every(check)) fail(`"${what}" is malformed`)
    return new Map(value as [string, T][])
  }
  const isName = (entry: unknown): entry is [string, string] => Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string'
  const isPosition = (entry: unknown): entry is [string, Point] =>
    Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1]?.x === 'number' && typeof entry[1]?.y === 'number'
  let envelope: Envelope | undefined
  if (v1.envelope !== undefined) {
    if (typeof v1.envelope !== 'string') fail('"envelope" is malformed')
    try {
      const opened = openLayoutFile(new TextEncoder().encode(v1.envelope), 'saved draft')
      // The signed layout is what the signatures cover: it is the document, whatever the draft's copy says.
      layout = opened.layout
      envelope = opened.envelope
    } catch (error) {
      fail(`the signed layout cannot be read: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  return {
    layout,
    ...(envelope !== undefined ? { envelope } : {}),
    keyNames: pairs(v1.keyNames, isName, 'keyNames'),
    positions: pairs(v1.positions, isPosition, 'positions'),
    ...(typeof v1.fileName === 'string' ? { fileName: v1.fileName } : {}),
    savedAt: typeof v1.savedAt === 'string' ? v1.savedAt : '',
    unsaved: v1.unsaved === true,
  }
}
