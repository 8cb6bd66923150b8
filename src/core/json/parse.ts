/**
 * A strict JSON parser for untrusted in-toto files.
 *
 * It accepts what Python's `json` module accepts (the reference reads files with it),
 * including `NaN`, `Infinity` and `-Infinity`, and refuses, with the file, line, column and
 * JSON path, what is unsafe to accept even where Python does not object:
 *
 * - duplicate object keys (Python silently keeps the last one: two readers of one file could
 *   then disagree on what was signed);
 * - lone UTF-16 surrogates (`"\ud800"`), which cannot be encoded as UTF-8, so could never be
 *   part of signed bytes;
 * - a UTF-8 byte order mark or invalid UTF-8 (Python raises on both);
 * - integers of more than 4300 digits (Python's `int` refuses them) and nesting deeper than
 *   {@link MAX_DEPTH} levels (Python's recursion limit).
 *
 * Integers become `bigint`, other numbers {@link JsonFloat}, objects `Map`.
 */
import { CoreError } from '../errors.ts'
import { JsonFloat, formatPath, type JsonObject, type JsonValue, type PathSegment } from './value.ts'

/** Nesting limit: in-toto documents are a few levels deep; Python's recursion limit is ~1000. */
export const MAX_DEPTH = 500
/** Python 3.11 refuses to convert integers longer than this (`sys.int_info.default_max_str_digits`). */
const MAX_INT_DIGITS = 4300

export interface ParseOptions {
  /** Name of the file the text came from, for error messages. */
  readonly file?: string
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes UTF-8 exactly as Python's strict decoder does: invalid bytes and a BOM are errors. */
export function decodeUtf8(bytes: Uint8Array, file?: string): string {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new CoreError('json', 'unexpected UTF-8 byte order mark at the start of the file', { file })
  }
  try {
    return utf8Decoder.decode(bytes)
  } catch (cause) {
    // Python decodes the file before parsing it: its UnicodeDecodeError escapes `load_json_file`.
    throw new CoreError('json', 'the file is not valid UTF-8 text', { file, cause, exception: 'UnicodeDecodeError' })
  }
}

/** Parses JSON from raw file bytes (see {@link decodeUtf8} and {@link parseJson}). */
export function parseJsonBytes(bytes: Uint8Array, options: ParseOptions = {}): JsonValue {
  return parseJson(decodeUtf8(bytes, options.file), options)
}

/** Parses one JSON text (a whole file). Throws {@link CoreError} with code `json` on any problem. */
export function parseJson(text: string, options: ParseOptions = {}): JsonValue {
  return new Parser(text, options.file, false).whole()
}

/** Where a member of the root object is written, in byte offsets of the (ASCII) file. */
export interface MemberSpan {
  /** The member's value is `text.slice(start, end)`. */
  readonly start: number
  readonly end: number
  /**
   * The value's canonical JSON (canonical.ts) is exactly its text with the whitespace outside
   * strings removed: every object's keys are in strictly ascending code point order, no string
   * has an escape other than `\"` and `\\`, no float, `NaN`, `Infinity` or `-0`. True for
   * what in-toto's Python writes (sorted keys, ASCII), so the signed bytes can be taken from the
   * file (see {@link compactJsonBytes}) instead of re-serializing the parsed value.
   */
  readonly compactIsCanonical: boolean
}

export interface ParsedDocument {
  readonly value: JsonValue
  /** The root object's members, when the root is an object. */
  readonly members: ReadonlyMap<string, MemberSpan>
}

/**
 * {@link parseJsonBytes}, also reporting where each member of the root object is written.
 * Spans are only recorded for pure ASCII files (what in-toto writes), where text offsets are
 * byte offsets and UTF-16 order is code point order; other files get no spans.
 */
export function parseJsonBytesWithSpans(bytes: Uint8Array, options: ParseOptions = {}): ParsedDocument {
  const text = decodeUtf8(bytes, options.file)
  const parser = new Parser(text, options.file, text.length === bytes.length)
  const value = parser.whole()
  return { value, members: parser.members }
}

const CH = {
  QUOTE: 0x22,
  BACKSLASH: 0x5c,
  COMMA: 0x2c,
  COLON: 0x3a,
  LBRACE: 0x7b,
  RBRACE: 0x7d,
  LBRACKET: 0x5b,
  RBRACKET: 0x5d,
  MINUS: 0x2d,
  ZERO: 0x30,
  NINE: 0x39,
} as const

class Parser {
  private pos = 0
  private depth = 0
  private readonly path: PathSegment[] = []
  private readonly text: string
  private readonly file: string | undefined
  /** Whether to record root member spans and count deviations from compact-is-canonical. */
  private readonly track: boolean
  /** Things seen so far that make compact text differ from canonical JSON (see MemberSpan). */
  private deviations = 0
  readonly members = new Map<string, MemberSpan>()

