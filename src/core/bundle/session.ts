/**
 * A bundle session: what the Verify panel works on for one set of chosen files, kept between
 * the calls that use it. The link and product files are read, unpacked and classified once
 * (`readBundleFiles`), the layout is parsed once and the owner keys imported once per version
 * of them, the triage is kept for that layout, and the last verification stays for its rule
 * traces, the report file and anything that re-examines it. One session per set of inputs:
 * each call passes the inputs it is about, and what did not change is not read again.
 */
import { readEnvelope } from '../envelope/read.ts'
import type { Envelope } from '../envelope/types.ts'
import { type ErrorInfo, toErrorInfo } from '../errors.ts'
import { type ArtifactHasher, bytesSource, defaultHasher } from '../hashing/artifact-hasher.ts'
import { bytesEqual } from '../encoding/utf8.ts'
import { importPublicKey } from '../keys/import.ts'
import type { PublicKey } from '../keys/types.ts'
import { type ClassifiedLinkFile, classifiedLinks } from '../links/index.ts'
import type { HashDict, Layout, Link } from '../model/types.ts'
import type { InspectionRunner } from '../verify/inspection-runner.ts'
import { layoutReadFailure, type Progress, verifySupplyChain } from '../verify/verify.ts'
import type { BundleInput } from './assemble.ts'
import { EmulatedInspectionRunner, firstRunner } from './emulate.ts'
import { usedStepLinks } from './match-details.ts'
import { PrerecordedInspectionRunner } from './prerecorded.ts'
import { simulateTampering, type TamperSimulation } from './tamper.ts'
import type { TamperEdit } from './tamper-edits.ts'
import { triageBundle, type Triage } from './triage.ts'
import { type BundleFiles, readBundleFiles } from './read-files.ts'
import type { BundleAnalysis, BundleRequest, BundleVerification, KeyInfo, NamedBytes } from './verify-bundle.ts'

/** The layout file as read: its envelope, or why it could not be read. */
type ReadLayout = { readonly file: NamedBytes; readonly envelope: Envelope } | { readonly file: NamedBytes; readonly error: ErrorInfo }

/** The last verification of a session, with what it was checked against. */
export interface SessionVerification extends Required<Pick<BundleVerification, 'report' | 'usedLinks'>> {
  /** The root layout as read (before parameter substitution); absent when the file held none. */
  readonly layout: Layout | undefined
  readonly parameters?: ReadonlyMap<string, string>
  /** The product files it had (the inspections' working directory). */
  readonly products: ReadonlyMap<string, Uint8Array>
  /** How its emulated inspections were run (for running them again). */
  readonly emulation: Pick<BundleRequest, 'limits' | 'notRunHint'>
}

export interface SessionOptions {
  /** Hashes what emulated inspections record (the platform's fastest; the core's default otherwise). */
  readonly hasher?: ArtifactHasher
}

export class BundleSession {
  private readonly hasher: ArtifactHasher | undefined
  private files: { readonly key: string; readonly read: Promise<BundleFiles> } | undefined
  private layoutRead: ReadLayout | undefined
  private keysRead: { readonly files: readonly NamedBytes[]; readonly keys: readonly PublicKey[]; readonly infos: readonly KeyInfo[] } | undefined
  private triageRead: { readonly layout: Layout | undefined; readonly files: BundleFiles; readonly triage: Triage } | undefined
  private lastVerification: SessionVerification | undefined
  private simulation: TamperSimulation | undefined
  private digests: { readonly of: SessionVerification; readonly digests: ReadonlyMap<string, HashDict> } | undefined

  constructor(options: SessionOptions = {}) {
    this.hasher = options.hasher
  }

  /** What the panel shows before verification: classification and triage of `inputs`. */
  async analyze(inputs: BundleRequest): Promise<BundleAnalysis> {
    return (await this.prepare(inputs)).analysis
  }

