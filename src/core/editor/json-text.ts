/**
 * The layout as JSON text for the editor's JSON view, and back. The view shows the signed
 * layout with keys sorted as canonical JSON sorts them, indented so people can read it (the
 * export writes the canonical bytes themselves). Problems found when reading text back carry
 * the offsets of the value their JSON path names, so the editor can mark them in place.
 */
import { CoreError, ValidationError } from '../errors.ts'
import { encodeCanonical } from '../json/canonical.ts'
import { parseJson } from '../json/parse.ts'
import { pythonJsonDumps } from '../json/python-dump.ts'
import { joinPath, type PathSegment } from '../json/value.ts'
import { inspectionToSigned, layoutToSigned, parseLayout, stepToSigned } from '../model/layout.ts'
import type { Inspection, Layout, Step } from '../model/types.ts'

const INDENT = 2
/** Text of each step and inspection, by object: an edit replaces only the items it changes, so the others are reused. */
const itemTexts = new WeakMap<Step | Inspection, string>()

function itemText(item: Step | Inspection): string {
  let text = itemTexts.get(item)
  if (text === undefined) {
    // Items sit two levels deep (in "steps"/"inspect" of the layout); dumped strings never hold raw newlines.
    text = pythonJsonDumps(item.type === 'step' ? stepToSigned(item) : inspectionToSigned(item), { indent: INDENT }).replaceAll('\n', `\n${' '.repeat(2 * INDENT)}`)
    itemTexts.set(item, text)
  }
  return text
}

/**
 * The readable form shown in the JSON view: Python's `json.dumps(signed, indent=2,
 * sort_keys=True)`, built from per-item pieces so that an edit of one step in a layout of
 * hundreds costs one step's worth of formatting.
 */
export function layoutJsonText(layout: Layout): string {
  const pad = ' '.repeat(INDENT)
  const list = (items: readonly (Step | Inspection)[]): string => (items.length === 0 ? '[]' : `[\n${pad}${pad}${items.map(itemText).join(`,\n${pad}${pad}`)}\n${pad}]`)
  const rest = layoutToSigned({ ...layout, steps: [], inspect: [] })
  // "inspect" and "steps" are replaced by markers that sort in the same place, then by their text.
  const skeleton = pythonJsonDumps(rest, { indent: INDENT })
  // Replacement functions, not strings: item text may contain `$&` and the like.
  return skeleton.replace('"inspect": []', () => `"inspect": ${list(layout.inspect)}`).replace(/"steps": \[\]\n\}$/, () => `"steps": ${list(layout.steps)}\n}`)
}

/** The exact bytes the reference signs for this layout (securesystemslib canonical JSON). */
export function canonicalLayoutText(layout: Layout): string {
  return encodeCanonical(layoutToSigned(layout))
}

export interface TextRange {
  readonly start: number
  readonly end: number
}

export interface TextProblem {
  readonly message: string
  /** JSON path inside the layout (`""` for the whole document). */
  readonly path: string
  readonly range: TextRange
}

export type LayoutTextResult = { readonly ok: true; readonly layout: Layout } | { readonly ok: false; readonly problems: readonly TextProblem[] }

/** Reads the JSON view's text: strict JSON, then the reference's layout rules. */
export function parseLayoutText(text: string): LayoutTextResult {
  let value
  try {
    value = parseJson(text)
  } catch (error) {
    if (!(error instanceof CoreError)) throw error
    return { ok: false, problems: [{ message: stripPosition(error.detail), path: error.path ?? '', range: syntaxRange(text, error.detail) }] }
  }
  try {
    return { ok: true, layout: parseLayout(value) }
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error
    const offsets = jsonPathOffsets(text)
    return { ok: false, problems: error.issues.map((issue) => ({ message: issue.message, path: issue.path, range: locate(offsets, issue.path) })) }
  }
}

/** The strict parser reports `line L, column C: …` (see core/json/parse.ts). */
const POSITION = /^line (\d+), column (\d+): /

function stripPosition(detail: string): string {
  return detail.replace(POSITION, '')
}

function syntaxRange(text: string, detail: string): TextRange {
  const match = POSITION.exec(detail)
  if (!match) return { start: 0, end: Math.min(1, text.length) }
  let offset = 0
  for (let line = 1; line < Number(match[1]); line++) {
    const next = text.indexOf('\n', offset)
    if (next < 0) break
    offset = next + 1
  }
  const start = Math.min(text.length, offset + Number(match[2]) - 1)
  return { start, end: Math.min(text.length, start + 1) }
}

/** Splits a formatted path (`steps[0].name`, `keys["ab…"]`) into segments. */
export function splitPath(path: string): PathSegment[] {
  const segments: PathSegment[] = []
  const token = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y
  let at = 0
  while (at < path.length) {
    token.lastIndex = at
    const match = token.exec(path)
    if (!match) break
    if (match[1] !== undefined) segments.push(match[1])
    else if (match[2] !== undefined) segments.push(Number(match[2]))
    else segments.push(JSON.parse(match[3] as string) as string)
    at = token.lastIndex
  }
  return segments
}

/** The same path written the one way `joinPath` writes it. */
export function normalizePath(path: string): string {
  return splitPath(path).reduce<string>((out, segment) => joinPath(out, segment), '')
}

/** The range of the value at `path`, or of its nearest ancestor that exists. */
export function locate(offsets: ReadonlyMap<string, TextRange>, path: string): TextRange {
  const segments = splitPath(path)
  for (let n = segments.length; n >= 0; n--) {
    const found = offsets.get(segments.slice(0, n).reduce<string>((out, segment) => joinPath(out, segment), ''))
    if (found) return found
  }
  return { start: 0, end: 0 }
}

/** Offsets of every value in a (syntactically valid) JSON text, by normalized JSON path. */
export function jsonPathOffsets(text: string): Map<string, TextRange> {
  const offsets = new Map<string, TextRange>()
  let i = 0
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++
  }
  const string = (): string => {
    const start = i
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    i++
    return JSON.parse(text.slice(start, i)) as string
  }
  const value = (path: string): void => {
    skip()
    const start = i
    const ch = text[i]
    if (ch === '{') {
      i++
      skip()
      while (text[i] !== '}' && i < text.length) {
        skip()
        const key = string()
        skip()
        i++ // ':'
        value(joinPath(path, key))
        skip()
        if (text[i] === ',') i++
        skip()
      }
      i++
    } else if (ch === '[') {
      i++
      skip()
      let index = 0
      while (text[i] !== ']' && i < text.length) {
        value(joinPath(path, index++))
        skip()
        if (text[i] === ',') i++
        skip()
      }
      i++
    } else if (ch === '"') {
      string()
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++
    }
    offsets.set(path, { start, end: i })
  }
  value('')
  return offsets
}
