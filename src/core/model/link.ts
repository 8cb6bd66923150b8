/**
 * Links: validation of untrusted `signed` objects exactly as in-toto 1.3.1 `Link.read`
 * (`Link(**signed)` + `validate()`) accepts and rejects them, and the normalized dict the
 * reference signs.
 *
 * - `materials` and `products`: objects whose values are HASHDICTs (`{any string: hex}`,
 *   `{}` allowed, a digest may end in one `\n`);
 * - `byproducts` and `environment`: objects, contents unchecked; `command`: a list, elements
 *   unchecked; `name`: any JSON value (never compared with the step's name);
 * - missing members get defaults (`name` null, `{}` / `[]`); a member present with `null` is
 *   refused; unknown members are dropped (and not signed); a member named `self` crashes the
 *   reference;
 * - `validate()` evaluates `signable_bytes`, so a float anywhere in the normalized link (in
 *   `byproducts`, say) makes loading fail.
 *
 * Links can be large (50,000+ artifacts, tens of MB), so the artifact check is one tight pass
 * and the parsed Maps are used as they are, not copied.
 */
import { ValidationError, type Issue } from '../errors.ts'
import { describeJsonType, joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import { checkCanonical, describeValue, isHex } from './schema.ts'
import type { ArtifactMap, HashDict, Link } from './types.ts'

export interface ParsedLink {
  readonly link: Link
  /** Unknown members the reference drops (not covered by the signature it checks). */
  readonly ignored: readonly Issue[]
}

const LINK_MEMBERS: ReadonlySet<string> = new Set(['_type', 'name', 'materials', 'products', 'byproducts', 'command', 'environment'])

/** At most this many problems are listed per artifact map; the rest are counted. */
const MAX_ARTIFACT_ISSUES = 50

/**
 * Validates the `signed` object of a link metablock (or a DSSE link payload). Throws
 * {@link ValidationError} listing every problem, each with its JSON path inside `signed`.
 */
export function parseLink(signed: JsonValue, file?: string): Link {
  return parseLinkWithNotes(signed, file).link
}

/** {@link parseLink}, also returning the members the reference would silently drop. */
export function parseLinkWithNotes(signed: JsonValue, file?: string): ParsedLink {
  if (!(signed instanceof Map)) {
    throw new ValidationError('link', [{ path: '', message: `a link must be a JSON object, found ${describeJsonType(signed)}` }], file)
  }
  const issues: Issue[] = []
  const ignored: Issue[] = []
  const type = signed.get('_type')
  if (type !== 'link') {
    issues.push({ path: '_type', message: type === undefined ? 'missing "_type" (must be "link")' : `must be "link", found ${describeValue(type)}` })
  }
  for (const key of signed.keys()) {
    if (LINK_MEMBERS.has(key)) continue
    if (key === 'self') {
      issues.push({ path: joinPath('', key), message: 'a member named "self" makes the reference crash (TypeError: __init__() got multiple values for argument \'self\')' })
    } else {
      ignored.push({ path: joinPath('', key), message: 'unknown member: the reference drops it, so it is not covered by the signature it checks' })
    }
  }

  const name = member(signed, 'name', null)
  checkCanonical(name, 'name', issues)
  const materials = readArtifacts(signed, 'materials', issues)
  const products = readArtifacts(signed, 'products', issues)
  const byproducts = readObject(signed, 'byproducts', issues)
  const environment = readObject(signed, 'environment', issues)
  const command = member(signed, 'command', [])
  if (!Array.isArray(command)) issues.push({ path: 'command', message: `must be a list of arguments, found ${describeValue(command)}` })
  else checkCanonical(command, 'command', issues)

  if (issues.length > 0) throw new ValidationError('link', issues, file)
  const link: Link = {
    type: 'link',
    name,
    command: command as JsonValue[],
    materials: materials as ArtifactMap,
    products: products as ArtifactMap,
    byproducts: byproducts as JsonObject,
    environment: environment as JsonObject,
  }
  return { link, ignored }
}

/** Members the reference ignores in a link's `signed` object. */
export function ignoredLinkMembers(signed: JsonValue): Issue[] {
  if (!(signed instanceof Map)) return []
  const out: Issue[] = []
  for (const key of signed.keys()) {
    if (!LINK_MEMBERS.has(key) && key !== 'self')
      out.push({ path: joinPath('', key), message: 'unknown member: the reference drops it, so it is not covered by the signature it checks' })
  }
  return out
}

function member(object: JsonObject, key: string, fallback: JsonValue): JsonValue {
  const value = object.get(key)
  return value === undefined ? fallback : value
}

function readObject(signed: JsonObject, key: 'byproducts' | 'environment', issues: Issue[]): JsonObject | undefined {
  const value = member(signed, key, new Map())
  if (!(value instanceof Map)) {
    issues.push({ path: key, message: `must be an object, found ${describeValue(value)}` })
    return undefined
  }
  checkCanonical(value, key, issues)
  return value
}

/**
 * `materials` / `products`: an object of HASHDICTs. One pass; the parsed Map is returned as
 * the artifact map itself (its values are then Maps of strings).
 */
function readArtifacts(signed: JsonObject, key: 'materials' | 'products', issues: Issue[]): JsonObject | undefined {
  const value = member(signed, key, new Map())
  if (!(value instanceof Map)) {
    issues.push({ path: key, message: `must be an object mapping artifact paths to hashes, found ${describeValue(value)}` })
    return undefined
  }
  let problems = 0
  for (const [path, hashes] of value) {
    if (hashes instanceof Map) {
      for (const [algorithm, digest] of hashes) {
        if (typeof digest === 'string' && isHex(digest)) continue
        if (problems++ < MAX_ARTIFACT_ISSUES) {
          issues.push({
            path: joinPath(joinPath(key, path), algorithm),
            message:
              typeof digest === 'string'
                ? digest === ''
                  ? 'empty digest (must be hex)'
                  : 'digest must be a hex string'
                : `digest must be a hex string, found ${describeValue(digest)}`,
          })
        }
      }
    } else if (problems++ < MAX_ARTIFACT_ISSUES) {
      issues.push({ path: joinPath(key, path), message: `must be an object mapping hash algorithms to hex digests, found ${describeValue(hashes)}` })
    }
  }
  if (problems > MAX_ARTIFACT_ISSUES) {
    issues.push({ path: key, message: `… and ${problems - MAX_ARTIFACT_ISSUES} more problems in ${key}` })
  }
  return problems === 0 ? value : undefined
}

/**
 * The normalized link dict the reference signs: `encodeCanonical(linkToSigned(link))` is its
 * `signable_bytes`. The artifact maps, `byproducts` and `environment` are shared with `link`
 * (no copy): treat the result as read-only.
 */
export function linkToSigned(link: Link): JsonObject {
  return new Map<string, JsonValue>([
    ['_type', 'link'],
    ['byproducts', link.byproducts],
    ['command', link.command as JsonValue[]],
    ['environment', link.environment],
    ['materials', artifactsValue(link.materials)],
    ['name', link.name],
    ['products', artifactsValue(link.products)],
  ])
}

/** Artifact maps are Maps of Maps of strings, i.e. already JSON objects: reuse them. */
function artifactsValue(artifacts: ArtifactMap): JsonObject {
  return artifacts as unknown as JsonObject
}

/** A link with the reference's defaults, overridable (for building links in code). */
export function createLink(name: JsonValue, fields: Partial<Omit<Link, 'type' | 'name'>> = {}): Link {
  return {
    type: 'link',
    name,
    command: fields.command ?? [],
    materials: fields.materials ?? new Map(),
    products: fields.products ?? new Map(),
    byproducts: fields.byproducts ?? new Map(),
    environment: fields.environment ?? new Map(),
  }
}

/** An artifact map from plain `{path: {algorithm: digest}}` data (own properties only). */
export function artifactMap(record: Readonly<Record<string, Readonly<Record<string, string>>>>): ArtifactMap {
  const out = new Map<string, HashDict>()
  for (const [path, hashes] of Object.entries(record)) out.set(path, new Map(Object.entries(hashes)))
  return out
}
