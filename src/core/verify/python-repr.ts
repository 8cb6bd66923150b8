/**
 * Python `repr()` of JSON values, so messages read like the reference's
 * (`Run command '['make']' differs from expected command '['make', 'all']'`).
 */
import { JsonFloat, type JsonValue } from '../json/value.ts'

export function pythonRepr(value: JsonValue): string {
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof JsonFloat) return value.lexeme === 'NaN' ? 'nan' : value.lexeme === 'Infinity' ? 'inf' : value.lexeme === '-Infinity' ? '-inf' : String(Number(value.lexeme))
  if (typeof value === 'string') return pythonStringRepr(value)
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  return `{${[...value].map(([key, item]) => `${pythonStringRepr(key)}: ${pythonRepr(item)}`).join(', ')}}`
}

/** Python `repr()` (or, with `asciiOnly`, `ascii()`) of a str. */
export function pythonStringRepr(value: string, asciiOnly = false): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of value) {
    const code = ch.codePointAt(0) as number
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (asciiOnly && code > 0x7f) {
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\U${code.toString(16).padStart(8, '0')}`
    } else out += ch
  }
  return out + quote
}

/**
 * `text` for a message: whole up to `max` characters, otherwise its start and how long it was
 * (a run command or an argument can be megabytes, and a message is read by a person).
 */
export function abbreviated(text: string, max = 1000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters in all)`
}
