/**
 * A rebuilder policy: whom to trust to rebuild packages and how many must agree. Trusted
 * rebuilders are operators, each with one or more public keys; several keys of one operator
 * (rebuilderd's worker and daemon keys, one operator's per-architecture instances) are one
 * vote. A package passes when at least `threshold` operators attest exactly its bytes.
 *
 * The policy is a small JSON file people save, load and share (`layout-studio rebuilders
 * --policy`, the Rebuilders workspace). It is read strictly: unknown members, wrong types,
 * duplicate names or keys are refused, each problem with its JSON path.
 *
 * ```json
 * { "type": "layout-studio/rebuilder-policy", "version": 1, "threshold": 2, "quorum": false,
 *   "rebuilders": [ { "name": "reproduce.debian.net",
 *                     "keys": [ { "label": "daemon", "format": "spki-pem", "keyid": "2980aa62…",
 *                                 "text": "-----BEGIN PUBLIC KEY-----\n…" } ] } ] }
 * ```
 */
import { CoreError, ValidationError, type Issue } from '../errors.ts'
import { parseJson } from '../json/parse.ts'
import { describeJsonType, joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import { POLICY_KEY_FORMATS, readPolicyKey, type PolicyKey, type PolicyKeyFormat } from './policy-key.ts'

export const POLICY_TYPE = 'layout-studio/rebuilder-policy'
export const POLICY_VERSION = 1

/** Bounds that keep a hostile policy file from costing more than a real one. */
export const POLICY_LIMITS = Object.freeze({ maxBytes: 1024 * 1024, maxRebuilders: 256, maxKeysPerRebuilder: 64, maxThreshold: 256 })

export interface Rebuilder {
  /** The operator's name (unique in the policy): `reproduce.debian.net`, `Alice's rebuilder`. */
  readonly name: string
  readonly keys: readonly PolicyKey[]
}

export interface RebuilderPolicy {
  /** How many distinct trusted rebuilders must attest exactly the package's bytes (k). */
  readonly threshold: number
  /**
   * `false` (default): a trusted rebuilder that attests a different digest fails the check, as
   * in-toto fails a step whose links disagree. `true`: k agreeing votes suffice and dissent is
   * only shown, as kpcyrd/repro-threshold counts.
   */
  readonly quorum: boolean
  readonly rebuilders: readonly Rebuilder[]
}

export function emptyPolicy(threshold = 1): RebuilderPolicy {
  return { threshold, quorum: false, rebuilders: [] }
}

/** The operator a signature keyid belongs to, and which of its keys. */
export interface KeyOwner {
  readonly rebuilder: Rebuilder
  readonly key: PolicyKey
}

/** Every keyid signatures may carry → its operator and key. */
export function keyIndex(policy: RebuilderPolicy): ReadonlyMap<string, KeyOwner> {
  const index = new Map<string, KeyOwner>()
  for (const rebuilder of policy.rebuilders) {
    for (const key of rebuilder.keys) for (const keyid of key.signatureKeyids) if (!index.has(keyid)) index.set(keyid, { rebuilder, key })
  }
  return index
}

/** Problems that make the policy unable to pass anything (shown before a check, refused by the CLI). */
export function policyProblems(policy: RebuilderPolicy): string[] {
  const problems: string[] = []
  const n = policy.rebuilders.length
  if (n === 0) problems.push('The policy trusts no rebuilder yet.')
  else if (policy.threshold > n) problems.push(`The threshold is ${policy.threshold}, but only ${n} rebuilder${n === 1 ? ' is' : 's are'} trusted: no package can pass.`)
  for (const rebuilder of policy.rebuilders) if (rebuilder.keys.length === 0) problems.push(`Rebuilder '${rebuilder.name}' has no key: it can never vote.`)
  return problems
}

// ---------------------------------------------------------------------------------------------
// Editing (pure: each returns a new policy)

export function setThreshold(policy: RebuilderPolicy, threshold: number): RebuilderPolicy {
  if (!Number.isSafeInteger(threshold) || threshold < 1) throw new CoreError('format', `the threshold must be a whole number of at least 1, not ${threshold}`)
  return { ...policy, threshold }
}

export function setQuorum(policy: RebuilderPolicy, quorum: boolean): RebuilderPolicy {
  return { ...policy, quorum }
}

/**
 * Adds keys to the rebuilder `name`, creating it when new (a name given twice is one operator
 * with several keys). A key already in the policy is refused, naming its operator: it would
 * otherwise vote for two operators.
 */
export function addRebuilderKeys(policy: RebuilderPolicy, name: string, keys: readonly PolicyKey[]): RebuilderPolicy {
  const trimmed = name.trim()
  if (trimmed === '') throw new CoreError('format', 'a rebuilder needs a name')
  const index = keyIndex(policy)
  const seen = new Set<string>()
  for (const key of keys) {
    const owner = index.get(key.keyid)
    if (owner) throw new CoreError('key', `${describeKey(key)} is already a key of rebuilder '${owner.rebuilder.name}'`)
    if (seen.has(key.keyid)) throw new CoreError('key', `${describeKey(key)} is given twice`)
    seen.add(key.keyid)
  }
  const existing = policy.rebuilders.find((rebuilder) => rebuilder.name === trimmed)
  if (existing && existing.keys.length + keys.length > POLICY_LIMITS.maxKeysPerRebuilder) {
    throw new CoreError('format', `a rebuilder may have at most ${POLICY_LIMITS.maxKeysPerRebuilder} keys`)
  }
  if (!existing && policy.rebuilders.length >= POLICY_LIMITS.maxRebuilders) throw new CoreError('format', `a policy may trust at most ${POLICY_LIMITS.maxRebuilders} rebuilders`)
  const rebuilders = existing
    ? policy.rebuilders.map((rebuilder) => (rebuilder === existing ? { ...rebuilder, keys: [...rebuilder.keys, ...keys] } : rebuilder))
    : [...policy.rebuilders, { name: trimmed, keys: [...keys] }]
  return { ...policy, rebuilders }
}

export function renameRebuilder(policy: RebuilderPolicy, from: string, to: string): RebuilderPolicy {
  const trimmed = to.trim()
  if (trimmed === '') throw new CoreError('format', 'a rebuilder needs a name')
  if (trimmed !== from && policy.rebuilders.some((rebuilder) => rebuilder.name === trimmed)) throw new CoreError('format', `there is already a rebuilder named '${trimmed}'`)
  return { ...policy, rebuilders: policy.rebuilders.map((rebuilder) => (rebuilder.name === from ? { ...rebuilder, name: trimmed } : rebuilder)) }
}

export function removeRebuilder(policy: RebuilderPolicy, name: string): RebuilderPolicy {
  return { ...policy, rebuilders: policy.rebuilders.filter((rebuilder) => rebuilder.name !== name) }
}

export function removeRebuilderKey(policy: RebuilderPolicy, name: string, keyid: string): RebuilderPolicy {
  return {
    ...policy,
    rebuilders: policy.rebuilders.map((rebuilder) => (rebuilder.name === name ? { ...rebuilder, keys: rebuilder.keys.filter((key) => key.keyid !== keyid) } : rebuilder)),
  }
}

export function setKeyLabel(policy: RebuilderPolicy, name: string, keyid: string, label: string): RebuilderPolicy {
  return {
    ...policy,
    rebuilders: policy.rebuilders.map((rebuilder) =>
      rebuilder.name === name ? { ...rebuilder, keys: rebuilder.keys.map((key) => (key.keyid === keyid ? { ...key, label: label.trim() } : key)) } : rebuilder,
    ),
  }
}

function describeKey(key: PolicyKey): string {
  return `key ${key.keyid.slice(0, 8)}…${key.label ? ` (${key.label})` : ''}`
}

// ---------------------------------------------------------------------------------------------
// The file format

/** The policy file's text: stable member order, two-space indentation, a final newline. */
export function serializePolicy(policy: RebuilderPolicy): string {
  const document = {
    type: POLICY_TYPE,
    version: POLICY_VERSION,
    threshold: policy.threshold,
    quorum: policy.quorum,
    rebuilders: policy.rebuilders.map((rebuilder) => ({
      name: rebuilder.name,
      keys: rebuilder.keys.map((key) => ({ ...(key.label ? { label: key.label } : {}), format: key.format, keyid: key.keyid, text: key.text })),
    })),
  }
  return `${JSON.stringify(document, null, 2)}\n`
}

const TOP_MEMBERS = ['type', 'version', 'threshold', 'quorum', 'rebuilders']
const REBUILDER_MEMBERS = ['name', 'keys']
const KEY_MEMBERS = ['label', 'format', 'keyid', 'text']

/**
 * Reads a policy file. Throws {@link ValidationError} listing every problem with its JSON
 * path (`rebuilders[1].keys[0].text: …`), or `CoreError` `json` when the text is not JSON.
 */
export async function parsePolicy(text: string, file?: string): Promise<RebuilderPolicy> {
  if (text.length > POLICY_LIMITS.maxBytes) {
    throw new CoreError('format', `a rebuilder policy file is at most ${POLICY_LIMITS.maxBytes / 1024} KiB; this one has ${Math.ceil(text.length / 1024)} KiB`, { file })
  }
  const json = parseJson(text, { file })
  const issues: Issue[] = []
  const add = (path: string, message: string) => issues.push({ path, message })
  if (!(json instanceof Map)) throw new ValidationError('rebuilder policy', [{ path: '', message: `must be a JSON object, found ${describeJsonType(json)}` }], file)
  unknownMembers(json, TOP_MEMBERS, '', add)
  const type = json.get('type')
  if (type !== POLICY_TYPE) {
    add('type', type === undefined ? `missing: a rebuilder policy says "type": "${POLICY_TYPE}"` : `must be "${POLICY_TYPE}", found ${describeValue(type)}`)
    // Anything else is not worth reading: it is some other JSON file.
    throw new ValidationError('rebuilder policy', issues, file)
  }
  const version = json.get('version')
  if (typeof version !== 'bigint') add('version', version === undefined ? 'missing' : `must be an integer, found ${describeValue(version)}`)
  else if (version > BigInt(POLICY_VERSION)) add('version', `version ${version} was written by a newer Layout Studio; this one reads version ${POLICY_VERSION}`)
  else if (version !== BigInt(POLICY_VERSION)) add('version', `unknown version ${version}`)
  if (issues.length > 0) throw new ValidationError('rebuilder policy', issues, file)

  const threshold = json.get('threshold')
  let k = 1
  if (typeof threshold !== 'bigint') add('threshold', threshold === undefined ? 'missing' : `must be an integer, found ${describeValue(threshold)}`)
  else if (threshold < 1n || threshold > BigInt(POLICY_LIMITS.maxThreshold)) add('threshold', `must be between 1 and ${POLICY_LIMITS.maxThreshold}, found ${threshold}`)
  else k = Number(threshold)
  const quorumValue = json.get('quorum') ?? false
  if (typeof quorumValue !== 'boolean') add('quorum', `must be true or false, found ${describeValue(quorumValue)}`)

  const rebuilders: Rebuilder[] = []
  const list = json.get('rebuilders')
  if (!Array.isArray(list)) add('rebuilders', list === undefined ? 'missing' : `must be a list, found ${describeValue(list)}`)
  else if (list.length > POLICY_LIMITS.maxRebuilders) add('rebuilders', `at most ${POLICY_LIMITS.maxRebuilders} rebuilders, found ${list.length}`)
  else {
    const names = new Map<string, string>()
    const keyids = new Map<string, string>()
    for (const [index, entry] of list.entries()) {
      const path = joinPath('rebuilders', index)
      const rebuilder = await readRebuilder(entry, path, add, file)
      if (!rebuilder) continue
      const previous = names.get(rebuilder.name)
      if (previous !== undefined) add(joinPath(path, 'name'), `the name '${rebuilder.name}' is also used by ${previous}: give one operator's keys under one name`)
      names.set(rebuilder.name, path)
      rebuilder.keys.forEach((key, k) => {
        const keyPath = joinPath(joinPath(joinPath(path, 'keys'), k), 'text')
        const other = keyids.get(key.keyid)
        if (other !== undefined) add(keyPath, `key ${key.keyid.slice(0, 8)}… is also at ${other}: one key votes for one rebuilder, once`)
        keyids.set(key.keyid, keyPath)
      })
      rebuilders.push(rebuilder)
    }
  }
  if (issues.length > 0) throw new ValidationError('rebuilder policy', issues, file)
  return { threshold: k, quorum: quorumValue === true, rebuilders }
}

async function readRebuilder(entry: JsonValue, path: string, add: (path: string, message: string) => void, file: string | undefined): Promise<Rebuilder | undefined> {
  if (!(entry instanceof Map)) {
    add(path, `a rebuilder must be an object with "name" and "keys", found ${describeValue(entry)}`)
    return undefined
  }
  unknownMembers(entry, REBUILDER_MEMBERS, path, add)
  const name = entry.get('name')
  let ok = true
  if (typeof name !== 'string' || name.trim() === '') {
    add(joinPath(path, 'name'), name === undefined ? 'missing' : 'must be a non-empty string')
    ok = false
  } else if (name !== name.trim()) {
    add(joinPath(path, 'name'), 'must not start or end with spaces')
    ok = false
  }
  const keysValue = entry.get('keys')
  const keys: PolicyKey[] = []
  if (!Array.isArray(keysValue)) {
    add(joinPath(path, 'keys'), keysValue === undefined ? 'missing' : `must be a list, found ${describeValue(keysValue)}`)
    ok = false
  } else if (keysValue.length > POLICY_LIMITS.maxKeysPerRebuilder) {
    add(joinPath(path, 'keys'), `at most ${POLICY_LIMITS.maxKeysPerRebuilder} keys per rebuilder, found ${keysValue.length}`)
    ok = false
  } else {
    for (const [index, value] of keysValue.entries()) {
      const key = await readKey(value, joinPath(joinPath(path, 'keys'), index), add, file)
      if (key) keys.push(key)
      else ok = false
    }
  }
  return ok ? { name: name as string, keys } : undefined
}

async function readKey(value: JsonValue, path: string, add: (path: string, message: string) => void, file: string | undefined): Promise<PolicyKey | undefined> {
  if (!(value instanceof Map)) {
    add(path, `a key must be an object with "format" and "text", found ${describeValue(value)}`)
    return undefined
  }
  unknownMembers(value, KEY_MEMBERS, path, add)
  const format = value.get('format')
  const text = value.get('text')
  const label = value.get('label') ?? ''
  const keyid = value.get('keyid')
  let ok = true
  if (typeof format !== 'string' || !POLICY_KEY_FORMATS.includes(format as PolicyKeyFormat)) {
    add(joinPath(path, 'format'), `must be one of ${POLICY_KEY_FORMATS.map((f) => `"${f}"`).join(', ')}, found ${format === undefined ? 'nothing' : describeValue(format)}`)
    ok = false
  }
  if (typeof text !== 'string') {
    add(joinPath(path, 'text'), text === undefined ? 'missing' : `must be a string, found ${describeValue(text)}`)
    ok = false
  }
  if (typeof label !== 'string') {
    add(joinPath(path, 'label'), `must be a string, found ${describeValue(label)}`)
    ok = false
  }
  if (keyid !== undefined && typeof keyid !== 'string') {
    add(joinPath(path, 'keyid'), `must be a string, found ${describeValue(keyid)}`)
    ok = false
  }
  if (!ok) return undefined
  let key: PolicyKey
  try {
    key = await readPolicyKey(format as PolicyKeyFormat, text as string, (label as string).trim(), file)
  } catch (error) {
    add(joinPath(path, 'text'), error instanceof CoreError ? error.detail : String(error))
    return undefined
  }
  if (keyid !== undefined && keyid !== key.keyid) {
    add(joinPath(path, 'keyid'), `is ${keyid}, but the key's keyid is ${key.keyid}: the file was edited, or the key replaced`)
    return undefined
  }
  return key
}

function unknownMembers(object: JsonObject, known: readonly string[], path: string, add: (path: string, message: string) => void): void {
  for (const member of object.keys()) if (!known.includes(member)) add(joinPath(path, member), `unknown member (expected ${known.map((m) => `"${m}"`).join(', ')})`)
}

function describeValue(value: JsonValue): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint' || typeof value === 'boolean' || value === null) return String(value)
  return describeJsonType(value)
}
