/**
 * JSON values as the core sees them.
 *
 * Python's `json` (what the reference uses) keeps integers exact and tells `1` from `1.0`;
 * `JSON.parse` can do neither. So parsed integers are `bigint`, numbers written with a
 * fraction or exponent are kept as {@link JsonFloat} lexemes (canonical JSON rejects them,
 * but only if they land in signed data), and objects are `Map`s: an artifact may be named
 * `__proto__`, and a plain object would also reorder integer-like keys.
 */

/** A number written with `.`, `e`/`E`, or Python's `NaN` / `Infinity` / `-Infinity`. */
export class JsonFloat {
  readonly lexeme: string
  constructor(lexeme: string) {
    this.lexeme = lexeme
  }
  toString(): string {
    return this.lexeme
  }
}

export type JsonObject = Map<string, JsonValue>
export type JsonArray = JsonValue[]
export type JsonScalar = null | boolean | string | bigint | JsonFloat
export type JsonValue = JsonScalar | JsonArray | JsonObject

/**
 * What the canonical encoder accepts: parsed values, plus the conveniences code uses when it
 * builds documents itself (safe-integer `number`s, read-only arrays, plain objects).
 */
export type JsonInput = null | boolean | string | number | bigint | JsonFloat | readonly JsonInput[] | ReadonlyMap<string, JsonInput> | { readonly [key: string]: JsonInput }

export type PathSegment = string | number

export function isJsonObject(value: unknown): value is JsonObject {
  return value instanceof Map
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/

/**
 * Renders a JSON path the way people read them: `steps[1].expected_materials[0]`,
 * `keys["2f89b927…"]`, `materials["dir/a b.txt"]`.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}

/** Appends one segment to an already formatted path. */
export function joinPath(path: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${path}[${segment}]`
  if (IDENTIFIER.test(segment)) return path === '' ? segment : `${path}.${segment}`
  return `${path}[${JSON.stringify(segment)}]`
}

/** Short description of a value's JSON type, for error messages. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null'
  if (value instanceof JsonFloat) return `float ${value.lexeme}`
  if (typeof value === 'bigint') return 'integer'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Map) return 'object'
  if (typeof value === 'object') return 'object'
  return typeof value
}

/**
 * Python equality of two JSON values as the reference compares them (`==` on the parsed
 * objects): `true == 1`, `false == 0`, dict equality ignores key order, lists are ordered.
 * Floats compare by numeric value.
 */
export function pythonEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  const na = pythonNumber(a)
  const nb = pythonNumber(b)
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false
    if (typeof na === 'bigint' && typeof nb === 'bigint') return na === nb
    return Number(na) === Number(nb)
  }
  if (typeof a === 'string' || typeof b === 'string' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => pythonEquals(item, b[i] as JsonValue))
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false
    for (const [key, value] of a) {
      if (!b.has(key) || !pythonEquals(value, b.get(key) as JsonValue)) return false
    }
    return true
  }
  return false
}

function pythonNumber(value: JsonValue): bigint | number | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n
  if (typeof value === 'bigint') return value
  if (value instanceof JsonFloat) {
    if (value.lexeme === 'NaN') return Number.NaN
    if (value.lexeme === 'Infinity') return Number.POSITIVE_INFINITY
    if (value.lexeme === '-Infinity') return Number.NEGATIVE_INFINITY
    return Number(value.lexeme)
  }
  return undefined
}

/** Deep copy of a JSON value (Maps and arrays are copied, scalars shared). */
export function cloneJson<T extends JsonValue>(value: T): T {
  return cloneValue(value) as T
}

function cloneValue(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(cloneValue)
  if (value instanceof Map) {
    const copy: JsonObject = new Map()
    for (const [key, item] of value) copy.set(key, cloneValue(item))
    return copy
  }
  return value
}

/**
 * Converts code-built input (plain objects, numbers) into a parsed-style {@link JsonValue}.
 * Non-integer numbers become {@link JsonFloat} so that canonical encoding later rejects them.
 */
export function toJsonValue(input: JsonInput): JsonValue {
  if (input === null || typeof input === 'boolean' || typeof input === 'string' || typeof input === 'bigint') return input
  if (input instanceof JsonFloat) return input
  if (typeof input === 'number') return Number.isSafeInteger(input) ? BigInt(input) : new JsonFloat(String(input))
  if (Array.isArray(input)) return (input as readonly JsonInput[]).map(toJsonValue)
  const out: JsonObject = new Map()
  const entries: Iterable<[string, JsonInput]> = input instanceof Map ? (input as ReadonlyMap<string, JsonInput>).entries() : Object.entries(input as Record<string, JsonInput>)
  for (const [key, value] of entries) out.set(key, toJsonValue(value))
  return out
}

/** Converts a JSON value to plain JavaScript for display (`bigint`s become numbers or strings). */
export function toPlain(value: JsonValue): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()
  if (value instanceof JsonFloat) return Number(value.lexeme)
  if (Array.isArray(value)) return value.map(toPlain)
  if (value instanceof Map) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
    for (const [key, item] of value) out[key] = toPlain(item)
    return out
  }
  return value
}
