/**
 * Layouts: validation of untrusted `signed` objects exactly as in-toto 1.3.1 accepts and
 * rejects them (`Metablock.load` → `Layout.read` → `Step(**s)`, `Inspection(**i)`,
 * `Layout(**signed)`, each followed by `validate()`), and the normalized dict the reference
 * signs and checks signatures over (`attr.asdict` of the rebuilt objects).
 *
 * What the reference does, and this module with it:
 *
 * - unknown members of the layout, a step or an inspection are dropped (not signed), and a
 *   step's or inspection's `_type` is forced; `parseLayoutWithNotes` lists them so callers
 *   can warn. A member named `self` crashes the reference (`__init__() got multiple values
 *   for argument 'self'`) and is an error here;
 * - defaults: `keys` `{}`, `readme` `""`; step `name` null, `pubkeys` `[]`,
 *   `expected_command` `[]`, `threshold` 1, rules `[]`; inspection `run` `[]`. A member that
 *   is present with `null` does NOT get the default (and is then refused), except `expires`:
 *   a missing or falsy `expires` becomes "now + 1 month" (see {@link Layout.expiresDefaulted});
 * - `steps` and `inspect` are required and must be lists of objects (`""` and `{}` are
 *   iterable and empty, so the reference accepts them as `[]`);
 * - names may be null, numbers or booleans, and are unique across steps and inspections by
 *   Python equality (`1 == true == 1.0`); list/object names are refused;
 * - `threshold` must be a Python `int`: any integer, `true`/`false` too — not checked
 *   against the number of pubkeys, not required positive; pubkeys must be hex but need not be
 *   in `keys`; `expected_command` and `run` elements are unchecked;
 * - `validate()` evaluates `signable_bytes` (it inspects every attribute), so a float (or a
 *   string UTF-8 cannot encode) anywhere in the normalized layout makes loading fail.
 */
import { ValidationError, type Issue } from '../errors.ts'
import { JsonFloat, describeJsonType, joinPath, type JsonObject, type JsonScalar, type JsonValue } from '../json/value.ts'
import { checkRule } from '../rules/parse.ts'
import { checkLayoutKey } from './layout-key.ts'
import { nameKey, pythonStr } from './names.ts'
import { checkCanonical, daysInMonth, describeValue, expiresProblem, isHex, matchIso8601 } from './schema.ts'
import type { Inspection, Layout, LayoutKey, Named, RuleSource, Step } from './types.ts'

export { layoutKeyFromJson, layoutKeyJson, checkLayoutKey } from './layout-key.ts'

export interface LayoutParseOptions {
  /**
   * The clock for the reference's default `expires` ("now + 1 month", local time). Defaults
   * to the current time; tests pass a fixed date.
   */
  readonly now?: Date
}

export interface ParsedLayout {
  readonly layout: Layout
  /**
   * What the reference silently dropped or replaced, none of which is covered by the
   * signature it checks: unknown members, a step's or inspection's `_type` other than
   * "step"/"inspection", `steps`/`inspect` given as `""`/`{}`, a defaulted `expires`.
   */
  readonly ignored: readonly Issue[]
}

const LAYOUT_MEMBERS: ReadonlySet<string> = new Set(['_type', 'steps', 'inspect', 'keys', 'expires', 'readme'])
const STEP_MEMBERS: ReadonlySet<string> = new Set(['_type', 'name', 'expected_materials', 'expected_products', 'pubkeys', 'expected_command', 'threshold'])
const INSPECTION_MEMBERS: ReadonlySet<string> = new Set(['_type', 'name', 'expected_materials', 'expected_products', 'run'])

const UNKNOWN_MEMBER = 'unknown member: the reference drops it, so it is not covered by the signature it checks'
const SELF_MEMBER = 'a member named "self" makes the reference crash (TypeError: __init__() got multiple values for argument \'self\')'

/**
 * Validates the `signed` object of a layout metablock (or a DSSE layout payload). Throws
 * {@link ValidationError} listing every problem, each with its JSON path inside `signed`.
 */
export function parseLayout(signed: JsonValue, file?: string, options: LayoutParseOptions = {}): Layout {
  return parseLayoutWithNotes(signed, file, options).layout
}

