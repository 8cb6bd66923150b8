/**
 * Python `fnmatch.fnmatchcase` / `fnmatch.filter` on POSIX (Python 3.11 `fnmatch.translate`),
 * which is how in-toto 1.3.1 matches artifact paths against rule patterns.
 *
 * - `*` matches any sequence of characters, including `/` and newlines, and the empty one;
 * - `?` matches exactly one character (one Unicode code point, so one emoji);
 * - `[...]` matches one character of a set: `[!...]` negates (`[^...]` does NOT: `^` is a
 *   member), a `]` right after `[` or `[!` is a member, `a-z` is a range, a `-` first or last
 *   is a member, a reversed range like `z-a` is dropped (and matches nothing), `[` without a
 *   closing `]` is a literal `[`;
 * - backslash is an ordinary character; everything else matches itself, case-sensitively.
 *
 * No regular expression is built from the pattern. It is compiled into fixed-length segments
 * separated by `*`; the first segment is anchored at the start, the last at the end, and the
 * ones between are found left to right at their leftmost position — leftmost is always
 * optimal for fixed-length segments (Python's `(?>.*?segment)` atomic groups do the same) —
 * so matching never backtracks: O(name length × longest segment).
 */

/** One pattern character: a literal code point, any character, or a set. */
type Token =
  | { readonly kind: 'char'; readonly cp: number }
  | { readonly kind: 'any' }
  /** Sorted, possibly overlapping inclusive ranges `[lo0, hi0, lo1, hi1, …]`; matches nothing when empty and not negated. */
  | { readonly kind: 'set'; readonly negated: boolean; readonly ranges: Int32Array }

export interface CompiledPattern {
  readonly pattern: string
  /** Whether `name` matches the whole pattern (Python `fnmatch.fnmatchcase(name, pattern)`). */
  test(name: string): boolean
  /** Whether every name matches (the pattern is only stars). */
  readonly matchesAll: boolean
}

const DASH = 0x2d
const BANG = 0x21
const CLOSE = 0x5d

function toCodePoints(text: string): number[] {
  const out: number[] = []
  for (const ch of text) out.push(ch.codePointAt(0) as number)
  return out
}

/**
 * The set part of `translate` for `pat[i:j]` (the text between `[` and `]`), ported step by
 * step so that its odd corners (dropped reversed ranges, their merged neighbours) agree.
 */
function compileSet(pat: readonly number[], start: number, end: number): Token {
  const stuff = pat.slice(start, end)
  const negated = stuff[0] === BANG
  let chunks: number[][]
  if (!stuff.includes(DASH)) {
    chunks = [stuff]
  } else {
    chunks = []
    let i = start
    let k = pat[start] === BANG ? start + 2 : start + 1
    for (;;) {
      k = indexOf(pat, DASH, k, end)
      if (k < 0) break
      chunks.push(pat.slice(i, k))
      i = k + 1
      k = k + 3
    }
    const chunk = pat.slice(i, end)
    if (chunk.length > 0) chunks.push(chunk)
    else (chunks[chunks.length - 1] as number[]).push(DASH)
    // Remove empty ranges -- invalid in RE.
    for (let k2 = chunks.length - 1; k2 > 0; k2--) {
      const before = chunks[k2 - 1] as number[]
      const after = chunks[k2] as number[]
      if ((before[before.length - 1] as number) > (after[0] as number)) {
        chunks[k2 - 1] = before.slice(0, -1).concat(after.slice(1))
        chunks.splice(k2, 1)
      }
    }
  }
  // The regex class is: every chunk character literally, plus a range between the last
  // character of each chunk and the first character of the next. A leading `!` negates.
  const flat = chunks.flat()
  if (flat.length === 0) return { kind: 'set', negated: false, ranges: new Int32Array(0) }
  if (flat.length === 1 && negated) return { kind: 'any' }
  const pairs: Array<[number, number]> = []
  chunks.forEach((chunk, index) => {
    const from = index === 0 && negated ? 1 : 0
    for (let c = from; c < chunk.length; c++) pairs.push([chunk[c] as number, chunk[c] as number])
    const next = chunks[index + 1]
    if (next !== undefined && chunk.length > 0) {
      // A negated set's chunks[0] is never just "!" when another chunk follows.
      pairs.push([chunk[chunk.length - 1] as number, next[0] as number])
    }
  })
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const ranges = new Int32Array(pairs.length * 2)
  pairs.forEach(([lo, hi], index) => {
    ranges[2 * index] = lo
    ranges[2 * index + 1] = hi
  })
  return { kind: 'set', negated, ranges }
}

