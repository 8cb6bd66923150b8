/**
 * Lint for layouts before they are signed: mistakes the reference accepts silently but that
 * make a supply chain unverifiable or weaker than its author thinks. Every finding names the
 * JSON path in the layout and the step, inspection or key it is about, so the editor can
 * point at the node and the JSON line, and `layout-studio check` can print it.
 *
 * Errors mean "this layout cannot verify as intended" and block signing; warnings ask for a
 * second look.
 */
import { canonicalProblem } from '../json/canonical.ts'
import type { Inspection, Layout, RuleSource, Step } from '../model/types.ts'
import { layoutToSigned } from '../model/layout.ts'
import { KEYID_GENERATIONS, keyidOf } from '../keys/keyid-generations.ts'
import { gpgKeyFromJson, recomputedFingerprint } from '../openpgp/key-object.ts'
import { keyWeakness } from '../keys/weakness.ts'
import { fnmatch, hasMagic } from '../rules/fnmatch.ts'
import { parseRule } from '../rules/parse.ts'
import type { ArtifactRule } from '../rules/types.ts'
import { CoreError } from '../errors.ts'
import { minOf } from '../arrays.ts'

export type Severity = 'error' | 'warning'

export type LintCode =
  | 'duplicate-name'
  | 'match-unknown-step'
  | 'match-inspection-from-step'
  | 'missing-trailing-disallow'
  | 'unreachable-rule'
  | 'require-wildcard'
  | 'malformed-rule'
  | 'threshold-too-high'
  | 'threshold-below-one'
  | 'no-functionary'
  | 'unknown-pubkey'
  | 'unused-key'
  | 'keyid-mismatch'
  | 'empty-run'
  | 'expired'
  | 'expires-soon'
  | 'not-encodable'
  | 'suspicious-name'
  | 'inspection-sees-metadata'
  | 'one-operator-twice'
  | 'weak-key'

/** What a finding is about, so a UI can highlight it. */
export type LintTarget =
  | { readonly kind: 'layout' }
  | { readonly kind: 'step' | 'inspection'; readonly index: number; readonly name: string }
  | { readonly kind: 'key'; readonly keyid: string }

export interface LintFinding {
  readonly severity: Severity
  readonly code: LintCode
  readonly message: string
  /** JSON path inside the layout's `signed` object, e.g. `steps[1].expected_materials[0]`. */
  readonly path: string
  readonly target: LintTarget
  /** Rules that fix the finding, to insert into the rule list at `fix.path` before position `fix.index`. */
  readonly fix?: LintFix
}

export interface LintFix {
  readonly label: string
  /** The rule list, e.g. `inspect[0].expected_materials`. */
  readonly path: string
  readonly index: number
  readonly rules: readonly RuleSource[]
}

export interface LintOptions {
  /** The time to judge expiry against (default: now). */
  readonly now?: Date
  /** A layout expiring within this many days gets a warning (default 30). */
  readonly soonDays?: number
  /**
   * Files the verifier's working directory holds besides the products (the layout, the owners' public keys):
   * inspections run there and record `.` (in-toto's default excludes drop `*.link*`), so their rules see them.
   */
  readonly verifierDirectory?: readonly string[]
  /**
   * Who holds each key (keyid → operator), e.g. from a rebuilder policy: two keys of one
   * operator authorized for one step would count twice toward its threshold.
   */
  readonly operators?: ReadonlyMap<string, string>
}

const DAY_MS = 24 * 60 * 60 * 1000