/** {@link parseLayout}, also returning what the reference would silently ignore. */
export function parseLayoutWithNotes(signed: JsonValue, file?: string, options: LayoutParseOptions = {}): ParsedLayout {
  if (!(signed instanceof Map)) {
    throw new ValidationError('layout', [{ path: '', message: `a layout must be a JSON object, found ${describeJsonType(signed)}` }], file)
  }
  const issues: Issue[] = []
  const ignored: Issue[] = []

  const type = signed.get('_type')
  if (type !== 'layout') {
    issues.push({ path: '_type', message: type === undefined ? 'missing "_type" (must be "layout")' : `must be "layout", found ${describeValue(type)}` })
  }
  for (const key of signed.keys()) {
    if (LAYOUT_MEMBERS.has(key)) continue
    if (key === 'self') issues.push({ path: joinPath('', key), message: SELF_MEMBER })
    else ignored.push({ path: joinPath('', key), message: UNKNOWN_MEMBER })
  }

  const steps = readItems(signed, 'steps', issues, ignored, (value, path) => readStep(value, path, issues, ignored))
  const inspect = readItems(signed, 'inspect', issues, ignored, (value, path) => readInspection(value, path, issues, ignored))
  checkUniqueNames(steps, inspect, issues)

  const keys = readKeys(signed.get('keys'), issues)

  const readme = member(signed, 'readme', '')
  if (typeof readme !== 'string') issues.push({ path: 'readme', message: `must be a string, found ${describeValue(readme)}` })

  const givenExpires = signed.get('expires')
  let expires = givenExpires
  let expiresDefaulted = false
  if (isPythonFalsy(givenExpires)) {
    expires = defaultExpires(options.now ?? new Date())
    expiresDefaulted = true
    ignored.push({
      path: 'expires',
      message: `${givenExpires === undefined ? 'missing' : `${describeValue(givenExpires as JsonValue)} counts as missing`}: the reference substitutes "now + 1 month" (${expires}), which the signature cannot cover`,
    })
  } else if (typeof expires !== 'string') {
    issues.push({ path: 'expires', message: `must be a date string YYYY-MM-DDTHH:MM:SSZ, found ${describeValue(expires as JsonValue)}` })
  } else {
    const problem = expiresProblem(expires)
    if (problem !== undefined) issues.push({ path: 'expires', message: problem })
  }

  if (issues.length > 0 || steps === undefined || inspect === undefined || keys === undefined) {
    throw new ValidationError('layout', issues, file)
  }
  const layout: Layout = {
    type: 'layout',
    expires: expires as string,
    readme: readme as string,
    keys,
    steps: steps as Step[],
    inspect: inspect as Inspection[],
    ...(expiresDefaulted ? { expiresDefaulted: true } : {}),
  }
  return { layout, ignored }
}

/** Members the reference ignores in a layout's `signed` object (see {@link ParsedLayout.ignored}). */
export function ignoredLayoutMembers(signed: JsonValue): Issue[] {
  try {
    return [...parseLayoutWithNotes(signed).ignored]
  } catch {
    return []
  }
}

/**
 * `kwargs.get(key, fallback)`: the fallback only when the member is absent — a member present
 * with `null` stays `null` (and is then usually refused).
 */
function member(object: JsonObject, key: string, fallback: JsonValue): JsonValue {
  const value = object.get(key)
  return value === undefined ? fallback : value
}

/** Python truthiness of a JSON value (`undefined` = member absent = `None`). */
function isPythonFalsy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === '' || value === 0n) return true
  if (value instanceof JsonFloat) return Number(value.lexeme) === 0
  if (Array.isArray(value)) return value.length === 0
  if (value instanceof Map) return value.size === 0
  return false
}

/**
 * `steps` / `inspect`: the reference iterates `data.get(member)`, so it must be present and
 * iterable: a list of objects; `""` and `{}` iterate as nothing.
 */
function readItems<T>(
  signed: JsonObject,
  member: 'steps' | 'inspect',
  issues: Issue[],
  ignored: Issue[],
  read: (value: JsonValue, path: string) => T | undefined,
): Array<T | undefined> | undefined {
  const value = signed.get(member)
  if (value === '' || (value instanceof Map && value.size === 0)) {
    ignored.push({ path: member, message: `${value === '' ? '""' : '{}'} is read as an empty list by the reference` })
    return []
  }
  if (!Array.isArray(value)) {
    issues.push({
      path: member,
      message:
        value === undefined ? `missing "${member}" (a list, possibly empty)` : `must be a list of ${member === 'steps' ? 'steps' : 'inspections'}, found ${describeValue(value)}`,
    })
    return undefined
  }
  return value.map((item, index) => read(item, joinPath(member, index)))
}

