/**
 * Inferring a layout from the links of a good run (`in-toto-run`, `layout-studio run`,
 * `in-toto-mock`; metablock or DSSE): one step per link name in artifact-flow order, its
 * expected command from the link, its functionaries from the signers and its threshold from
 * how many distinct signers recorded the same artifacts; rules as tight as the links allow
 * (step-rules.ts), and an unpacking inspection when the last step produced an archive.
 *
 * The property this is built for: the inferred layout, once signed, passes verification on the
 * run it came from, and fails when a file version is swapped between two steps.
 */
import { CoreError } from '../errors.ts'
import { verifyEnvelopeSignature } from '../envelope/verify.ts'
import { createInspection, createStep, emptyLayout, layoutKeyFromJson } from '../model/layout.ts'
import { linkFileName } from '../model/names.ts'
import type { Layout, LayoutKey, Link, Step } from '../model/types.ts'
import { evaluateRuleList } from '../verify/rules.ts'
import { hashKey, sameVersion } from './artifacts.ts'
import { finalInspection, unpackingOf } from './final-inspection.ts'
import { ProducerIndex, artifactFlowOrder } from './order.ts'
import { SignerKeys, type ResolvedSigner } from './signer-keys.ts'
import { inferStepRules, type RecordedStep } from './step-rules.ts'
import type { Inference, InferenceNote, KnownKey, LinkEvidence, ProposedItem, Signer, SignerStatus } from './types.ts'
import { pushAll } from '../arrays.ts'

export interface InferOptions {
  readonly links: readonly LinkEvidence[]
  /** Keys that may have signed the links; signers without one keep their keyid, with a note. */
  readonly keys?: readonly KnownKey[]
  /** The layout's `expires`. */
  readonly expires: string
  readonly readme?: string
  /** Propose an unpacking inspection when the last step produced an archive (default true). */
  readonly inspection?: boolean
}

interface ReadLink {
  readonly file: string
  readonly link: Link
  readonly name: string
  readonly signers: readonly Signer[]
  readonly dsse: boolean
}

function quoted(text: string): string {
  return `“${text}”`
}