export function lintLayout(layout: Layout, options: LintOptions = {}): LintFinding[] {
  const findings: LintFinding[] = []
  const add = (severity: Severity, code: LintCode, message: string, path: string, target: LintTarget) => findings.push({ severity, code, message, path, target })
  const stepNames = new Set(layout.steps.map((step) => step.name))
  const inspectionNames = new Set(layout.inspect.map((inspection) => inspection.name))

  lintExpiry(layout, options, add)
  if (options.verifierDirectory !== undefined && options.verifierDirectory.length > 0) lintVerifierDirectory(layout, options.verifierDirectory, findings)

  const seen = new Map<string, string>()
  const items: [Step | Inspection, 'steps' | 'inspect', number][] = [
    ...layout.steps.map((step, index): [Step, 'steps', number] => [step, 'steps', index]),
    ...layout.inspect.map((inspection, index): [Inspection, 'inspect', number] => [inspection, 'inspect', index]),
  ]
  for (const [item, list, index] of items) {
    const path = `${list}[${index}]`
    const target: LintTarget = { kind: item.type, index, name: item.name }
    const previous = seen.get(item.name)
    if (previous !== undefined)
      add('error', 'duplicate-name', `The name '${item.name}' is used twice (also by ${previous}); names must be unique across steps and inspections.`, `${path}.name`, target)
    else seen.set(item.name, `${item.type} ${path}`)
    if (/[/\\]|^\.|^$/.test(item.name)) {
      add(
        'warning',
        'suspicious-name',
        `The name '${item.name}' becomes part of link file names ('${item.name}.<keyid>.link'); avoid '/', '\\', a leading '.' and empty names.`,
        `${path}.name`,
        target,
      )
    }
    for (const kind of ['materials', 'products'] as const) {
      const rules = kind === 'materials' ? item.expectedMaterials : item.expectedProducts
      lintRules(rules, `${path}.expected_${kind}`, item.type, target, stepNames, inspectionNames, add)
    }
  }

  const usedKeys = new Set<string>()
  for (const [index, step] of layout.steps.entries()) {
    const path = `steps[${index}]`
    const target: LintTarget = { kind: 'step', index, name: step.name }
    for (const keyid of step.pubkeys) usedKeys.add(keyid)
    const threshold = typeof step.threshold === 'boolean' ? (step.threshold ? 1n : 0n) : step.threshold
    const distinct = new Set(step.pubkeys).size
    if (step.pubkeys.length === 0) add('error', 'no-functionary', `Step '${step.name}' authorizes no functionary: nobody can sign its link.`, `${path}.pubkeys`, target)
    if (threshold < 1n)
      add(
        'error',
        'threshold-below-one',
        `Step '${step.name}' has threshold ${threshold}: it must be at least 1, or the step needs no signed evidence at all.`,
        `${path}.threshold`,
        target,
      )
    else if (distinct > 0 && threshold > BigInt(distinct)) {
      add('error', 'threshold-too-high', `Step '${step.name}' needs ${threshold} functionaries to agree but authorizes only ${distinct}.`, `${path}.threshold`, target)
    }
    lintOneOperatorTwice(layout, step, path, target, options.operators, add)
    step.pubkeys.forEach((keyid, k) => {
      if (!layout.keys.has(keyid))
        add(
          'error',
          'unknown-pubkey',
          `Step '${step.name}' authorizes keyid ${keyid.slice(0, 8)}…, which is not among the layout's keys: its links can never verify.`,
          `${path}.pubkeys[${k}]`,
          target,
        )
    })
  }
  for (const [index, inspection] of layout.inspect.entries()) {
    if (inspection.run.length === 0) {
      add(
        'error',
        'empty-run',
        `Inspection '${inspection.name}' has an empty run command; the reference always fails it ("Got non-int return value 'None'").`,
        `inspect[${index}].run`,
        { kind: 'inspection', index, name: inspection.name },
      )
    }
  }
  for (const [keyid, key] of layout.keys) {
    const target: LintTarget = { kind: 'key', keyid }
    const path = `keys[${JSON.stringify(keyid)}]`
    if (!usedKeys.has(keyid)) add('warning', 'unused-key', `Key ${keyid.slice(0, 8)}… is in the layout but no step authorizes it.`, path, target)
    // The verifier accepts weak keys as the reference does; the layout's author must hear about them.
    const weakness = keyWeakness({ keytype: key.keytype, public: key.public, openpgp: key.gpg ? key.json : undefined })
    if (weakness !== undefined) add('error', 'weak-key', `Key ${keyid.slice(0, 8)}… is weak: ${weakness}. Replace it with a new key before signing.`, `${path}.keyval`, target)
    if (key.keyid !== undefined && key.keyid !== keyid) {
      add(
        'warning',
        'keyid-mismatch',
        `Key ${keyid.slice(0, 8)}… embeds a different keyid (${key.keyid.slice(0, 8)}…): link files are named after the first, signatures must carry the second.`,
        `${path}.keyid`,
        target,
      )
    } else if (key.gpg) {
      // An OpenPGP key's keyid is its V4 fingerprint (not a hash of the JSON); so are its subkeys'.
      const gpgKey = gpgKeyFromJson(key.json, path)
      for (const [id, item] of [[keyid, gpgKey] as const, ...[...gpgKey.subkeys].map(([subid, sub]) => [subid, sub] as const)]) {
        const fingerprint = recomputedFingerprint(item)
        if (fingerprint === undefined || fingerprint === id.toLowerCase()) continue
        add(
          'warning',
          'keyid-mismatch',
          `OpenPGP key ${id.slice(0, 8)}… is listed under an id that is not its fingerprint (${fingerprint.slice(0, 8)}…, from its creation time and key material).`,
          item.where,
          target,
        )
      }
    } else if (key.scheme !== undefined) {
      let computed: string[] | undefined
      try {
        // Either keyid generation is the key's own id (keyid-generations.ts): 1.x tools and in-toto-golang, or Python in-toto ≥ 2.
        computed = KEYID_GENERATIONS.map((generation) => keyidOf({ keyid, keytype: key.keytype, scheme: key.scheme as string, public: key.public }, generation))
      } catch {
        computed = undefined
      }
      if (computed !== undefined && !computed.includes(keyid)) {
        add(
          'warning',
          'keyid-mismatch',
          `Key ${keyid.slice(0, 8)}… is listed under a keyid that is not the hash of its public key (in-toto 1.x: ${computed[0]!.slice(0, 8)}…, 2.x and later: ${computed[1]!.slice(0, 8)}…); tools that compute keyids will not find it.`,
          path,
          target,
        )
      }
    }
  }

  try {
    const problem = canonicalProblem(layoutToSigned(layout))
    if (problem) add('error', 'not-encodable', `The layout cannot be signed: ${problem.detail}`, problem.path ?? '', { kind: 'layout' })
  } catch (error) {
    add('error', 'not-encodable', `The layout cannot be signed: ${error instanceof Error ? error.message : String(error)}`, '', { kind: 'layout' })
  }
  return findings
}