  constructor(text: string, file: string | undefined, track: boolean) {
    this.text = text
    this.file = file
    this.track = track
  }

  whole(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.fail('unexpected byte order mark (U+FEFF) at the start of the document', 0)
    this.skipWhitespace()
    const value = this.value()
    this.skipWhitespace()
    if (this.pos < this.text.length) this.fail('unexpected data after the end of the JSON document')
    return value
  }

  private value(): JsonValue {
    const text = this.text
    const c = text.charCodeAt(this.pos)
    switch (c) {
      case CH.QUOTE:
        return this.string()
      case CH.LBRACE:
        return this.object()
      case CH.LBRACKET:
        return this.array()
      case 0x74: // t
        return this.literal('true', true)
      case 0x66: // f
        return this.literal('false', false)
      case 0x6e: // n
        return this.literal('null', null)
      case 0x4e: // N
        this.deviations++
        return this.literal('NaN', new JsonFloat('NaN'))
      case 0x49: // I
        this.deviations++
        return this.literal('Infinity', new JsonFloat('Infinity'))
      default:
        if (c === CH.MINUS || (c >= CH.ZERO && c <= CH.NINE)) return this.number()
        if (Number.isNaN(c)) this.fail('unexpected end of data: expected a value')
        return this.fail(`expected a value, found ${describeChar(c)}`)
    }
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail(`expected a value, found ${describeChar(this.text.charCodeAt(this.pos))}`)
    this.pos += word.length
    return value
  }

  private object(): JsonObject {
    this.enter()
    const result: JsonObject = new Map()
    const text = this.text
    this.pos++ // {
    this.skipWhitespace()
    if (text.charCodeAt(this.pos) === CH.RBRACE) {
      this.pos++
      this.leave()
      return result
    }
    const root = this.track && this.depth === 1
    let previous: string | undefined
    for (;;) {
      if (text.charCodeAt(this.pos) !== CH.QUOTE) this.fail('expected a property name in double quotes')
      const keyStart = this.pos
      const key = this.string()
      if (this.track) {
        // Only ASCII text is tracked, where `<` is code point order.
        if (previous !== undefined && !(previous < key)) this.deviations++
        previous = key
      }
      if (result.has(key)) {
        // Point at the member itself (`signed.name`), not only at the object holding it.
        this.path.push(key)
        this.fail(`duplicate key ${JSON.stringify(key)} in object`, keyStart)
      }
      this.skipWhitespace()
      if (text.charCodeAt(this.pos) !== CH.COLON) this.fail("expected ':' after the property name")
      this.pos++
      this.skipWhitespace()
      this.path.push(key)
      if (root) {
        const start = this.pos
        const before = this.deviations
        result.set(key, this.value())
        this.members.set(key, { start, end: this.pos, compactIsCanonical: this.deviations === before })
      } else {
        result.set(key, this.value())
      }
      this.path.pop()
      this.skipWhitespace()
      const next = text.charCodeAt(this.pos)
      if (next === CH.COMMA) {
        this.pos++
        this.skipWhitespace()
        continue
      }
      if (next === CH.RBRACE) {
        this.pos++
        this.leave()
        return result
      }
      this.fail("expected ',' or '}' after an object member")
    }
  }

  private array(): JsonValue[] {
    this.enter()
    const result: JsonValue[] = []
    const text = this.text
    this.pos++ // [
    this.skipWhitespace()
    if (text.charCodeAt(this.pos) === CH.RBRACKET) {
      this.pos++
      this.leave()
      return result
    }
    for (;;) {
      this.path.push(result.length)
      result.push(this.value())
      this.path.pop()
      this.skipWhitespace()
      const next = text.charCodeAt(this.pos)
      if (next === CH.COMMA) {
        this.pos++
        this.skipWhitespace()
        continue
      }
      if (next === CH.RBRACKET) {
        this.pos++
        this.leave()
        return result
      }
      this.fail("expected ',' or ']' after an array element")
    }
  }