/** Materials and products as one comparable value: threshold links must agree on both (in-toto `verify_threshold_constraints`). */
function artifactsKey(link: Link): string {
  const side = (map: Link['materials']) => [...map].map(([path, hashes]): [string, string] => [path, hashKey(hashes)]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return JSON.stringify([side(link.materials), side(link.products)])
}

async function signerStatus(evidence: LinkEvidence, signatureKeyid: string, resolved: ResolvedSigner | undefined): Promise<{ status: SignerStatus; problem?: string }> {
  if (resolved === undefined) return { status: 'unknown-key' }
  try {
    const status = await verifyEnvelopeSignature(evidence.envelope, resolved.known.publicKey, { keyids: [signatureKeyid] })
    return { status: status === 'valid' ? 'verified' : 'invalid' }
  } catch (error) {
    return { status: 'unchecked', problem: error instanceof Error ? error.message : String(error) }
  }
}

async function readLink(evidence: LinkEvidence, keys: SignerKeys, notes: InferenceNote[]): Promise<ReadLink> {
  const content = evidence.envelope.content
  if (content.type !== 'link') throw new CoreError('format', 'this is a layout, not a link: inference needs the links a run recorded', { file: evidence.file })
  const link = content.link
  if (typeof link.name !== 'string' || link.name === '') {
    throw new CoreError('format', 'the link has no name (a string): it cannot name a step', {
      file: evidence.file,
      path: evidence.envelope.format === 'metablock' ? 'signed.name' : 'name',
    })
  }
  const name = link.name
  const signers: Signer[] = []
  for (const signedAs of new Set(evidence.envelope.signatures.map((signature) => signature.keyid))) {
    const resolved = keys.resolve(signedAs)
    const keyid = resolved?.keyid ?? signedAs
    if (signers.some((signer) => signer.keyid === keyid)) continue
    const { status, problem } = await signerStatus(evidence, signedAs, resolved)
    const keyName = resolved?.known.name
    signers.push({ keyid, step: name, file: evidence.file, status, ...(keyid !== signedAs ? { signedAs } : {}), ...(keyName !== undefined ? { name: keyName } : {}) })
    if (status === 'invalid') {
      notes.push({
        severity: 'warning',
        step: name,
        file: evidence.file,
        message: `the signature by ${keyid.slice(0, 8)}… does not verify with the given key: that signer is left out`,
      })
    } else if (status === 'unchecked') {
      notes.push({
        severity: 'warning',
        step: name,
        file: evidence.file,
        message: `the signature by ${keyid.slice(0, 8)}… could not be checked (${problem}); the signer is kept, unverified`,
      })
    }
    const expected = linkFileName(name, signedAs)
    const base = evidence.file.replace(/^.*[/\\]/, '')
    if (status !== 'invalid' && base !== expected) {
      notes.push({
        severity: 'info',
        step: name,
        file: evidence.file,
        message: `in-toto-verify looks for this link as ${quoted(expected)}, not ${quoted(base)}: rename it in the link directory`,
      })
    }
  }
  if (signers.length === 0) {
    notes.push({
      severity: 'warning',
      step: name,
      file: evidence.file,
      message: `the link for ${quoted(name)} is unsigned (in-toto-mock): authorize a functionary for the step before signing the layout`,
    })
  }
  return { file: evidence.file, link, name, signers, dsse: evidence.envelope.format === 'dsse' }
}

interface StepEvidence {
  readonly name: string
  /** The link the rules come from. */
  readonly chosen: ReadLink
  /** Usable signers (not invalid) of links recording the same artifacts, each keyid once. */
  readonly signers: readonly Signer[]
}

/**
 * The links of one step: those agreeing on materials and products with the most usable
 * signers (ties: the first given) decide; signers of other links are left out, since a
 * threshold above one requires every authorized link to agree.
 */
function chooseLinks(name: string, links: readonly ReadLink[], notes: InferenceNote[]): StepEvidence {
  const usable = (group: readonly ReadLink[]): Signer[] => {
    const seen = new Map<string, Signer>()
    for (const link of group) for (const signer of link.signers) if (signer.status !== 'invalid' && !seen.has(signer.keyid)) seen.set(signer.keyid, signer)
    return [...seen.values()]
  }
  if (links.length === 1) return { name, chosen: links[0] as ReadLink, signers: usable(links) }
  const groups = new Map<string, ReadLink[]>()
  for (const link of links) {
    const key = artifactsKey(link.link)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [link])
    else group.push(link)
  }
  let best = groups.get(artifactsKey((links[0] as ReadLink).link)) as ReadLink[]
  for (const group of groups.values()) if (usable(group).length > usable(best).length) best = group
  const chosen = best[0] as ReadLink
  const signers = usable(best)
  const chosenIds = new Set(signers.map((signer) => signer.keyid))
  for (const link of links) {
    if (best.includes(link)) continue
    const others = link.signers.filter((signer) => signer.status !== 'invalid' && !chosenIds.has(signer.keyid))
    const who =
      others.length > 0
        ? `its signer${others.length === 1 ? '' : 's'} (${others.map((signer) => `${signer.keyid.slice(0, 8)}…`).join(', ')}) ${others.length === 1 ? 'is' : 'are'} left out`
        : 'it is ignored'
    notes.push({
      severity: 'warning',
      step: name,
      file: link.file,
      message: `${link.file} records different materials or products for ${quoted(name)} than ${chosen.file}; a threshold above one needs agreeing links, so ${who}`,
    })
  }
  return { name, chosen, signers }
}

