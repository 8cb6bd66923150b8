/**
 * The securesystemslib 0.26 schemas the in-toto 1.3.1 models check, as functions that report
 * every problem with its JSON path instead of stopping at the first.
 *
 * Python regex details matter here: the schemas use `re.match(pattern + "$")`, so matching is
 * anchored at the start, and `$` also matches just before a final `\n`; `\d` matches every
 * Unicode decimal digit (Python 3.11 = Unicode 14.0), not only ASCII.
 */
import type { Issue } from '../errors.ts'
import { JsonFloat, describeJsonType, joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import { pushAll } from '../arrays.ts'

/**
 * securesystemslib `HEX_SCHEMA` (`[a-fA-F0-9]+$`): one or more hex digits, then optionally
 * one `\n`. A plain loop: this runs once per digest of links with 50,000+ artifacts.
 */
export function isHex(value: string): boolean {
  let end = value.length
  if (end > 1 && value.charCodeAt(end - 1) === 0x0a) end--
  if (end === 0) return false
  for (let i = 0; i < end; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0x30 && c <= 0x39) continue
    const folded = c | 0x20
    if (folded >= 0x61 && folded <= 0x66) continue
    return false
  }
  return true
}

/**
 * First code point of every block of ten Unicode decimal digits (general category Nd) in
 * Unicode 14.0, the version of Python 3.11's `re` and `int()`. Each block is 0–9 in order.
 * (JavaScript's `\p{Nd}` follows a newer Unicode and knows more digits.)
 */
const DIGIT_BLOCKS = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
  0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450,
  0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
  0x1e950, 0x1fbf0,
]

/** The value of a Python `\d` character (0–9), or -1. */
export function pythonDigitValue(codePoint: number): number {
  if (codePoint >= 0x30 && codePoint <= 0x39) return codePoint - 0x30
  if (codePoint < 0x660) return -1
  for (const start of DIGIT_BLOCKS) {
    if (codePoint < start) return -1
    if (codePoint <= start + 9) return codePoint - start
  }
  return -1
}

/** The fields of `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`, read as Python `int()` reads them. */
export interface IsoFields {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** Every digit was ASCII (what `iso8601.parse_date`, used for the expiry check, requires). */
  readonly ascii: boolean
}

/**
 * securesystemslib `ISO8601_DATETIME_SCHEMA`: Python
 * `re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")`. Returns the fields, or `undefined`.
 */
export function matchIso8601(value: string): IsoFields | undefined {
  const chars = Array.from(value)
  if (chars.length === 21 && chars[20] === '\n') chars.pop()
  if (chars.length !== 20) return undefined
  const shape = '0000-00-00T00:00:00Z'
  let ascii = true
  const numbers: number[] = []
  let current = 0
  for (let i = 0; i < 20; i++) {
    const expected = shape[i] as string
    const ch = chars[i] as string
    if (expected === '0') {
      const cp = ch.codePointAt(0) as number
      const digit = pythonDigitValue(cp)
      if (digit < 0) return undefined
      if (cp > 0x39) ascii = false
      current = current * 10 + digit
    } else {
      if (ch !== expected) return undefined
      numbers.push(current)
      current = 0
    }
  }
  const [year, month, day, hour, minute, second] = numbers as [number, number, number, number, number, number]
  return { year, month, day, hour, minute, second, ascii }
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * Why a layout's `expires` string is refused, or `undefined` if the reference accepts it:
 * in-toto 1.3.1 `_validate_expires` requires `dateutil.parser.parse` to succeed AND the
 * ISO8601 schema to match. For strings of the schema's shape, dateutil reads
 * year-month-day and fails exactly on impossible dates and times (year 0, month 13, Feb 30,
 * hour 24, second 60 …).
 */
export function expiresProblem(value: string): string | undefined {
  const fields = matchIso8601(value)
  if (fields === undefined) {
    return `${JSON.stringify(value)} is not a date of the form YYYY-MM-DDTHH:MM:SSZ (UTC, with a capital "Z" and no offset)`
  }
  const { year, month, day, hour, minute, second } = fields
  if (year < 1) return `${JSON.stringify(value)}: year 0000 does not exist`
  if (month < 1 || month > 12) return `${JSON.stringify(value)}: month must be 01 to 12`
  if (day < 1 || day > daysInMonth(year, month)) return `${JSON.stringify(value)}: day ${day} does not exist in that month`
  if (hour > 23) return `${JSON.stringify(value)}: hour must be 00 to 23`
  if (minute > 59) return `${JSON.stringify(value)}: minute must be 00 to 59`
  if (second > 59) return `${JSON.stringify(value)}: second must be 00 to 59`
  return undefined
}

/** Appends an issue for every float (and string the canonical encoder cannot write) in `value`. */
export function checkCanonical(value: JsonValue, path: string, issues: Issue[], limit = 50): void {
  let reported = 0
  const visit = (item: JsonValue, at: string): void => {
    if (reported >= limit) return
    if (item instanceof JsonFloat) {
      reported++
      issues.push({ path: at, message: `the number ${item.lexeme} is not an integer; canonical JSON cannot encode it, so the reference refuses the document` })
    } else if (typeof item === 'string') {
      if (!item.isWellFormed()) {
        reported++
        issues.push({ path: at, message: 'a lone UTF-16 surrogate cannot be encoded as UTF-8' })
      }
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) visit(item[i] as JsonValue, joinPath(at, i))
    } else if (item instanceof Map) {
      for (const [key, child] of item) {
        if (!key.isWellFormed()) {
          reported++
          issues.push({ path: joinPath(at, key), message: 'a lone UTF-16 surrogate cannot be encoded as UTF-8' })
        }
        visit(child, joinPath(at, key))
      }
    }
  }
  visit(value, path)
}

