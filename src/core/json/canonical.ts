/**
 * Canonical JSON exactly as securesystemslib 0.26 `encode_canonical` writes it; these are
 * the bytes every in-toto metablock signature covers.
 *
 * - no whitespace; separators `,` and `:`;
 * - strings: only `\` and `"` are escaped, everything else (control characters, non-ASCII)
 *   is written raw, then the whole text is UTF-8 encoded;
 * - object keys sorted by Unicode code point (Python `sorted` on `str`), which differs from
 *   JavaScript's UTF-16 order for keys mixing astral characters and U+E000–U+FFFF;
 * - integers of any size in plain decimal (`-0` is `0`); every float is an error.
 *
 * @example
 * encodeCanonical(new Map([['b', 1n], ['a', [true, null]]])) // '{"a":[true,null],"b":1}'
 */
import { CoreError, type ReferenceException } from '../errors.ts'
import { JsonFloat, joinPath, type JsonInput, type PathSegment } from './value.ts'

const textEncoder = new TextEncoder()

/** The canonical JSON text of `value`. Throws {@link CoreError} `canonical` naming the JSON path. */
export function encodeCanonical(value: JsonInput, rootPath = ''): string {
  return write(value, rootPath, [])
}

/** The canonical JSON of `value` as UTF-8 bytes: what a metablock signature signs. */
export function canonicalBytes(value: JsonInput, rootPath = ''): Uint8Array<ArrayBuffer> {
  return textEncoder.encode(encodeCanonical(value, rootPath)) as Uint8Array<ArrayBuffer>
}

/** The error canonical encoding of `value` would raise, if any. */
export function canonicalProblem(value: JsonInput, rootPath = ''): CoreError | undefined {
  try {
    write(value, rootPath, [])
    return undefined
  } catch (error) {
    if (error instanceof CoreError) return error
    throw error
  }
}

/**
 * One test finds the characters to escape, surrogates to check, and the characters
 * (U+D800 and above) for which JavaScript's string order differs from code point order.
 */
const SPECIAL = /["\\\ud800-\uffff]/
const ESCAPE_ALL = /["\\]/g

function fail(detail: string, rootPath: string, trail: readonly PathSegment[], exception?: ReferenceException): never {
  let path = rootPath
  for (const segment of trail) path = joinPath(path, segment)
  throw new CoreError('canonical', detail, { path, exception })
}

function quoteSpecial(text: string, rootPath: string, trail: readonly PathSegment[]): string {
  // Python encodes the canonical text as UTF-8, which a lone surrogate cannot be.
  if (!text.isWellFormed()) fail('a string contains a lone UTF-16 surrogate, which cannot be encoded as UTF-8', rootPath, trail, 'UnicodeEncodeError')
  return '"' + text.replace(ESCAPE_ALL, '\\$&') + '"'
}

function quote(text: string, rootPath: string, trail: readonly PathSegment[]): string {
  return SPECIAL.test(text) ? quoteSpecial(text, rootPath, trail) : '"' + text + '"'
}

/**
 * Returns the canonical text of `value`. Text is built by concatenation (V8 ropes), which
 * measured faster than collecting parts. `trail` holds the path segments down to `value`; it is
 * only formatted when an error is raised.
 */
function write(value: JsonInput, rootPath: string, trail: PathSegment[]): string {
  switch (typeof value) {
    case 'string':
      return quote(value, rootPath, trail)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'number':
      if (!Number.isSafeInteger(value)) fail(`canonical JSON cannot encode the number ${String(value)}: only integers are allowed`, rootPath, trail)
      return String(value === 0 ? 0 : value)
    case 'object':
      break
    default:
      fail(`canonical JSON cannot encode a value of type ${typeof value}`, rootPath, trail)
  }
  if (value === null) return 'null'
  if (value instanceof JsonFloat) fail(`canonical JSON cannot encode the float ${value.lexeme}: only integers are allowed`, rootPath, trail)
  if (Array.isArray(value)) {
    const items = value as readonly JsonInput[]
    let out = '['
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += ','
      trail.push(i)
      out += write(items[i] as JsonInput, rootPath, trail)
      trail.pop()
    }
    return out + ']'
  }
  if (value instanceof Map) return writeMap(value as ReadonlyMap<string, JsonInput>, rootPath, trail)
  const record = value as Record<string, JsonInput>
  return writeMap(new Map(Object.keys(record).map((key) => [key, record[key] as JsonInput])), rootPath, trail)
}

/**
 * Writes an object. Parsed in-toto files already list keys in sorted order, so the map is
 * written in insertion order while checking that order; only an unsorted map pays for a sort.
 */
function writeMap(map: ReadonlyMap<string, JsonInput>, rootPath: string, trail: PathSegment[]): string {
  let out = '{'
  let previous: string | undefined
  let previousIsPlain = true
  for (const [key, item] of map) {
    trail.push(key)
    const plain = !SPECIAL.test(key)
    if (previous !== undefined) {
      // For keys without U+D800..U+FFFF, JavaScript's `<` is code point order.
      const ordered = plain && previousIsPlain ? previous < key : compareCodePoints(previous, key) < 0
      if (!ordered) {
        trail.pop()
        return writeSorted(map, rootPath, trail)
      }
      out += ','
    }
    out += (plain ? '"' + key + '"' : quoteSpecial(key, rootPath, trail)) + ':' + write(item, rootPath, trail)
    trail.pop()
    previous = key
    previousIsPlain = plain
  }
  return out + '}'
}

function writeSorted(map: ReadonlyMap<string, JsonInput>, rootPath: string, trail: PathSegment[]): string {
  const keys = [...map.keys()]
  // Without U+D800..U+FFFF in any key, the native UTF-16 sort is code point order and much faster.
  if (keys.some((key) => SPECIAL.test(key))) keys.sort(compareCodePoints)
  else keys.sort()
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    trail.push(key)
    if (i > 0) out += ','
    out += quote(key, rootPath, trail) + ':' + write(map.get(key) as JsonInput, rootPath, trail)
    trail.pop()
  }
  return out + '}'
}

/**
 * Compares strings by Unicode code point, as Python compares `str`. UTF-16 code-unit order
 * (JavaScript's `<`) agrees except when a surrogate pair meets a unit in U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (D800–DFFF) stand for code points above FFFF: they sort after E000–FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x
    const ys = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y
    return xs - ys
  }
  return a.length - b.length
}

/**
 * `bytes[start, end)` (UTF-8 JSON text) without the whitespace outside strings. When the text
 * is one value whose compact form is canonical (see `MemberSpan.compactIsCanonical` in
 * parse.ts), this is its canonical JSON, produced in one pass over the file's bytes instead
 * of by re-serializing the parsed value (the dominant cost for large links).
 */
export function compactJsonBytes(bytes: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(end - start)
  return out.subarray(0, compactJsonInto(bytes, start, end, out, 0))
}

/**
 * {@link compactJsonBytes} writing into `out` from `at` (which must have room for `end - start`
 * bytes); returns the new end of the output. `start` must not be inside a string.
 */
export function compactJsonInto(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  // One plain byte loop: measured faster than copying whole strings with indexOf + set.
  let length = at
  let inString = false
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number
    if (inString) {
      out[length++] = b
      if (b === 0x5c /* \ */) out[length++] = bytes[++i] as number
      else if (b === 0x22 /* " */) inString = false
    } else if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
      out[length++] = b
      if (b === 0x22) inString = true
    }
  }
  return length
}