export async function inferLayout(options: InferOptions): Promise<Inference> {
  if (options.links.length === 0) throw new CoreError('format', 'no links to infer a layout from')
  const notes: InferenceNote[] = []
  const keys = new SignerKeys(options.keys ?? [])

  const read: ReadLink[] = []
  for (const evidence of options.links) read.push(await readLink(evidence, keys, notes))
  if (read.some((link) => link.dsse)) {
    notes.push({ severity: 'info', message: 'some links are DSSE envelopes: in-toto 1.3.1 cannot read those (in-toto 2.x and Layout Studio can)' })
  }

  const byName = new Map<string, ReadLink[]>()
  for (const link of read) {
    const list = byName.get(link.name)
    if (list === undefined) byName.set(link.name, [link])
    else list.push(link)
  }
  const evidence = [...byName].map(([name, links]) => chooseLinks(name, links, notes))
  const recorded: RecordedStep[] = evidence.map(({ name, chosen }) => ({ name, file: chosen.file, materials: chosen.link.materials, products: chosen.link.products }))

  const flow = artifactFlowOrder(recorded)
  for (const loop of flow.loops) {
    const step = recorded[loop.step] as RecordedStep
    const waiting = loop.waitingFor.map((index) => quoted((recorded[index] as RecordedStep).name)).join(', ')
    notes.push({
      severity: 'warning',
      step: step.name,
      message: `${quoted(step.name)} and ${waiting} each use files the other produced (a step may have left files out of its materials, or files changed outside the recorded steps); the weaker evidence gives way: ${quoted(step.name)} comes first`,
    })
  }
  const ordered = flow.order.map((index) => recorded[index] as RecordedStep)
  const orderedEvidence = flow.order.map((index) => evidence[index] as StepEvidence)
  const producers = new ProducerIndex(ordered)

  const items: ProposedItem[] = []
  const steps: Step[] = []
  const layoutKeys = new Map<string, LayoutKey>()
  const keyNames = new Map<string, string>()
  const signers: Signer[] = read.flatMap((link) => link.signers)
  let lastMatched: ReturnType<typeof inferStepRules>['matched'] = []
  ordered.forEach((step, position) => {
    const rules = inferStepRules(ordered, position, producers)
    pushAll(notes, rules.notes)
    lastMatched = rules.matched
    const stepEvidence = orderedEvidence[position] as StepEvidence
    const pubkeys = stepEvidence.signers.map((signer) => signer.keyid)
    for (const signer of stepEvidence.signers) {
      const resolved = keys.resolve(signer.signedAs ?? signer.keyid)
      if (resolved === undefined || layoutKeys.has(signer.keyid)) continue
      layoutKeys.set(signer.keyid, layoutKeyFromJson(resolved.json, `keys[${JSON.stringify(signer.keyid)}]`))
      if (resolved.known.name !== undefined) keyNames.set(signer.keyid, resolved.known.name)
    }
    items.push({ kind: 'step', name: step.name, files: [...new Set([stepEvidence.chosen.file])], materials: rules.materials, products: rules.products })
    steps.push(
      createStep(step.name, {
        pubkeys,
        threshold: BigInt(Math.max(1, pubkeys.length)),
        expectedCommand: stepEvidence.chosen.link.command,
        expectedMaterials: rules.materials.map((proposed) => proposed.rule),
        expectedProducts: rules.products.map((proposed) => proposed.rule),
      }),
    )
  })

  const unknown = [...new Set(signers.filter((signer) => signer.status === 'unknown-key').map((signer) => signer.keyid))]
  for (const keyid of unknown) {
    const where = [...new Set(signers.filter((signer) => signer.keyid === keyid).map((signer) => quoted(signer.step)))].join(', ')
    notes.push({ severity: 'warning', message: `no public key was given for ${keyid.slice(0, 8)}…, who signed ${where}: add it to the layout's keys before signing` })
  }
  for (const key of keys.keys) {
    const signed = signers.some((signer) => signer.status !== 'unknown-key' && keys.resolve(signer.signedAs ?? signer.keyid)?.known === key)
    if (!signed) notes.push({ severity: 'info', message: `the key ${key.name ?? `${key.publicKey.keyid.slice(0, 8)}…`} signed none of the links; it is not added` })
  }

  const inspect = []
  const last = ordered.at(-1)
  if (options.inspection !== false && last !== undefined) {
    const taken = new Set(ordered.map((step) => step.name))
    for (const [path, hashes] of last.products) {
      const before = last.materials.get(path)
      if (before !== undefined && sameVersion(before, hashes)) continue
      const unpacking = unpackingOf(path)
      if (unpacking === undefined) continue
      let name: string = unpacking.tool
      for (let n = 2; taken.has(name); n++) name = `${unpacking.tool}-${n}`
      taken.add(name)
      const item = finalInspection(name, last, unpacking, lastMatched)
      items.push(item)
      inspect.push(createInspection(name, { run: item.run, expectedMaterials: item.materials.map((p) => p.rule), expectedProducts: item.products.map((p) => p.rule) }))
    }
  }

  const layout: Layout = { ...emptyLayout(options.expires, options.readme ?? ''), keys: layoutKeys, steps, inspect }
  pushAll(notes, selfCheck(layout, ordered))
  return { layout, keyNames, items, signers, notes }
}

/**
 * The proposed step rules must pass on the links they came from; a failure here is a bug in
 * inference, reported rather than hidden.
 */
function selfCheck(layout: Layout, ordered: readonly RecordedStep[]): InferenceNote[] {
  const links = new Map<string, Link>(
    ordered.map((step) => [
      step.name,
      { type: 'link', name: step.name, command: [], materials: step.materials, products: step.products, byproducts: new Map(), environment: new Map() },
    ]),
  )
  const lookup = { get: (name: string) => links.get(name) }
  const notes: InferenceNote[] = []
  for (const step of layout.steps) {
    const link = links.get(step.name) as Link
    for (const [kind, rules] of [
      ['materials', step.expectedMaterials],
      ['products', step.expectedProducts],
    ] as const) {
      const trace = evaluateRuleList(step.name, kind, rules, link, lookup)
      if (trace.status === 'fail')
        notes.push({
          severity: 'warning',
          step: step.name,
          message: `the proposed ${kind} rules of ${quoted(step.name)} do not pass on its own link (rule ${(trace.failedRule ?? 0) + 1})`,
        })
    }
  }
  return notes
}