function readNamed(item: JsonObject, path: string, issues: Issue[]): Named | undefined {
  const raw = member(item, 'name', null)
  if (typeof raw === 'string') return { name: raw }
  if (Array.isArray(raw) || raw instanceof Map) {
    issues.push({ path: joinPath(path, 'name'), message: `a name cannot be ${raw instanceof Map ? 'an object' : 'a list'} (the reference crashes: unhashable type)` })
    return undefined
  }
  if (raw instanceof JsonFloat) checkCanonical(raw, joinPath(path, 'name'), issues)
  return { name: pythonStr(raw), rawName: raw as Exclude<JsonScalar, string> }
}

function checkMembers(item: JsonObject, known: ReadonlySet<string>, type: string, path: string, issues: Issue[], ignored: Issue[]): void {
  for (const key of item.keys()) {
    if (!known.has(key)) {
      if (key === 'self') issues.push({ path: joinPath(path, key), message: SELF_MEMBER })
      else ignored.push({ path: joinPath(path, key), message: UNKNOWN_MEMBER })
    }
  }
  const declared = item.get('_type')
  if (declared !== undefined && declared !== type) {
    ignored.push({ path: joinPath(path, '_type'), message: `${describeValue(declared)} is replaced by "${type}" by the reference (the signature it checks covers "${type}")` })
  }
}

function readRules(item: JsonObject, key: 'expected_materials' | 'expected_products', path: string, issues: Issue[]): RuleSource[] | undefined {
  const value = member(item, key, [])
  const rulesPath = joinPath(path, key)
  if (!Array.isArray(value)) {
    issues.push({ path: rulesPath, message: `must be a list of rules, found ${describeValue(value)}` })
    return undefined
  }
  let ok = true
  value.forEach((rule, index) => {
    if (checkRule(rule, joinPath(rulesPath, index), issues) === undefined) ok = false
  })
  return ok ? (value as unknown as RuleSource[]) : undefined
}

function readArgumentList(item: JsonObject, key: 'expected_command' | 'run', path: string, issues: Issue[]): JsonValue[] | undefined {
  const value = member(item, key, [])
  const at = joinPath(path, key)
  if (!Array.isArray(value)) {
    issues.push({ path: at, message: `must be a list of arguments, found ${describeValue(value)}` })
    return undefined
  }
  const before = issues.length
  checkCanonical(value, at, issues)
  return issues.length === before ? value : undefined
}

function readStep(value: JsonValue, path: string, issues: Issue[], ignored: Issue[]): Step | undefined {
  if (!(value instanceof Map)) {
    issues.push({ path, message: `a step must be an object, found ${describeValue(value)}` })
    return undefined
  }
  const before = issues.length
  checkMembers(value, STEP_MEMBERS, 'step', path, issues, ignored)
  const named = readNamed(value, path, issues)

  const pubkeysValue = member(value, 'pubkeys', [])
  let pubkeys: string[] | undefined
  if (!Array.isArray(pubkeysValue)) {
    issues.push({ path: joinPath(path, 'pubkeys'), message: `must be a list of keyids, found ${describeValue(pubkeysValue)}` })
  } else {
    pubkeysValue.forEach((keyid, index) => {
      if (typeof keyid !== 'string' || !isHex(keyid)) {
        issues.push({ path: joinPath(joinPath(path, 'pubkeys'), index), message: `must be a hex keyid, found ${describeValue(keyid)}` })
      }
    })
    pubkeys = pubkeysValue as string[]
  }

  const threshold = member(value, 'threshold', 1n)
  if (typeof threshold !== 'bigint' && typeof threshold !== 'boolean') {
    issues.push({ path: joinPath(path, 'threshold'), message: `must be an integer, found ${describeValue(threshold)}` })
  }
  const expectedCommand = readArgumentList(value, 'expected_command', path, issues)
  const expectedMaterials = readRules(value, 'expected_materials', path, issues)
  const expectedProducts = readRules(value, 'expected_products', path, issues)
  if (issues.length > before || named === undefined) return undefined
  return {
    type: 'step',
    ...named,
    threshold: threshold as bigint | boolean,
    pubkeys: pubkeys as string[],
    expectedCommand: expectedCommand as JsonValue[],
    expectedMaterials: expectedMaterials as RuleSource[],
    expectedProducts: expectedProducts as RuleSource[],
  }
}

