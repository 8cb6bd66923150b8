/**
 * JSON text exactly as Python's `json.dumps(obj, indent=1, separators=(",", ": "),
 * sort_keys=True)` writes it (ASCII-only, `\uXXXX` escapes in lower case). This is the
 * format of every file `Metablock.dump` writes, so files we write are byte-identical to the
 * reference's for the same signatures. It is not what is signed (see canonical.ts).
 */
import { CoreError } from '../errors.ts'
import { compareCodePoints } from './canonical.ts'
import { JsonFloat, type JsonInput } from './value.ts'

export interface DumpOptions {
  /** Spaces per level; `undefined` writes compact JSON with separators `,` and `:`. */
  readonly indent?: number
}

export function pythonJsonDumps(value: JsonInput, options: DumpOptions = { indent: 1 }): string {
  return dump(value, options.indent, 0)
}

function dump(value: JsonInput, indent: number | undefined, level: number): string {
  switch (typeof value) {
    case 'string':
      return quoteAscii(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CoreError('canonical', `cannot write the number ${String(value)}`)
      return String(value === 0 ? 0 : value)
    default:
      break
  }
  if (value === null) return 'null'
  if (value instanceof JsonFloat) return value.lexeme
  const newline = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1))
  const close = indent === undefined ? '' : '\n' + ' '.repeat(indent * level)
  const comma = indent === undefined ? ',' : ','
  const colon = indent === undefined ? ':' : ': '
  if (Array.isArray(value)) {
    const items = value as readonly JsonInput[]
    if (items.length === 0) return '[]'
    return '[' + newline + items.map((item) => dump(item, indent, level + 1)).join(comma + newline) + close + ']'
  }
  const entries: [string, JsonInput][] = value instanceof Map ? [...(value as ReadonlyMap<string, JsonInput>)] : Object.entries(value as Record<string, JsonInput>)
  if (entries.length === 0) return '{}'
  entries.sort((a, b) => compareCodePoints(a[0], b[0]))
  return '{' + newline + entries.map(([key, item]) => quoteAscii(key) + colon + dump(item, indent, level + 1)).join(comma + newline) + close + '}'
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

/** Python's `ensure_ascii` quoting: everything outside space..`~` is escaped. */
function quoteAscii(text: string): string {
  return '"' + text.replace(/[\\"]|[^ -~]/g, (ch) => SHORT_ESCAPES[ch] ?? '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')) + '"'
}
