/**
 * Step and inspection names as the reference treats them.
 *
 * The reference never checks a name's type: `null`, integers, booleans and floats are
 * accepted (lists and objects are not: they are unhashable, and the duplicate-name check
 * puts every name in a Python `set`). Three things follow from that:
 *
 * - names are compared with Python `==` / `hash`, so `1`, `true` and `1.0` are the same name
 *   ({@link nameKey});
 * - file names are built with `str.format`, i.e. Python `str()` of the value: `None`, `True`,
 *   `7` ({@link pythonStr});
 * - link files are `<name>.<first 8 characters of the keyid>.link` ({@link linkFileName}) and
 *   sublayout link directories `<name>.<first 8 characters of the keyid>`
 *   ({@link sublayoutLinkDirName}).
 */
import type { JsonFloat, JsonScalar } from '../json/value.ts'

/** Python `str(value)` of a JSON scalar as the reference's parser produces it. */
export function pythonStr(value: JsonScalar): string {
  if (typeof value === 'string') return value
  if (value === null) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'bigint') return value.toString()
  return pythonFloatRepr(floatValue(value))
}

/** The numeric value Python's `float()` gives a float lexeme (`NaN`, `Infinity` included). */
function floatValue(value: JsonFloat): number {
  if (value.lexeme === 'NaN') return Number.NaN
  if (value.lexeme === 'Infinity') return Number.POSITIVE_INFINITY
  if (value.lexeme === '-Infinity') return Number.NEGATIVE_INFINITY
  return Number(value.lexeme)
}

/**
 * Python `repr(float)` (= `str(float)`): the shortest round-tripping digits, in positional
 * notation with a trailing `.0` when the decimal exponent is in [-4, 16), else in exponent
 * notation with a signed, at least two-digit exponent (`1e+16`, `1.5e-05`).
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Number.POSITIVE_INFINITY) return 'inf'
  if (value === Number.NEGATIVE_INFINITY) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const sign = value < 0 ? '-' : ''
  // toExponential() without an argument yields the shortest round-tripping digits.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string]
  const digits = mantissa.replace('.', '')
  const exponent = Number(exponentText)
  const decpt = exponent + 1
  if (decpt <= -4 || decpt > 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const expSign = exponent < 0 ? '-' : '+'
    const expDigits = String(Math.abs(exponent)).padStart(2, '0')
    return `${sign}${body}e${expSign}${expDigits}`
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`
}

/**
 * A string that is equal for two names exactly when Python considers them equal (`==` with
 * matching `hash`): `1`, `true` and `1.0` share a key, `"1"` does not. All `NaN`s share one
 * key (Python's `json` returns the same NaN object for every `NaN`, and set membership tests
 * identity first).
 */
export function nameKey(value: JsonScalar): string {
  if (typeof value === 'string') return `s:${value}`
  if (value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'i:1' : 'i:0'
  if (typeof value === 'bigint') return `i:${value.toString()}`
  const number = floatValue(value)
  if (Number.isNaN(number)) return 'nan'
  if (Number.isInteger(number)) return `i:${BigInt(number).toString()}`
  return `f:${String(number)}`
}

/** The first `count` Unicode characters (code points) of `text`, as Python slicing does. */
export function firstCodePoints(text: string, count: number): string {
  let end = 0
  for (let taken = 0; taken < count && end < text.length; taken++) {
    const unit = text.charCodeAt(end)
    end += unit >= 0xd800 && unit <= 0xdbff && end + 1 < text.length && isLowSurrogate(text.charCodeAt(end + 1)) ? 2 : 1
  }
  return text.slice(0, end)
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff
}

/** in-toto `FILENAME_FORMAT`: `"{step_name}.{keyid:.8}.link"`. */
export function linkFileName(stepName: string, keyid: string): string {
  return `${stepName}.${firstCodePoints(keyid, 8)}.link`
}

/** in-toto `SUBLAYOUT_LINK_DIR_FORMAT`: `"{name}.{keyid:.8}"`, relative to the link directory. */
export function sublayoutLinkDirName(stepName: string, keyid: string): string {
  return `${stepName}.${firstCodePoints(keyid, 8)}`
}

/** in-toto `UNFINISHED_FILENAME_FORMAT`: `".{step_name}.{keyid:.8}.link-unfinished"`. */
export function unfinishedLinkFileName(stepName: string, keyid: string): string {
  return `.${stepName}.${firstCodePoints(keyid, 8)}.link-unfinished`
}

/**
 * Why a file name built from a step or inspection name (a link, a preliminary link) cannot be
 * written in the directory it is meant for, or `undefined` when it can. The reference writes
 * wherever the name leads: `run -n ../escaped` writes `../escaped.KEYID.link` outside the
 * working directory, and an inspection named `/tmp/x` writes `/tmp/x.link`.
 */
export function unsafeFileNameReason(fileName: string): string | undefined {
  if (fileName.includes('\0')) return 'the name contains a NUL byte'
  if (fileName.startsWith('/')) return 'it is an absolute path, outside the directory'
  // posixpath.normpath's walk: a '..' that would go above the start leaves the directory.
  let depth = 0
  for (const part of fileName.split('/')) {
    if (part === '..') depth--
    else if (part !== '' && part !== '.') depth++
    if (depth < 0) return "it climbs out of the directory with '..'"
  }
  return undefined
}