function readInspection(value: JsonValue, path: string, issues: Issue[], ignored: Issue[]): Inspection | undefined {
  if (!(value instanceof Map)) {
    issues.push({ path, message: `an inspection must be an object, found ${describeValue(value)}` })
    return undefined
  }
  const before = issues.length
  checkMembers(value, INSPECTION_MEMBERS, 'inspection', path, issues, ignored)
  const named = readNamed(value, path, issues)
  const run = readArgumentList(value, 'run', path, issues)
  const expectedMaterials = readRules(value, 'expected_materials', path, issues)
  const expectedProducts = readRules(value, 'expected_products', path, issues)
  if (issues.length > before || named === undefined) return undefined
  return {
    type: 'inspection',
    ...named,
    run: run as JsonValue[],
    expectedMaterials: expectedMaterials as RuleSource[],
    expectedProducts: expectedProducts as RuleSource[],
  }
}

/** Python-equality identity of an item's name (so `1` and `true` collide). */
export function itemNameKey(item: Named): string {
  return nameKey(item.rawName !== undefined ? item.rawName : item.name)
}

function checkUniqueNames(steps: ReadonlyArray<Step | undefined> | undefined, inspect: ReadonlyArray<Inspection | undefined> | undefined, issues: Issue[]): void {
  const seen = new Map<string, string>()
  const visit = (items: ReadonlyArray<Step | Inspection | undefined> | undefined, member: string): void => {
    items?.forEach((item, index) => {
      if (item === undefined) return
      const path = joinPath(member, index)
      const key = itemNameKey(item)
      const first = seen.get(key)
      if (first !== undefined) {
        issues.push({
          path: joinPath(path, 'name'),
          message: `the name ${JSON.stringify(item.name)} is already used by ${first} (names must be unique across steps and inspections)`,
        })
      } else seen.set(key, path)
    })
  }
  visit(steps, 'steps')
  visit(inspect, 'inspect')
}

function readKeys(value: JsonValue | undefined, issues: Issue[]): Map<string, LayoutKey> | undefined {
  const keys = new Map<string, LayoutKey>()
  if (value === undefined) return keys
  if (!(value instanceof Map)) {
    issues.push({ path: 'keys', message: `must be an object mapping keyids to public keys, found ${describeValue(value)}` })
    return undefined
  }
  const before = issues.length
  for (const [keyid, json] of value) {
    const path = joinPath('keys', keyid)
    if (!isHex(keyid)) issues.push({ path, message: `${JSON.stringify(keyid)} is not a keyid: the keys of "keys" must be hex strings` })
    const key = checkLayoutKey(json, path, issues)
    checkCanonical(json, path, issues)
    if (key !== undefined) keys.set(keyid, key)
  }
  return issues.length === before ? keys : undefined
}

// ---------------------------------------------------------------------------------------------
// Dates

/**
 * The reference's default expiry: `(datetime.today() + relativedelta(months=1))
 * .strftime("%Y-%m-%dT%H:%M:%SZ")` — local time, next month, day clamped to its length.
 */
export function defaultExpires(now: Date): string {
  let year = now.getFullYear()
  let month = now.getMonth() + 2
  if (month > 12) {
    month = 1
    year++
  }
  const day = Math.min(now.getDate(), daysInMonth(year, month))
  return formatDateFields(year, month, day, now.getHours(), now.getMinutes(), now.getSeconds())
}