function indexOf(list: readonly number[], value: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (list[i] === value) return i
  return -1
}

/** Tokens and stars, exactly as `translate` reads the pattern. `null` stands for a `*` run. */
function tokenize(pattern: string): Array<Token | null> {
  const pat = toCodePoints(pattern)
  const out: Array<Token | null> = []
  const n = pat.length
  let i = 0
  while (i < n) {
    const c = pat[i] as number
    i++
    if (c === 0x2a /* * */) {
      if (out.length === 0 || out[out.length - 1] !== null) out.push(null)
    } else if (c === 0x3f /* ? */) {
      out.push({ kind: 'any' })
    } else if (c === 0x5b /* [ */) {
      let j = i
      if (j < n && pat[j] === BANG) j++
      if (j < n && pat[j] === CLOSE) j++
      while (j < n && pat[j] !== CLOSE) j++
      if (j >= n) {
        out.push({ kind: 'char', cp: c })
      } else {
        out.push(compileSet(pat, i, j))
        i = j + 1
      }
    } else {
      out.push({ kind: 'char', cp: c })
    }
  }
  return out
}

function tokenMatches(token: Token, cp: number): boolean {
  if (token.kind === 'char') return token.cp === cp
  if (token.kind === 'any') return true
  const ranges = token.ranges
  let found = false
  for (let r = 0; r < ranges.length; r += 2) {
    if ((ranges[r] as number) > cp) break
    if (cp <= (ranges[r + 1] as number)) {
      found = true
      break
    }
  }
  return found !== token.negated
}

/** Reused buffer for the code points of the name being tested (matching never re-enters). */
let scratch = new Int32Array(256)

function decode(name: string): number {
  if (scratch.length < name.length) scratch = new Int32Array(Math.max(name.length, scratch.length * 2))
  let count = 0
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < name.length) {
      const low = name.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        scratch[count++] = ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000
        i++
        continue
      }
    }
    scratch[count++] = unit
  }
  return count
}

function segmentMatchesAt(segment: readonly Token[], buffer: Int32Array, at: number): boolean {
  for (let t = 0; t < segment.length; t++) {
    if (!tokenMatches(segment[t] as Token, buffer[at + t] as number)) return false
  }
  return true
}

class Compiled implements CompiledPattern {
  readonly pattern: string
  /** Literal pattern (no special characters): plain string equality. */
  private readonly literal: boolean
  private readonly segments: readonly (readonly Token[])[]
  /** Per segment, its text when it holds only literal characters (searched with `indexOf`). */
  private readonly literals: readonly (string | undefined)[]
  private readonly hasStar: boolean
  private readonly minLength: number
  /**
   * Stars between literal segments without surrogates (such as `*.py`): matched on
   * the UTF-16 text directly. A segment without surrogate units only occurs at code point
   * boundaries of the name, so the unit offsets found agree with the code point matcher.
   */
  private readonly plain: readonly string[] | undefined
  readonly matchesAll: boolean

  constructor(pattern: string) {
    this.pattern = pattern
    const tokens = tokenize(pattern)
    // Equal code point sequences are equal strings, so a literal pattern is a string compare.
    this.literal = tokens.every((token) => token !== null && token.kind === 'char')
    this.hasStar = tokens.includes(null)
    const segments: Token[][] = [[]]
    for (const token of tokens) {
      if (token === null) segments.push([])
      else (segments[segments.length - 1] as Token[]).push(token)
    }
    this.segments = segments
    this.literals = segments.map((segment) => (segment.every((token) => token.kind === 'char') ? literalText(segment) : undefined))
    this.minLength = segments.reduce((sum, segment) => sum + segment.length, 0)
    this.matchesAll = this.hasStar && this.minLength === 0
    const literals = this.literals
    this.plain = this.hasStar && literals.every((literal) => literal !== undefined && !/[\ud800-\udfff]/.test(literal)) ? (literals as string[]) : undefined
  }