  /** Analyzes, then verifies with the shared verifier when there is a layout and an owner key. */
  async verify(inputs: BundleRequest, options: { readonly signal?: AbortSignal; readonly onProgress?: (progress: Progress) => void } = {}): Promise<BundleVerification> {
    this.lastVerification = undefined
    this.simulation = undefined
    const prepared = await this.prepare(inputs)
    const read = this.layoutRead
    if (inputs.layout === undefined || read === undefined || prepared.keys.length === 0) return { analysis: prepared.analysis }
    // The verifier takes the envelopes classification read.
    const links = classifiedLinks(prepared.links.values())
    // Inspection links are kept so the rule trace can show the hashes they recorded.
    const inspectionLinks = new Map<string, Link>()
    const runner = firstRunner([
      new EmulatedInspectionRunner(prepared.products, { limits: inputs.limits, notRunHint: inputs.notRunHint, hasher: this.hasher }),
      new PrerecordedInspectionRunner(links, prepared.keys),
    ])
    const recording: InspectionRunner = {
      async run(inspection, signal) {
        const result = await runner.run(inspection, signal)
        if (result.status === 'ran') inspectionLinks.set(inspection.name, result.link)
        return result
      },
    }
    const report =
      'error' in read
        ? layoutReadFailure(read.error, read.file.path, inputs.now ?? new Date())
        : await verifySupplyChain({
            layout: read.envelope,
            layoutFile: read.file.path,
            layoutKeys: prepared.keys,
            links,
            inspections: recording,
            parameters: inputs.parameters,
            now: inputs.now,
            signal: options.signal,
            onProgress: options.onProgress,
          })
    const used = usedStepLinks(report.steps, (path) => linkOf(prepared.links.get(path), path))
    for (const [name, link] of inspectionLinks) used.set(name, link)
    this.lastVerification = {
      report,
      usedLinks: used,
      layout: this.layout,
      parameters: inputs.parameters,
      products: prepared.products,
      emulation: { limits: inputs.limits, notRunHint: inputs.notRunHint },
    }
    return { analysis: prepared.analysis, report, usedLinks: used }
  }

  /** The last verification of this session (cleared when a new one starts). */
  get last(): SessionVerification | undefined {
    return this.lastVerification
  }

  /**
   * The rules of the last verification run again with `edits` (tamper.ts): a simulation,
   * never a verdict. The result stays for its traces ({@link lastSimulation}).
   */
  async simulate(edits: readonly TamperEdit[], options: { readonly signal?: AbortSignal } = {}): Promise<TamperSimulation> {
    const last = this.lastVerification
    if (last === undefined) throw new Error('Nothing to simulate: verify the bundle first.')
    if (last.layout === undefined) throw new Error('Nothing to simulate: the verification had no readable layout.')
    this.simulation = undefined
    const simulation = await simulateTampering({
      layout: last.layout,
      parameters: last.parameters,
      report: last.report,
      links: last.usedLinks,
      products: last.products,
      edits,
      hasher: this.hasher,
      ...last.emulation,
      signal: options.signal,
    })
    if (this.lastVerification === last) this.simulation = simulation
    return simulation
  }

  /** The last simulation of the last verification (cleared when either starts again). */
  get lastSimulation(): TamperSimulation | undefined {
    return this.simulation
  }

  /** The digests of the last verification's product files, as in-toto records them (hashed once). */
  async productDigests(): Promise<ReadonlyMap<string, HashDict>> {
    const last = this.lastVerification
    if (last === undefined) throw new Error('verify the bundle first')
    if (this.digests?.of !== last) {
      const hasher = this.hasher ?? defaultHasher
      const digests = new Map<string, HashDict>()
      for (const [path, bytes] of last.products) digests.set(path, await hasher.hash(bytesSource(bytes)))
      this.digests = { of: last, digests }
    }
    return this.digests.digests
  }

  /** The root layout of the last inputs, as read (`undefined` when there is none or it is not a layout). */
  get layout(): Layout | undefined {
    const read = this.layoutRead
    return read !== undefined && 'envelope' in read && read.envelope.content.type === 'layout' ? read.envelope.content.layout : undefined
  }

