/**
 * Parameter substitution (in-toto 1.3.1 `substitute_parameters`): every rule element, every
 * `expected_command` element and every inspection `run` element goes through Python's
 * `str.format(**parameters)`. So `{name}` is replaced, `{{`/`}}` are literal braces, format
 * specs and indexing work (`{x:>5}`, `{x[0]}`), and an unknown name, a positional field or a
 * stray brace is an error — a layout author's typo must not verify silently.
 */
import { CoreError, type ReferenceException } from '../errors.ts'
import type { JsonValue } from '../json/value.ts'
import type { Inspection, Layout, RuleSource, Step } from '../model/types.ts'
import { abbreviated, pythonStringRepr } from './python-repr.ts'

/** securesystemslib PARAMETER_DICTIONARY_SCHEMA: keys `[a-zA-Z0-9_-]+$` (Python `$`), string values. */
export function checkParameterNames(parameters: ReadonlyMap<string, string>): void {
  for (const key of parameters.keys()) {
    if (!/^[a-zA-Z0-9_-]+\n?$/.test(key)) {
      throw new CoreError('format', `substitution parameter name ${JSON.stringify(key)} may only contain letters, digits, "_" and "-"`)
    }
  }
}

/**
 * Longest string one substitution may produce, and most characters all substitutions of one
 * layout may produce together. Python builds whatever `str.format` asks for
 * (`{x:>999999999}` is a gigabyte); here a layout cannot make the verifier build strings
 * past V8's limit or exhaust memory. A real rule, command or pattern is far shorter.
 */
export const MAX_SUBSTITUTED_LENGTH = 1024 * 1024
export const MAX_SUBSTITUTED_TOTAL = 16 * 1024 * 1024

/** Characters substitutions may still produce (shared by every string of one layout). */
export interface SubstitutionBudget {
  remaining: number
}

/** Returns a copy of `layout` with every substitutable string formatted. */
export function substituteParameters(layout: Layout, parameters: ReadonlyMap<string, string>): Layout {
  checkParameterNames(parameters)
  const budget: SubstitutionBudget = { remaining: MAX_SUBSTITUTED_TOTAL }
  const formatRules = (rules: readonly RuleSource[], path: string): RuleSource[] =>
    rules.map((rule, r) => rule.map((stanza, s) => pythonFormat(stanza, parameters, `${path}[${r}][${s}]`, budget)))
  const formatArgs = (args: readonly JsonValue[], path: string): string[] =>
    args.map((arg, i) => {
      // Python calls `arg.format(…)`: an int has no such attribute.
      if (typeof arg !== 'string') {
        throw new CoreError('format', `cannot substitute parameters in a non-string argument (${String(arg)})`, { path: `${path}[${i}]`, exception: 'AttributeError' })
      }
      return pythonFormat(arg, parameters, `${path}[${i}]`, budget)
    })
  const steps = layout.steps.map(
    (step, i): Step => ({
      ...step,
      expectedMaterials: formatRules(step.expectedMaterials, `steps[${i}].expected_materials`),
      expectedProducts: formatRules(step.expectedProducts, `steps[${i}].expected_products`),
      expectedCommand: formatArgs(step.expectedCommand, `steps[${i}].expected_command`),
    }),
  )
  const inspect = layout.inspect.map(
    (inspection, i): Inspection => ({
      ...inspection,
      expectedMaterials: formatRules(inspection.expectedMaterials, `inspect[${i}].expected_materials`),
      expectedProducts: formatRules(inspection.expectedProducts, `inspect[${i}].expected_products`),
      run: formatArgs(inspection.run, `inspect[${i}].run`),
    }),
  )
  return { ...layout, steps, inspect }
}

/**
 * Python's `template.format(**parameters)` for string values. Attribute access (`{x.upper}`)
 * is refused: in Python it yields a method's repr with a memory address, never a useful value.
 */
export function pythonFormat(template: string, parameters: ReadonlyMap<string, string>, path = '', budget: SubstitutionBudget = { remaining: MAX_SUBSTITUTED_TOTAL }): string {
  return format(template, { parameters, path, budget, depth: 0 })
}

interface FormatContext {
  readonly parameters: ReadonlyMap<string, string>
  readonly path: string
  readonly budget: SubstitutionBudget
  /** 0 for the template, 1 inside a format spec (Python allows one level of nested fields). */
  readonly depth: number
}