  test(name: string): boolean {
    if (this.literal) return name === this.pattern
    const segments = this.segments
    if (this.hasStar && this.minLength === 0) return true
    if (this.plain !== undefined) return this.testPlain(this.plain, name)
    // Quick length bound: a code point takes at most two UTF-16 units.
    if (name.length < this.minLength) return false
    const length = decode(name)
    const buffer = scratch
    const first = segments[0] as readonly Token[]
    if (!this.hasStar) return length === first.length && segmentMatchesAt(first, buffer, 0)
    if (length < this.minLength) return false
    const last = segments[segments.length - 1] as readonly Token[]
    const lastStart = length - last.length
    if (!segmentMatchesAt(first, buffer, 0) || !segmentMatchesAt(last, buffer, lastStart)) return false
    // Middle segments: leftmost occurrence each, within [after first, before last).
    // Without astral characters, code point offsets are string offsets, and a literal segment
    // is found by the engine's substring search (sublinear on long names).
    const bmp = length === name.length
    let position = first.length
    for (let s = 1; s < segments.length - 1; s++) {
      const segment = segments[s] as readonly Token[]
      const limit = lastStart - segment.length
      const literal = this.literals[s]
      if (bmp && literal !== undefined) {
        const found = name.indexOf(literal, position)
        if (found < 0 || found > limit) return false
        position = found + segment.length
        continue
      }
      let found = -1
      for (let at = position; at <= limit; at++) {
        if (segmentMatchesAt(segment, buffer, at)) {
          found = at
          break
        }
      }
      if (found < 0) return false
      position = found + segment.length
    }
    return true
  }

  private testPlain(literals: readonly string[], name: string): boolean {
    // Every unit of a surrogate-free literal is one code point: lengths in units are lengths in code points.
    if (name.length < this.minLength) return false
    const first = literals[0] as string
    const last = literals[literals.length - 1] as string
    if (!name.startsWith(first) || !name.endsWith(last)) return false
    const end = name.length - last.length
    let position = first.length
    for (let s = 1; s < literals.length - 1; s++) {
      const literal = literals[s] as string
      const found = name.indexOf(literal, position)
      if (found < 0 || found + literal.length > end) return false
      position = found + literal.length
    }
    return true
  }
}

const CACHE_LIMIT = 2048
const cache = new Map<string, CompiledPattern>()

/** Compiles `pattern` once; the result can test any number of names. Results are cached. */
export function compilePattern(pattern: string): CompiledPattern {
  let compiled = cache.get(pattern)
  if (compiled === undefined) {
    compiled = new Compiled(pattern)
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    cache.set(pattern, compiled)
  }
  return compiled
}

/** Python `fnmatch.fnmatchcase(name, pattern)` (= `fnmatch.fnmatch` on POSIX). */
export function fnmatch(name: string, pattern: string): boolean {
  return compilePattern(pattern).test(name)
}

/** Python `fnmatch.filter(names, pattern)`: the matching names, in input order. */
export function filterNames(names: Iterable<string>, pattern: string): string[] {
  const compiled = compilePattern(pattern)
  const out: string[] = []
  for (const name of names) if (compiled.test(name)) out.push(name)
  return out
}

/** Whether `pattern` contains a character `fnmatch` treats specially (`*`, `?`, `[`). */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern)
}

/** The text of a segment of literal characters (built in a loop: a pattern may be megabytes). */
function literalText(segment: readonly Token[]): string {
  let text = ''
  for (const token of segment) text += String.fromCodePoint((token as { cp: number }).cp)
  return text
}
