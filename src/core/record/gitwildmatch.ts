/**
 * Exclude patterns for artifact recording, with the semantics of pathspec 0.11's
 * `gitwildmatch` (what in-toto 1.3.1 uses): gitignore-style patterns, `!` re-includes,
 * later patterns win. Patterns come from the person running the command (or the defaults),
 * never from a document being verified, so compiling them to regular expressions is safe.
 */
import { CoreError } from '../errors.ts'

/** in-toto's default `ARTIFACT_EXCLUDE_PATTERNS` (settings.py). */
export const DEFAULT_EXCLUDE_PATTERNS: readonly string[] = ['*.link*', '.git', '*.pyc', '*~']

/**
 * Longest exclude pattern accepted: a path pattern longer than any path (PATH_MAX is 4,096
 * bytes) matches nothing real, and V8 refuses regular expressions of some 100,000
 * characters ("Regular expression too large").
 */
export const MAX_EXCLUDE_PATTERN_LENGTH = 4096

/** Refuses an exclude pattern longer than {@link MAX_EXCLUDE_PATTERN_LENGTH}, naming it. */
export function checkExcludePatternLength(raw: string): void {
  if (raw.length <= MAX_EXCLUDE_PATTERN_LENGTH) return
  throw new CoreError(
    'format',
    `the exclude pattern ${JSON.stringify(raw.slice(0, 60))}… is ${raw.length.toLocaleString('en-US')} characters long, more than the ${MAX_EXCLUDE_PATTERN_LENGTH.toLocaleString('en-US')} a path pattern may have here`,
  )
}

interface CompiledPattern {
  readonly regex: RegExp
  readonly include: boolean
}

/** Returns a predicate telling whether a path is excluded by `patterns`. */
export function compileExcludes(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map(compilePattern).filter((pattern): pattern is CompiledPattern => pattern !== undefined)
  return (path) => {
    const file = normalizeFile(path)
    let matched = false
    for (const pattern of compiled) if (pattern.regex.test(file)) matched = pattern.include
    return matched
  }
}

/** pathspec `normalize_file`: relative, without a leading `./`. */
function normalizeFile(path: string): string {
  if (path.startsWith('/')) return path.slice(1)
  if (path.startsWith('./')) return path.slice(2)
  return path
}

// Python's `.` is "anything but \n" and its `$` also matches before a final "\n".
const ANY = '[^\\n]'
const END = '(?=\\n?$)'

function compilePattern(raw: string): CompiledPattern | undefined {
  checkExcludePatternLength(raw)
  let pattern = raw.trim()
  if (pattern === '' || pattern.startsWith('#') || pattern === '/') return undefined
  let include = true
  if (pattern.startsWith('!')) {
    include = false
    pattern = pattern.slice(1)
  }
  const segments = pattern.split('/')
  for (let i = segments.length - 1; i > 0; i--) if (segments[i - 1] === '**' && segments[i] === '**') segments.splice(i, 1)
  let override: string | undefined
  if (segments.length === 2 && segments[0] === '**' && !segments[1]) override = `^${ANY}+/${ANY}*${END}`
  if (!segments[0]) segments.shift()
  else if (segments.length === 1 || (segments.length === 2 && !segments[1])) {
    if (segments[0] !== '**') segments.unshift('**')
  }
  if (segments.length === 0) throw new CoreError('format', `invalid exclude pattern ${JSON.stringify(raw)}`)
  if (!segments[segments.length - 1] && segments.length > 1) segments[segments.length - 1] = '**'
  if (override !== undefined) return { regex: new RegExp(override, 'u'), include }

  let out = '^'
  let needSlash = false
  const end = segments.length - 1
  segments.forEach((segment, i) => {
    if (segment === '**') {
      if (i === 0 && i === end) out += `[^/]+(?:/${ANY}*)?`
      else if (i === 0) {
        out += `(?:${ANY}+/)?`
        needSlash = false
      } else if (i === end) out += `/${ANY}*`
      else {
        out += `(?:/${ANY}+)?`
        needSlash = true
      }
      return
    }
    if (needSlash) out += '/'
    out += segment === '*' ? '[^/]+' : translateSegment(segment, raw)
    if (i === end) out += `(?:/${ANY}*)?`
    needSlash = true
  })
  return { regex: new RegExp(out + END, 'u'), include }
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/

/** How a generation of pathspec reads bracket expressions. */
export interface GlobDialect {
  /** pathspec 1.x negates `[^…]` like `[!…]`; 0.11 takes the `^` literally. */
  readonly caretNegates: boolean
  /** pathspec 1.x drops a pattern with an unterminated or invalid range; 0.11 reads `[` literally. */
  readonly badRange: 'literal' | 'drop'
}

const PATHSPEC_0_11: GlobDialect = { caretNegates: false, badRange: 'literal' }

/** Thrown by {@link translateSegment} for a range the dialect drops the whole pattern for. */
export class DroppedPattern extends Error {}

/** A path segment's glob as a regular expression (pathspec `_translate_segment_glob`). */
export function translateSegment(segment: string, raw: string, dialect: GlobDialect = PATHSPEC_0_11): string {
  let out = ''
  let escape = false
  const chars = [...segment]
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i++] as string
    if (escape) {
      escape = false
      out += escapeChar(ch)
    } else if (ch === '\\') escape = true
    else if (ch === '*') out += '[^/]*'
    else if (ch === '?') out += '[^/]'
    else if (ch === '[') {
      let j = i
      if (j < chars.length && (chars[j] === '!' || (dialect.caretNegates && chars[j] === '^'))) j++
      if (j < chars.length && chars[j] === ']') j++
      while (j < chars.length && chars[j] !== ']') j++
      if (j < chars.length) {
        j++
        let expr = '['
        if (chars[i] === '!' || (dialect.caretNegates && chars[i] === '^')) {
          expr += '^'
          i++
        } else if (chars[i] === '^') {
          expr += '\\^'
          i++
        }
        // The body keeps Python's meaning: a leading `]` is literal (JavaScript would read `[]` as empty).
        expr += chars
          .slice(i, j - 1)
          .map((c, k) => (c === '\\' ? '\\\\' : c === '[' ? '\\[' : c === ']' && k === 0 ? '\\]' : c))
          .join('')
        expr += ']'
        if (dialect.badRange === 'drop' && !compiles(expr)) throw new DroppedPattern(raw)
        out += expr
        i = j
      } else if (dialect.badRange === 'drop') throw new DroppedPattern(raw)
      else out += '\\['
    } else out += escapeChar(ch)
  }
  if (escape) throw new CoreError('format', `invalid exclude pattern ${JSON.stringify(raw)}: it ends with an escape character`)
  return out
}

/** Python's `re.compile` refuses reversed ranges such as `[z-a]`, as JavaScript does. */
function compiles(expr: string): boolean {
  try {
    new RegExp(expr, 'u')
    return true
  } catch {
    return false
  }
}

export function escapeChar(ch: string): string {
  return REGEX_SPECIAL.test(ch) ? `\\${ch}` : ch
}