const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'blake2s', 'blake2b', 'blake2b-256'])

/**
 * securesystemslib `ANY_PUBKEY_SCHEMA` = `PUBLIC_KEY_SCHEMA` or one of the three
 * `GPG_*_PUBKEY_SCHEMA`s. Appends the problems of the alternative the key most looks like
 * and returns which alternative matched, if any.
 */
export function checkAnyPublicKey(value: JsonValue, path: string, issues: Issue[]): 'public' | 'gpg' | undefined {
  const publicIssues: Issue[] = []
  checkPublicKeySchema(value, path, publicIssues)
  if (publicIssues.length === 0) return 'public'
  const gpgType = value instanceof Map ? value.get('type') : undefined
  const gpgKind = gpgType === 'rsa' || gpgType === 'dsa' || gpgType === 'eddsa' ? gpgType : undefined
  for (const kind of ['rsa', 'dsa', 'eddsa'] as const) {
    const gpgIssues: Issue[] = []
    checkGpgKeySchema(value, kind, path, gpgIssues)
    if (gpgIssues.length === 0) return 'gpg'
    if (kind === gpgKind && value instanceof Map && !value.has('keytype')) {
      pushAll(issues, gpgIssues)
      return undefined
    }
  }
  pushAll(issues, publicIssues)
  return undefined
}

/** securesystemslib `PUBLIC_KEY_SCHEMA`: only `keytype` and `keyval.public` are required. */
export function checkPublicKeySchema(value: JsonValue, path: string, issues: Issue[]): void {
  if (!(value instanceof Map)) {
    issues.push({ path, message: `a public key must be an object, found ${describeJsonType(value)}` })
    return
  }
  const keytype = value.get('keytype')
  if (keytype === undefined) issues.push({ path, message: 'missing "keytype"' })
  else if (typeof keytype !== 'string') issues.push({ path: joinPath(path, 'keytype'), message: `must be a string, found ${describeJsonType(keytype)}` })
  const algorithms = value.get('keyid_hash_algorithms')
  if (algorithms !== undefined) {
    if (!Array.isArray(algorithms)) {
      issues.push({ path: joinPath(path, 'keyid_hash_algorithms'), message: `must be a list, found ${describeJsonType(algorithms)}` })
    } else {
      algorithms.forEach((algorithm, index) => {
        if (typeof algorithm !== 'string' || !HASH_ALGORITHMS.has(algorithm)) {
          issues.push({
            path: joinPath(joinPath(path, 'keyid_hash_algorithms'), index),
            message: `must be one of ${[...HASH_ALGORITHMS].join(', ')}, found ${typeof algorithm === 'string' ? JSON.stringify(algorithm) : describeJsonType(algorithm)}`,
          })
        }
      })
    }
  }
  const keyval = value.get('keyval')
  const keyvalPath = joinPath(path, 'keyval')
  if (keyval === undefined) issues.push({ path, message: 'missing "keyval"' })
  else if (!(keyval instanceof Map)) issues.push({ path: keyvalPath, message: `must be an object, found ${describeJsonType(keyval)}` })
  else {
    const publicValue = keyval.get('public')
    if (publicValue === undefined) issues.push({ path: keyvalPath, message: 'missing "public"' })
    else if (typeof publicValue !== 'string') issues.push({ path: joinPath(keyvalPath, 'public'), message: `must be a string, found ${describeJsonType(publicValue)}` })
    const privateValue = keyval.get('private')
    if (privateValue !== undefined && privateValue !== '') {
      issues.push({ path: joinPath(keyvalPath, 'private'), message: 'a public key may only have an empty "private" value' })
    }
  }
  const expires = value.get('expires')
  if (expires !== undefined && (typeof expires !== 'string' || matchIso8601(expires) === undefined)) {
    issues.push({ path: joinPath(path, 'expires'), message: 'must be a date of the form YYYY-MM-DDTHH:MM:SSZ' })
  }
}