  private async prepare(inputs: BundleRequest) {
    const layoutInfo = this.readLayout(inputs.layout)
    const { keys, infos } = this.readKeys(inputs.ownerKeys)
    const files = await this.readFiles(inputs)
    const { links, products } = files
    const linkFiles = [...links.files]
    return {
      analysis: {
        layout: layoutInfo,
        keys: infos,
        triage: this.triageOf(files),
        refusals: [...links.refusals, ...products.refusals],
        notes: links.notes,
        products: [...products.files.values()].map((file) => ({ path: file.path, size: file.bytes.length })),
      } satisfies BundleAnalysis,
      keys,
      links: new Map<string, ClassifiedLinkFile>(linkFiles.map(([path, file], index) => [path, { path, bytes: file.bytes, envelope: files.classified[index]?.envelope }])),
      products: new Map([...products.files].map(([path, file]) => [path, file.bytes])),
    }
  }

  /** The link and product files, read once per set of them (paths and sizes). */
  private readFiles(inputs: BundleRequest): Promise<BundleFiles> {
    const key = JSON.stringify([inputs.links, inputs.products].map((files) => files.map((file: BundleInput) => [file.path, file.size])))
    if (this.files?.key !== key) {
      const read = readBundleFiles(inputs.links, inputs.products, inputs.limits)
      this.files = { key, read }
      // A failed read is tried again by the next call.
      read.catch(() => {
        if (this.files?.read === read) this.files = undefined
      })
    }
    return this.files.read
  }

  /** Parses the layout when it is not the one parsed last; what the analysis says of it. */
  private readLayout(file: NamedBytes | undefined): BundleAnalysis['layout'] {
    if (file === undefined) {
      this.layoutRead = undefined
      return undefined
    }
    const known = this.layoutRead
    const read = known !== undefined && sameFile(known.file, file) ? known : readLayoutFile(file)
    this.layoutRead = read
    if ('error' in read) return { path: file.path, problem: read.error.message, steps: 0, inspections: 0 }
    const content = read.envelope.content
    if (content.type !== 'layout') return { path: file.path, problem: `${file.path}: holds link metadata, not a layout`, steps: 0, inspections: 0 }
    return { path: file.path, steps: content.layout.steps.length, inspections: content.layout.inspect.length }
  }

  /** Imports the owner keys when they are not the ones imported last. */
  private readKeys(files: readonly NamedBytes[]): { readonly keys: readonly PublicKey[]; readonly infos: readonly KeyInfo[] } {
    const known = this.keysRead
    if (known !== undefined && known.files.length === files.length && known.files.every((file, index) => sameFile(file, files[index]))) return known
    const keys: PublicKey[] = []
    const infos: KeyInfo[] = []
    for (const file of files) {
      try {
        const key = importPublicKey(new TextDecoder().decode(file.bytes), { file: file.path })
        // Like the reference, keys are collected by keyid: the same key given twice counts once.
        if (!keys.some((other) => other.keyid === key.keyid)) keys.push(key)
        infos.push({ path: file.path, keyid: key.keyid, keytype: key.keytype })
      } catch (error) {
        infos.push({ path: file.path, problem: toErrorInfo(error, file.path).message })
      }
    }
    this.keysRead = { files, keys, infos }
    return this.keysRead
  }

  /** The triage of `files` against the current layout, computed once for each pair. */
  private triageOf(files: BundleFiles): Triage {
    const layout = this.layout
    if (this.triageRead?.layout !== layout || this.triageRead?.files !== files) this.triageRead = { layout, files, triage: triageBundle(layout, files.classified) }
    return this.triageRead.triage
  }
}

function readLayoutFile(file: NamedBytes): ReadLayout {
  try {
    return { file, envelope: readEnvelope(file.bytes, file.path) }
  } catch (error) {
    return { file, error: toErrorInfo(error, file.path) }
  }
}

function sameFile(a: NamedBytes | undefined, b: NamedBytes | undefined): boolean {
  return a !== undefined && b !== undefined && a.path === b.path && (a.bytes === b.bytes || bytesEqual(a.bytes, b.bytes))
}

/** The link a used link file holds: classification read it (it was verified), so no second parse. */
function linkOf(file: ClassifiedLinkFile | undefined, path: string): Link | undefined {
  if (file === undefined) return undefined
  try {
    const envelope = file.envelope ?? readEnvelope(file.bytes, path)
    return envelope.content.type === 'link' ? envelope.content.link : undefined
  } catch {
    return undefined
  }
}
