/**
 * Artifact rules: the list form stored in layouts (in-toto 1.3.1 `rulelib.unpack_rule`), a
 * one-line text form for people, and conversions between them.
 *
 * List form, exactly as the reference accepts it:
 *
 *     CREATE|DELETE|MODIFY|ALLOW|DISALLOW|REQUIRE <pattern>
 *     MATCH <pattern> [IN <source-prefix>] WITH MATERIALS|PRODUCTS [IN <destination-prefix>] FROM <step>
 *
 * Every element must be a string. Keywords (the rule type, `IN`, `WITH`, `FROM`, the
 * destination type) are compared after Python `str.lower()`, so any capitalisation works;
 * patterns, prefixes and step names keep their case. A MATCH rule has exactly 6, 8 or 10
 * elements with the keywords at fixed positions.
 *
 * Text form: the same elements separated by whitespace. An element may be written as a JSON
 * string literal (`"a b"`, `""`, `"say \"hi\""`) to hold spaces, quotes or nothing at all;
 * outside quotes every character (backslash included) is literal, and a `"` may not appear
 * inside an unquoted element.
 *
 * @example
 * parseRuleText('MATCH *.py IN src WITH products IN dst FROM build')
 * // { type: 'MATCH', pattern: '*.py', sourcePrefix: 'src', destinationType: 'products',
 * //   destinationPrefix: 'dst', destinationStep: 'build' }
 * formatRule(['ALLOW', 'my file.txt']) // 'ALLOW "my file.txt"'
 */
import { CoreError, ValidationError, type Issue } from '../errors.ts'
import { describeJsonType, joinPath } from '../json/value.ts'
import type { ArtifactKind, ArtifactRule, GenericRuleType, RuleSource } from './types.ts'

const GENERIC: ReadonlyMap<string, GenericRuleType> = new Map([
  ['create', 'CREATE'],
  ['delete', 'DELETE'],
  ['modify', 'MODIFY'],
  ['allow', 'ALLOW'],
  ['disallow', 'DISALLOW'],
  ['require', 'REQUIRE'],
])

const RULE_TYPE_LIST = 'MATCH, ALLOW, DISALLOW, REQUIRE, CREATE, DELETE, MODIFY'

/**
 * Parses a rule in list form. Throws `CoreError('format')` (a {@link ValidationError} when
 * several elements are not strings) with the JSON path below `path`.
 */
export function parseRule(source: unknown, path = ''): ArtifactRule {
  const issues: Issue[] = []
  const rule = checkRule(source, path, issues)
  if (rule !== undefined) return rule
  if (issues.length === 1) {
    const issue = issues[0] as Issue
    throw new CoreError('format', issue.message, { path: issue.path })
  }
  throw new ValidationError('rule', issues)
}

/** Whether `source` is a rule the reference accepts. */
export function isValidRule(source: unknown): source is RuleSource {
  return checkRule(source, '', []) !== undefined
}

/**
 * Validates a rule in list form, appending every problem to `issues` (paths below `path`).
 * Returns the parsed rule, or `undefined` when there was a problem.
 */
export function checkRule(source: unknown, path: string, issues: Issue[]): ArtifactRule | undefined {
  if (!Array.isArray(source)) {
    issues.push({ path, message: `a rule must be a list of strings, found ${describeJsonType(source)}` })
    return undefined
  }
  let allStrings = true
  for (let i = 0; i < source.length; i++) {
    const element: unknown = source[i]
    if (typeof element !== 'string') {
      allStrings = false
      issues.push({ path: joinPath(path, i), message: `rule elements must be strings, found ${describeValue(element)}` })
    }
  }
  if (!allStrings) return undefined
  const message = ruleProblem(source as readonly string[])
  if (typeof message === 'string') {
    issues.push({ path, message })
    return undefined
  }
  return message
}

function describeValue(value: unknown): string {
  const type = describeJsonType(value)
  if (typeof value === 'bigint' || typeof value === 'boolean') return `${type} ${String(value)}`
  return type
}

/** Python `str.lower()` for the keyword comparisons (identical to JS for every keyword). */
function lower(text: string): string {
  return text.toLowerCase()
}

function show(element: string | undefined): string {
  return element === undefined ? 'end of rule' : JSON.stringify(element)
}

/** Either the parsed rule or a message saying what is wrong. */
function ruleProblem(rule: readonly string[]): ArtifactRule | string {
  if (rule.length === 0) return `empty rule: expected one of ${RULE_TYPE_LIST} followed by a pattern`
  const first = lower(rule[0] as string)
  const generic = GENERIC.get(first)
  if (generic === undefined && first !== 'match') {
    return `unknown rule type ${JSON.stringify(rule[0])}`
  }
  const typeName = generic ?? 'MATCH'
  if (rule.length < 2) return `${typeName} rule needs a ${generic === 'REQUIRE' ? 'file name' : 'pattern'} after ${JSON.stringify(rule[0])}`
  const pattern = rule[1] as string
  if (generic !== undefined) {
    if (rule.length !== 2) {
      return `${generic} rule takes exactly one ${generic === 'REQUIRE' ? 'file name' : 'pattern'}, found ${rule.length} elements`
    }
    return { type: generic, pattern }
  }
  return matchProblem(rule, pattern)
}

/**
 * MATCH: walks the fixed positions. Accepts exactly the four shapes of `unpack_rule`
 * (lengths 10, 8, 8, 6); positions in messages are 1-based.
 */
