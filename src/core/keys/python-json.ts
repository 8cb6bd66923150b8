/**
 * JSON text exactly as Python's `json.dumps(obj)` writes it with default arguments, which is how
 * securesystemslib 0.26 writes key files (`interface._generate_and_write_*_keypair`,
 * `rsa_keys.encrypt_key`): separators `", "` and `": "`, `ensure_ascii=True` (every non-ASCII
 * character as `\uXXXX`, lowercase hex, surrogate pairs above U+FFFF), keys in insertion order.
 */

export type PythonJson = string | number | boolean | null | readonly PythonJson[] | ReadonlyMap<string, PythonJson>

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' }

export function pythonJsonDumps(value: PythonJson): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('only integers are supported')
    return String(value)
  }
  if (typeof value === 'string') return quote(value)
  if (value instanceof Map) {
    const entries = [...(value as ReadonlyMap<string, PythonJson>)].map(([key, item]) => `${quote(key)}: ${pythonJsonDumps(item)}`)
    return `{${entries.join(', ')}}`
  }
  return `[${(value as readonly PythonJson[]).map(pythonJsonDumps).join(', ')}]`
}

function quote(text: string): string {
  // Per UTF-16 code unit, which is exactly Python's surrogate-pair output for ensure_ascii.
  return '"' + text.replace(/["\\\u0000-\u001f\u0080-\uffff]/g, (c) => SHORT_ESCAPES[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"'
}
