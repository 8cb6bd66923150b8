/**
 * Exclude patterns as in-toto 2.x applies them: `GitIgnoreSpec.from_lines("gitwildmatch", …)`
 * (in-toto `resolver/_resolver.py: FileResolver`), whose semantics are pathspec's
 * `GitIgnoreSpecPattern` and `SimpleGiBackend.match_file` (pathspec 1.1). Two things differ
 * from in-toto 1.3.1's `PathSpec` (gitwildmatch.ts):
 *
 * - patterns compile to regular expressions that are *searched*, with a directory marker
 *   group: a match through a directory (`foo` matching `foo/bar`) ranks below a match of the
 *   path itself, and among equals the last pattern wins (`match_file`, patterns reversed);
 * - `[^…]` negates, and a pattern with an unterminated or invalid range is dropped; only
 *   trailing whitespace is stripped (unless escaped as `\ `).
 *
 * Patterns come from the person running the command, never from a document being verified.
 */
import { CoreError } from '../errors.ts'
import { DroppedPattern, translateSegment, type GlobDialect } from './gitwildmatch.ts'
import { checkExcludePatternLength } from './gitwildmatch.ts'

const PATHSPEC_1: GlobDialect = { caretNegates: true, badRange: 'drop' }

// Python's `.` is "anything but \n" and its `$` also matches before a final "\n".
const ANY = '[^\\n]'
const END = '(?=\\n?$)'
const DIR_MARK = '(?<dir>/)'
const DIR_MARK_OR_END = `(?:${DIR_MARK}|${END})`

interface SpecPattern {
  readonly regex: RegExp
  /** true: the pattern excludes what it matches; false: a `!` pattern re-includes it. */
  readonly exclude: boolean
}

/** Returns a predicate telling whether a path is excluded by `patterns`. */
export function compileGitIgnoreSpec(patterns: readonly string[]): (path: string) => boolean {
  const compiled = patterns.map(compileSpecPattern).filter((pattern): pattern is SpecPattern => pattern !== undefined)
  return (path) => {
    const file = path.startsWith('/') ? path.slice(1) : path.startsWith('./') ? path.slice(2) : path
    // The last pattern matching the path itself decides; failing that, the last one matching a parent directory.
    let throughDirectory: boolean | undefined
    for (let index = compiled.length - 1; index >= 0; index--) {
      const pattern = compiled[index] as SpecPattern
      const match = pattern.regex.exec(file)
      if (match === null) continue
      if (match.groups?.dir === undefined) return pattern.exclude
      throughDirectory ??= pattern.exclude
    }
    return throughDirectory ?? false
  }
}

function compileSpecPattern(raw: string): SpecPattern | undefined {
  checkExcludePatternLength(raw)
  let pattern = raw.endsWith('\\ ') ? raw : raw.trimEnd()
  if (pattern === '' || pattern.startsWith('#') || pattern === '/') return undefined
  let exclude = true
  if (pattern.startsWith('!')) {
    exclude = false
    pattern = pattern.slice(1)
  }
  const segments = pattern.split('/')
  const isDirectoryPattern = segments.at(-1) === ''
  if (!segments[0]) segments.shift()
  else if (segments.length === 1 || (segments.length === 2 && !segments[1])) {
    if (segments[0] !== '**') segments.unshift('**')
  }
  if (segments.length === 0) throw new CoreError('format', `invalid exclude pattern ${JSON.stringify(raw)}`)
  if (!segments[segments.length - 1]) segments[segments.length - 1] = '**'
  for (let i = segments.length - 1; i > 0; i--) if (segments[i - 1] === '**' && segments[i] === '**') segments.splice(i, 1)

  const shape = segments.join('/')
  let source: string
  if (shape === '**') source = isDirectoryPattern ? DIR_MARK : ANY
  else if (shape === '**/*') source = ANY
  else if (shape === '**/*/**') source = isDirectoryPattern ? DIR_MARK : '/'
  else {
    try {
      source = translateSegments(segments, isDirectoryPattern, raw)
    } catch (error) {
      if (error instanceof DroppedPattern) return undefined
      throw error
    }
  }
  return { regex: new RegExp(source, 'u'), exclude }
}

/** `GitIgnoreSpecPattern.__translate_segments`. */
function translateSegments(segments: readonly string[], isDirectoryPattern: boolean, raw: string): string {
  let out = ''
  let needSlash = false
  const end = segments.length - 1
  segments.forEach((segment, i) => {
    if (segment === '**') {
      if (i === 0) out += `^(?:${ANY}+/)?`
      else if (i < end) {
        out += `(?:/${ANY}+)?`
        needSlash = true
      } else out += isDirectoryPattern ? DIR_MARK : '/'
      return
    }
    if (i === 0) out += '^'
    if (needSlash) out += '/'
    out += segment === '*' ? '[^/]+' : translateSegment(segment, raw, PATHSPEC_1)
    if (i === end) out += DIR_MARK_OR_END
    needSlash = true
  })
  return out
}