function matchProblem(rule: readonly string[], pattern: string): ArtifactRule | string {
  const at = (index: number): string | undefined => rule[index]
  const keywordAt = (index: number): string | undefined => {
    const element = at(index)
    return element === undefined ? undefined : lower(element)
  }
  const expected = (what: string, index: number): string => `MATCH rule: expected ${what} at position ${index + 1}, found ${show(at(index))}`

  let index = 2
  let sourcePrefix = ''
  if (keywordAt(index) === 'in') {
    if (at(index + 1) === undefined) return expected('a source path prefix after "IN"', index + 1)
    sourcePrefix = at(index + 1) as string
    index += 2
  }
  if (keywordAt(index) !== 'with') return expected('"WITH"', index)
  index++
  const destinationKeyword = keywordAt(index)
  if (destinationKeyword !== 'materials' && destinationKeyword !== 'products') return expected('"MATERIALS" or "PRODUCTS"', index)
  const destinationType: ArtifactKind = destinationKeyword
  index++
  let destinationPrefix = ''
  if (keywordAt(index) === 'in') {
    if (at(index + 1) === undefined) return expected('a destination path prefix after "IN"', index + 1)
    destinationPrefix = at(index + 1) as string
    index += 2
  }
  if (keywordAt(index) !== 'from') return expected('"FROM"', index)
  index++
  if (at(index) === undefined) return expected('a step name after "FROM"', index)
  const destinationStep = at(index) as string
  index++
  if (rule.length > index) {
    return `MATCH rule: unexpected ${show(at(index))} at position ${index + 1} after the step name (a MATCH rule of this shape has ${index} elements, found ${rule.length})`
  }
  return { type: 'MATCH', pattern, sourcePrefix, destinationType, destinationPrefix, destinationStep }
}

/**
 * The canonical list form: upper-case keywords, `IN` clauses only for non-empty prefixes
 * (what in-toto's `pack_rule` writes).
 */
export function ruleToList(rule: ArtifactRule): string[] {
  if (rule.type !== 'MATCH') return [rule.type, rule.pattern]
  const list = ['MATCH', rule.pattern]
  if (rule.sourcePrefix !== '') list.push('IN', rule.sourcePrefix)
  list.push('WITH', rule.destinationType.toUpperCase())
  if (rule.destinationPrefix !== '') list.push('IN', rule.destinationPrefix)
  list.push('FROM', rule.destinationStep)
  return list
}

/**
 * The one-line text form. A parsed rule is written canonically ({@link ruleToList}); a list
 * is written element by element as it is (keyword case kept), so that `splitRuleText` of the
 * result gives the list back. Elements that need it are quoted ({@link quoteRuleToken}).
 */
export function formatRule(rule: ArtifactRule | RuleSource): string {
  const list: readonly unknown[] = isRuleSource(rule) ? rule : ruleToList(rule)
  return list.map((element) => quoteRuleToken(typeof element === 'string' ? element : String(element))).join(' ')
}

function isRuleSource(rule: ArtifactRule | RuleSource): rule is RuleSource {
  return Array.isArray(rule)
}

/** The text form of a rule exactly as written in the document (same as `formatRule(source)`). */
export function ruleToTextFromSource(source: RuleSource): string {
  return formatRule(source)
}

/** Characters that force quoting: whitespace, quotes, and invisible control/format characters. */
const NEEDS_QUOTES = /[\s"\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

/** `token` as it must appear in the text form: bare when possible, else a JSON string literal. */
export function quoteRuleToken(token: string): string {
  if (token === '' || NEEDS_QUOTES.test(token) || !token.isWellFormed()) return JSON.stringify(token)
  return token
}

const WHITESPACE = /\s/

/**
 * Splits the text form into its elements without checking the rule. Throws
 * `CoreError('format')` on a malformed quoted element.
 */
export function splitRuleText(text: string): string[] {
  const tokens: string[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const ch = text[i] as string
    if (WHITESPACE.test(ch)) {
      i++
      continue
    }
    if (ch === '"') {
      let j = i + 1
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      if (j >= n) throw new CoreError('format', `unterminated quoted element starting at column ${i + 1}`)
      const literal = text.slice(i, j + 1)
      let value: unknown
      try {
        value = JSON.parse(literal)
      } catch {
        throw new CoreError('format', `invalid quoted element ${literal} at column ${i + 1} (use JSON string syntax)`)
      }
      if (j + 1 < n && !WHITESPACE.test(text[j + 1] as string)) {
        throw new CoreError('format', `expected whitespace after the quoted element ending at column ${j + 1}`)
      }
      tokens.push(value as string)
      i = j + 1
      continue
    }
    let j = i
    while (j < n && !WHITESPACE.test(text[j] as string)) {
      if (text[j] === '"') {
        throw new CoreError('format', `unexpected '"' at column ${j + 1}: quote the whole element ("…") to include quotes or spaces`)
      }
      j++
    }
    tokens.push(text.slice(i, j))
    i = j
  }
  return tokens
}

/** Parses the one-line text form (see the module comment). */
export function parseRuleText(text: string): ArtifactRule {
  return parseRule(splitRuleText(text))
}

/** Splits and validates the text form, returning the list to store in a layout. */
export function ruleTextToSource(text: string): string[] {
  const list = splitRuleText(text)
  parseRule(list)
  return list
}