/**
 * in-toto counts distinct authorized keys toward a step's threshold
 * (`verifylib.verify_link_signature_thresholds`), so one party holding two of a step's keys
 * counts twice. Found from the operators given, and without them where the layout itself
 * shows it: one public key listed under two keyids (a 1.x and a 2.x keyid, say), or an
 * OpenPGP key authorized next to one of its own subkeys.
 */
function lintOneOperatorTwice(
  layout: Layout,
  step: Step,
  path: string,
  target: LintTarget,
  operators: ReadonlyMap<string, string> | undefined,
  add: (s: Severity, c: LintCode, m: string, p: string, t: LintTarget) => void,
): void {
  const groups = new Map<string, { why: string; keyids: string[] }>()
  const join = (id: string, why: string, keyid: string) => {
    const group = groups.get(id) ?? { why, keyids: [] }
    if (!group.keyids.includes(keyid)) group.keyids.push(keyid)
    groups.set(id, group)
  }
  const pubkeys = [...new Set(step.pubkeys)]
  for (const keyid of pubkeys) {
    const operator = operators?.get(keyid)
    if (operator !== undefined) join(`operator:${operator}`, `rebuilder '${operator}'`, keyid)
    const key = layout.keys.get(keyid)
    if (key && !key.gpg && key.public) join(`material:${key.keytype}:${key.keytype === 'ed25519' ? key.public.toLowerCase() : key.public.trim()}`, 'one public key', keyid)
    const subkeys = key?.gpg ? key.json.get('subkeys') : undefined
    if (subkeys instanceof Map) {
      for (const subkey of subkeys.keys()) {
        if (subkey !== keyid && pubkeys.includes(subkey)) {
          join(`gpg:${keyid}`, `the OpenPGP key ${keyid.slice(0, 8)}… and its subkeys`, keyid)
          join(`gpg:${keyid}`, `the OpenPGP key ${keyid.slice(0, 8)}… and its subkeys`, subkey)
        }
      }
    }
  }
  const reported = new Set<string>()
  for (const { why, keyids } of groups.values()) {
    const signature = [...keyids].sort().join(',')
    if (keyids.length < 2 || reported.has(signature)) continue
    reported.add(signature)
    add(
      'warning',
      'one-operator-twice',
      `Step '${step.name}' authorizes ${keyids.length} keys of ${why} (${keyids.map((keyid) => `${keyid.slice(0, 8)}…`).join(', ')}) as separate functionaries: in-toto counts each toward the threshold, so that one party counts ${keyids.length} times. Authorize one of them.`,
      `${path}.pubkeys`,
      target,
    )
  }
}

function lintExpiry(layout: Layout, options: LintOptions, add: (s: Severity, c: LintCode, m: string, p: string, t: LintTarget) => void): void {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z\n?$/.exec(layout.expires)
  if (!match) return
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[]
  const expires = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)
  const now = (options.now ?? new Date()).getTime()
  const soonDays = options.soonDays ?? 30
  if (expires < now) add('error', 'expired', `The layout expired on ${layout.expires.trim()}; verification will fail.`, 'expires', { kind: 'layout' })
  else if (expires - now < soonDays * DAY_MS) {
    const days = Math.max(0, Math.floor((expires - now) / DAY_MS))
    add('warning', 'expires-soon', `The layout expires in ${days} day${days === 1 ? '' : 's'} (${layout.expires.trim()}).`, 'expires', { kind: 'layout' })
  }
}