  private string(): string {
    const text = this.text
    const start = ++this.pos
    // Fast path: no escapes, which is nearly every string in an in-toto file.
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === CH.QUOTE) {
        this.pos = i + 1
        return text.slice(start, i)
      }
      if (c === CH.BACKSLASH || c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
        this.pos = i
        return this.slowString(text.slice(start, i))
      }
    }
    this.pos = text.length
    return this.fail('unterminated string')
  }

  private slowString(prefix: string): string {
    const text = this.text
    let out = prefix
    for (;;) {
      if (this.pos >= text.length) this.fail('unterminated string')
      const c = text.charCodeAt(this.pos)
      if (c === CH.QUOTE) {
        this.pos++
        return out
      }
      if (c < 0x20) this.fail(`invalid control character ${describeChar(c)} in string (it must be escaped)`)
      if (c >= 0xd800 && c <= 0xdfff) {
        const low = text.charCodeAt(this.pos + 1)
        if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) this.fail(loneSurrogate(c))
        out += text.slice(this.pos, this.pos + 2)
        this.pos += 2
        continue
      }
      if (c !== CH.BACKSLASH) {
        out += text[this.pos]
        this.pos++
        continue
      }
      const escape = text.charCodeAt(this.pos + 1)
      // Canonical JSON writes every character raw except `"` and `\`.
      if (escape !== 0x22 && escape !== 0x5c) this.deviations++
      switch (escape) {
        case 0x22:
          out += '"'
          break
        case 0x5c:
          out += '\\'
          break
        case 0x2f:
          out += '/'
          break
        case 0x62:
          out += '\b'
          break
        case 0x66:
          out += '\f'
          break
        case 0x6e:
          out += '\n'
          break
        case 0x72:
          out += '\r'
          break
        case 0x74:
          out += '\t'
          break
        case 0x75: {
          const unit = this.hex4(this.pos + 2)
          if (unit >= 0xd800 && unit <= 0xdbff) {
            // Python joins an escaped high surrogate with an immediately following escaped low one.
            const low = text.startsWith('\\u', this.pos + 6) ? this.hex4(this.pos + 8) : -1
            if (low >= 0xdc00 && low <= 0xdfff) {
              out += String.fromCharCode(unit, low)
              this.pos += 12
              continue
            }
            this.fail(loneSurrogate(unit))
          }
          if (unit >= 0xdc00 && unit <= 0xdfff) this.fail(loneSurrogate(unit))
          out += String.fromCharCode(unit)
          this.pos += 6
          continue
        }
        default:
          this.fail(`invalid escape ${JSON.stringify(text.slice(this.pos, this.pos + 2))} in string`)
      }
      this.pos += 2
    }
  }

  private hex4(at: number): number {
    const digits = this.text.slice(at, at + 4)
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail('invalid \\u escape: expected four hexadecimal digits', at)
    return Number.parseInt(digits, 16)
  }

  private number(): bigint | JsonFloat {
    const text = this.text
    const start = this.pos
    let i = start
    if (text.charCodeAt(i) === CH.MINUS) {
      i++
      if (text.startsWith('Infinity', i)) {
        this.pos = i + 8
        return new JsonFloat('-Infinity')
      }
    }
    const firstDigit = text.charCodeAt(i)
    if (firstDigit === CH.ZERO) i++
    else if (firstDigit > CH.ZERO && firstDigit <= CH.NINE) i = this.digits(i)
    else this.fail('invalid number: expected a digit', i)
    let isFloat = false
    if (text.charCodeAt(i) === 0x2e) {
      isFloat = true
      const afterDot = this.digits(i + 1)
      if (afterDot === i + 1) this.fail('invalid number: expected a digit after the decimal point', afterDot)
      i = afterDot
    }
    const e = text.charCodeAt(i)
    if (e === 0x65 || e === 0x45) {
      isFloat = true
      let j = i + 1
      const sign = text.charCodeAt(j)
      if (sign === 0x2b || sign === CH.MINUS) j++
      const afterExponent = this.digits(j)
      if (afterExponent === j) this.fail('invalid number: expected a digit in the exponent', afterExponent)
      i = afterExponent
    }
    const next = text.charCodeAt(i)
    if (next >= CH.ZERO && next <= CH.NINE) this.fail('invalid number: leading zeros are not allowed', i)
    this.pos = i
    const lexeme = text.slice(start, i)
    if (isFloat || lexeme === '-0') this.deviations++
    if (isFloat) return new JsonFloat(lexeme)
    const digitCount = lexeme.length - (lexeme.charCodeAt(0) === CH.MINUS ? 1 : 0)
    if (digitCount > MAX_INT_DIGITS) this.fail(`integer with ${digitCount} digits exceeds the limit of ${MAX_INT_DIGITS} digits`, start)
    return BigInt(lexeme)
  }

  private digits(from: number): number {
    const text = this.text
    let i = from
    for (let c = text.charCodeAt(i); c >= CH.ZERO && c <= CH.NINE; c = text.charCodeAt(++i));
    return i
  }

  private skipWhitespace(): void {
    const text = this.text
    let i = this.pos
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
    this.pos = i
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels is not accepted`)
  }

  private leave(): void {
    this.depth--
  }

  private fail(message: string, at: number = this.pos): never {
    const { line, column } = lineAndColumn(this.text, at)
    throw new CoreError('json', `line ${line}, column ${column}: ${message}`, {
      file: this.file,
      path: formatPath(this.path),
    })
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  const end = Math.min(offset, text.length)
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: end - lineStart + 1 }
}

function describeChar(code: number): string {
  if (Number.isNaN(code)) return 'the end of the data'
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  return JSON.stringify(String.fromCharCode(code))
}

function loneSurrogate(unit: number): string {
  return `lone surrogate \\u${unit.toString(16).padStart(4, '0')} in string: it cannot be encoded as UTF-8`
}