function format(template: string, context: FormatContext): string {
  const { path, budget } = context
  /** `str.format` raises ValueError for a malformed template; lookups name their own exception. */
  const fail = (message: string, exception: ReferenceException = 'ValueError'): never => {
    throw new CoreError('format', `in ${JSON.stringify(abbreviated(template, 200))}: ${message}`, { path, exception })
  }
  let out = ''
  let i = 0
  while (i < template.length) {
    const ch = template[i] as string
    if (ch === '}') {
      if (template[i + 1] !== '}') fail("single '}' encountered in format string")
      out += '}'
      i += 2
      continue
    }
    if (ch !== '{') {
      out += ch
      i++
      continue
    }
    if (template[i + 1] === '{') {
      out += '{'
      i += 2
      continue
    }
    // A replacement field; the format spec may nest one level of fields.
    let depth = 1
    let j = i + 1
    while (j < template.length && depth > 0) {
      if (template[j] === '{') depth++
      else if (template[j] === '}') depth--
      if (depth > 0) j++
    }
    if (depth > 0) fail("single '{' encountered in format string")
    const replaced = replaceField(template.slice(i + 1, j), context, fail)
    if (out.length + replaced.length > MAX_SUBSTITUTED_LENGTH) {
      fail(`the result would be longer than ${MAX_SUBSTITUTED_LENGTH.toLocaleString('en-US')} characters, the most one substitution may produce here`)
    }
    budget.remaining -= replaced.length
    if (budget.remaining < 0) {
      fail(`the substitutions of this layout would produce more than ${MAX_SUBSTITUTED_TOTAL.toLocaleString('en-US')} characters together, the most allowed here`)
    }
    out += replaced
    i = j + 1
  }
  return out
}

type Fail = (message: string, exception?: ReferenceException) => never

function replaceField(field: string, context: FormatContext, fail: Fail): string {
  const { parameters } = context
  const nameEnd = field.search(/[!:]/)
  const reference = nameEnd < 0 ? field : field.slice(0, nameEnd)
  let rest = nameEnd < 0 ? '' : field.slice(nameEnd)
  let conversion = ''
  if (rest.startsWith('!')) {
    conversion = rest.slice(1, 2)
    rest = rest.slice(2)
    if (rest !== '' && !rest.startsWith(':')) fail("expected ':' after conversion specifier")
    if (!['r', 's', 'a'].includes(conversion)) fail(`unknown conversion specifier ${conversion || '(empty)'}`)
  }
  let spec = rest.startsWith(':') ? rest.slice(1) : ''
  if (spec.includes('{')) {
    // Python formats a spec's fields once more, and no deeper: "Max string recursion exceeded".
    if (context.depth >= 1) fail('Max string recursion exceeded')
    spec = format(spec, { ...context, depth: context.depth + 1 })
  }
  let value = lookup(reference, parameters, fail)
  if (conversion === 'r') value = pythonStringRepr(value)
  else if (conversion === 'a') value = pythonStringRepr(value, true)
  return applyStringSpec(value, spec, fail)
}

function lookup(reference: string, parameters: ReadonlyMap<string, string>, fail: Fail): string {
  const match = /^([^.[]*)(.*)$/s.exec(reference) as RegExpExecArray
  const name = match[1] as string
  let accessors = match[2] as string
  if (name === '' || /^\d+$/.test(name)) fail('positional fields are not supported (there are no positional arguments): IndexError', 'IndexError')
  const found = parameters.get(name)
  if (found === undefined) fail(`no substitution parameter named ${JSON.stringify(name)}: KeyError`, 'KeyError')
  let value = found as string
  while (accessors !== '') {
    if (accessors.startsWith('.')) fail('attribute access in a format field is not supported')
    const close = accessors.indexOf(']')
    if (!accessors.startsWith('[') || close < 0) fail("missing ']' in format string")
    const index = accessors.slice(1, close)
    if (!/^\d+$/.test(index)) fail('string indices must be integers: TypeError', 'TypeError')
    const codePoints = [...value]
    const position = Number(index)
    if (position >= codePoints.length) fail('string index out of range: IndexError', 'IndexError')
    value = codePoints[position] as string
    accessors = accessors.slice(close + 1)
  }
  return value
}

/** The format-spec mini-language as Python applies it to `str`. */
function applyStringSpec(value: string, spec: string, fail: Fail): string {
  if (spec === '') return value
  const parsed = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/su.exec(spec)
  if (!parsed) fail(`invalid format specifier ${JSON.stringify(spec)}`)
  const [, fillGiven, alignGiven, sign, , alternate, zero, widthText, grouping, precisionText, type] = parsed as RegExpExecArray
  if (type !== undefined && type !== 's') fail(`unknown format code '${type}' for object of type 'str'`)
  if (sign !== undefined) fail('sign not allowed in string format specifier')
  if (alternate !== undefined) fail('alternate form (#) not allowed in string format specifier')
  if (grouping !== undefined) fail(`cannot specify '${grouping}' with 's'`)
  if (alignGiven === '=') fail("'=' alignment not allowed in string format specifier")
  const fill = fillGiven ?? (zero !== undefined && alignGiven === undefined ? '0' : ' ')
  const align = alignGiven ?? '<'
  let text = value
  if (precisionText !== undefined) text = [...text].slice(0, Number(precisionText)).join('')
  const width = widthText === undefined ? 0 : Number(widthText)
  if (width > MAX_SUBSTITUTED_LENGTH) fail(`the width ${widthText} is more than the ${MAX_SUBSTITUTED_LENGTH.toLocaleString('en-US')} characters one substitution may produce here`)
  const length = [...text].length
  if (length >= width) return text
  const pad = width - length
  if (align === '>') return fill.repeat(pad) + text
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + text + fill.repeat(pad - Math.floor(pad / 2))
  return text + fill.repeat(pad)
}