const GPG_METHOD = { rsa: 'pgp+rsa-pkcsv1.5', dsa: 'pgp+dsa-fips-180-2', eddsa: 'pgp+eddsa-ed25519' } as const
const GPG_PUBLIC_FIELDS = { rsa: ['n'], dsa: ['y', 'p', 'q', 'g'], eddsa: ['q'] } as const
const INT32_MAX = 2147483647n

/** securesystemslib `GPG_{RSA,DSA,ED25519}_PUBKEY_SCHEMA` (subkeys recurse with the same schema). */
export function checkGpgKeySchema(value: JsonValue, kind: 'rsa' | 'dsa' | 'eddsa', path: string, issues: Issue[]): void {
  if (!(value instanceof Map)) {
    issues.push({ path, message: `a public key must be an object, found ${describeJsonType(value)}` })
    return
  }
  const need = (key: string): JsonValue | undefined => {
    const item = value.get(key)
    if (item === undefined) issues.push({ path, message: `missing "${key}"` })
    return item
  }
  const type = need('type')
  if (type !== undefined && type !== kind) issues.push({ path: joinPath(path, 'type'), message: `must be "${kind}"` })
  const method = need('method')
  if (method !== undefined && method !== GPG_METHOD[kind]) issues.push({ path: joinPath(path, 'method'), message: `must be "${GPG_METHOD[kind]}"` })
  const hashes = need('hashes')
  if (hashes !== undefined && (!Array.isArray(hashes) || hashes.some((hash) => hash !== 'pgp+SHA2'))) {
    issues.push({ path: joinPath(path, 'hashes'), message: 'must be a list of "pgp+SHA2"' })
  }
  for (const key of ['creation_time', 'validity_period']) {
    const item = value.get(key)
    if (item !== undefined && (typeof item !== 'bigint' || item < 0n || item > INT32_MAX)) {
      issues.push({ path: joinPath(path, key), message: 'must be an integer from 0 to 2147483647' })
    }
  }
  const keyid = need('keyid')
  if (keyid !== undefined && (typeof keyid !== 'string' || !isHex(keyid))) issues.push({ path: joinPath(path, 'keyid'), message: 'must be a hex string' })
  const keyval = need('keyval')
  const keyvalPath = joinPath(path, 'keyval')
  if (keyval !== undefined) {
    if (!(keyval instanceof Map)) issues.push({ path: keyvalPath, message: 'must be an object' })
    else {
      const publicValue = keyval.get('public')
      const publicPath = joinPath(keyvalPath, 'public')
      if (!(publicValue instanceof Map))
        issues.push({ path: publicValue === undefined ? keyvalPath : publicPath, message: publicValue === undefined ? 'missing "public"' : 'must be an object' })
      else {
        if (kind === 'rsa') {
          const e = publicValue.get('e')
          if (typeof e !== 'string') issues.push({ path: joinPath(publicPath, 'e'), message: 'must be a string' })
        }
        for (const field of GPG_PUBLIC_FIELDS[kind]) {
          const item = publicValue.get(field)
          if (typeof item !== 'string' || !isHex(item)) issues.push({ path: joinPath(publicPath, field), message: 'must be a hex string' })
        }
      }
      if (keyval.get('private') !== '') issues.push({ path: joinPath(keyvalPath, 'private'), message: 'must be ""' })
    }
  }
  const subkeys = value.get('subkeys')
  if (subkeys !== undefined) {
    const subkeysPath = joinPath(path, 'subkeys')
    if (!(subkeys instanceof Map)) issues.push({ path: subkeysPath, message: 'must be an object' })
    else {
      for (const [subkeyid, subkey] of subkeys) {
        if (!isHex(subkeyid)) issues.push({ path: joinPath(subkeysPath, subkeyid), message: 'subkey ids must be hex' })
        checkGpgKeySchema(subkey, kind, joinPath(subkeysPath, subkeyid), issues)
      }
    }
  }
}

/** `describeJsonType` plus the value for short scalars, for messages. */
export function describeValue(value: JsonValue): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (typeof value === 'bigint' || typeof value === 'boolean') return `${describeJsonType(value)} ${String(value)}`
  if (value === null) return 'null'
  return describeJsonType(value)
}

/** Members of `object` other than `known`, as paths below `path`. */
export function unknownMembers(object: JsonObject, known: ReadonlySet<string>, path: string): string[] {
  const out: string[] = []
  for (const key of object.keys()) if (!known.has(key)) out.push(joinPath(path, key))
  return out
}