function formatDateFields(year: number, month: number, day: number, hour: number, minute: number, second: number): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}Z`
}

/** `date` (UTC) as a layout `expires` string, `YYYY-MM-DDTHH:MM:SSZ`. */
export function formatExpires(date: Date): string {
  return formatDateFields(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds())
}

/** Whether the reference accepts `value` as a layout's `expires`. */
export function isValidExpires(value: string): boolean {
  return expiresProblem(value) === undefined
}

/**
 * The instant an accepted `expires` stands for, as the reference's expiry check reads it
 * (`iso8601.parse_date`), or `undefined` when that check cannot read it: `parse_date` only
 * takes ASCII digits, so a layout whose `expires` uses other decimal digits loads but then
 * fails verification with a `ParseError` (fatal).
 */
export function expiresToDate(expires: string): Date | undefined {
  const fields = matchIso8601(expires)
  if (fields === undefined || !fields.ascii || expiresProblem(expires) !== undefined) return undefined
  const date = new Date(0)
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day)
  date.setUTCHours(fields.hour, fields.minute, fields.second, 0)
  return date
}

// ---------------------------------------------------------------------------------------------
// Normalized form

function nameValue(item: Named): JsonValue {
  return item.rawName !== undefined ? item.rawName : item.name
}

function rulesValue(rules: readonly RuleSource[]): JsonValue[] {
  return rules.map((rule) => [...rule])
}

/** A step as the reference signs it (`attr.asdict(Step)`). */
export function stepToSigned(step: Step): JsonObject {
  return new Map<string, JsonValue>([
    ['_type', 'step'],
    ['expected_command', [...step.expectedCommand]],
    ['expected_materials', rulesValue(step.expectedMaterials)],
    ['expected_products', rulesValue(step.expectedProducts)],
    ['name', nameValue(step)],
    ['pubkeys', [...step.pubkeys]],
    ['threshold', step.threshold],
  ])
}

/** An inspection as the reference signs it (`attr.asdict(Inspection)`). */
export function inspectionToSigned(inspection: Inspection): JsonObject {
  return new Map<string, JsonValue>([
    ['_type', 'inspection'],
    ['expected_materials', rulesValue(inspection.expectedMaterials)],
    ['expected_products', rulesValue(inspection.expectedProducts)],
    ['name', nameValue(inspection)],
    ['run', [...inspection.run]],
  ])
}

/**
 * The normalized layout dict the reference signs: `encodeCanonical(layoutToSigned(layout))`
 * is its `signable_bytes`. Key objects are shared with `layout`, not copied.
 */
export function layoutToSigned(layout: Layout): JsonObject {
  const keys: JsonObject = new Map()
  for (const [keyid, key] of layout.keys) keys.set(keyid, key.json)
  return new Map<string, JsonValue>([
    ['_type', 'layout'],
    ['expires', layout.expires],
    ['inspect', layout.inspect.map(inspectionToSigned)],
    ['keys', keys],
    ['readme', layout.readme],
    ['steps', layout.steps.map(stepToSigned)],
  ])
}

// ---------------------------------------------------------------------------------------------
// Building documents in code

/** A layout with no steps, inspections or keys. */
export function emptyLayout(expires: string, readme = ''): Layout {
  return { type: 'layout', expires, readme, keys: new Map(), steps: [], inspect: [] }
}

/** A step with the reference's defaults (threshold 1, nothing else), overridable. */
export function createStep(name: string, fields: Partial<Omit<Step, 'type' | 'name' | 'rawName'>> = {}): Step {
  return {
    type: 'step',
    name,
    threshold: fields.threshold ?? 1n,
    pubkeys: fields.pubkeys ?? [],
    expectedCommand: fields.expectedCommand ?? [],
    expectedMaterials: fields.expectedMaterials ?? [],
    expectedProducts: fields.expectedProducts ?? [],
  }
}

/** An inspection with the reference's defaults, overridable. */
export function createInspection(name: string, fields: Partial<Omit<Inspection, 'type' | 'name' | 'rawName'>> = {}): Inspection {
  return {
    type: 'inspection',
    name,
    run: fields.run ?? [],
    expectedMaterials: fields.expectedMaterials ?? [],
    expectedProducts: fields.expectedProducts ?? [],
  }
}

/**
 * Checks a layout built in code the way a loaded one is checked (round-trips it through
 * {@link layoutToSigned} and {@link parseLayout}). Returns the problems; `[]` when valid.
 */
export function validateLayout(layout: Layout): Issue[] {
  try {
    parseLayout(layoutToSigned(layout))
    return []
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues]
    throw error
  }
}