function lintRules(
  rules: readonly (readonly string[])[],
  path: string,
  itemType: 'step' | 'inspection',
  target: LintTarget,
  stepNames: ReadonlySet<string>,
  inspectionNames: ReadonlySet<string>,
  add: (s: Severity, c: LintCode, m: string, p: string, t: LintTarget) => void,
): void {
  const name = target.kind === 'step' || target.kind === 'inspection' ? target.name : ''
  const parsed: (ArtifactRule | undefined)[] = rules.map((source, index) => {
    try {
      return parseRule(source)
    } catch (error) {
      add(
        'error',
        'malformed-rule',
        `Rule ${index + 1} of ${itemType} '${name}' is malformed: ${error instanceof CoreError ? error.detail : String(error)}`,
        `${path}[${index}]`,
        target,
      )
      return undefined
    }
  })
  parsed.forEach((rule, index) => {
    if (rule === undefined) return
    const at = `${path}[${index}]`
    if (rule.type === 'REQUIRE' && hasMagic(rule.pattern)) {
      add('error', 'require-wildcard', `REQUIRE takes a literal file name, not a pattern: '${rule.pattern}' only matches an artifact literally named so.`, at, target)
    }
    if (rule.type === 'MATCH') {
      const destination = rule.destinationStep
      if (itemType === 'step' && inspectionNames.has(destination) && !stepNames.has(destination)) {
        add(
          'error',
          'match-inspection-from-step',
          `Step '${name}' matches against inspection '${destination}', but inspections run after step rules are checked: the rule can never match.`,
          at,
          target,
        )
      } else if (!stepNames.has(destination) && !(itemType === 'inspection' && inspectionNames.has(destination))) {
        add(
          'error',
          'match-unknown-step',
          `Rule ${index + 1} of ${itemType} '${name}' matches against '${destination}', which is not a ${itemType === 'step' ? 'step' : 'step or inspection'} of this layout: it matches nothing.`,
          at,
          target,
        )
      }
    }
    if (rule.type === 'DISALLOW' && rule.pattern === '*' && index < parsed.length - 1) {
      add('warning', 'unreachable-rule', `Rules after 'DISALLOW *' in ${itemType} '${name}' can never consume anything.`, `${path}[${index + 1}]`, target)
    }
  })
  const last = parsed.at(-1)
  if (!(last?.type === 'DISALLOW' && last.pattern === '*')) {
    add(
      'warning',
      'missing-trailing-disallow',
      `The ${path.endsWith('materials') ? 'material' : 'product'} rules of ${itemType} '${name}' do not end with 'DISALLOW *': anything no rule mentions is allowed.`,
      path,
      target,
    )
  }
}

/**
 * An inspection records the verifier's working directory as its materials and products
 * (verifylib.run_all_inspections → runlib.in_toto_run with `.`), so the layout and key files lying there are
 * artifacts of it. A metadata file no rule consumes before a DISALLOW that matches it fails verification.
 * Only ALLOW can consume such a file: it exists before and after (not CREATE/DELETE), unchanged (not MODIFY),
 * and no step produced it (not MATCH). The fix is what the upstream demo's layout does: `ALLOW root.layout`,
 * `ALLOW alice.pub`, … before the closing `DISALLOW *`.
 */
function lintVerifierDirectory(layout: Layout, files: readonly string[], findings: LintFinding[]): void {
  layout.inspect.forEach((inspection, index) => {
    for (const [list, rules] of [
      ['expected_materials', inspection.expectedMaterials],
      ['expected_products', inspection.expectedProducts],
    ] as const) {
      const parsed: (ArtifactRule | undefined)[] = rules.map((rule) => {
        try {
          return parseRule(rule)
        } catch {
          return undefined
        }
      })
      const refusedAt = new Map<string, number>()
      for (const file of files) {
        for (const [position, rule] of parsed.entries()) {
          if (rule === undefined) continue
          if (rule.type === 'ALLOW' && fnmatch(file, rule.pattern)) break
          if (rule.type === 'DISALLOW' && fnmatch(file, rule.pattern)) {
            refusedAt.set(file, position)
            break
          }
        }
      }
      if (refusedAt.size === 0) continue
      const refused = [...refusedAt.keys()]
      const at = minOf(refusedAt.values())
      const path = `inspect[${index}].${list}`
      const side = list === 'expected_materials' ? 'materials' : 'products'
      findings.push({
        severity: 'warning',
        code: 'inspection-sees-metadata',
        message: `Inspection '${inspection.name}' runs in the verifier's directory, which holds ${refused.join(', ')}: its ${side} rules disallow ${refused.length === 1 ? 'it' : 'them'}, so verification fails there. Allow ${refused.length === 1 ? 'it' : 'them'} before the DISALLOW, as the in-toto demo does.`,
        path: `${path}[${at}]`,
        target: { kind: 'inspection', index, name: inspection.name },
        fix: { label: `Add ${refused.map((file) => `ALLOW ${file}`).join(', ')}`, path, index: at, rules: refused.map((file) => ['ALLOW', file]) },
      })
    }
  })
}
