/**
 * Everything the browser's Verify panel does with dropped files, as pure functions the worker
 * calls: assemble the link bundle and the product files and classify them (once per set of
 * files: `readBundleFiles`), triage them against the layout, then verify with the shared
 * verifier — links from memory, read by classification already, inspections emulated over the
 * product files or satisfied by a signed inspection link.
 */
import { readEnvelope } from '../envelope/read.ts'
import type { ArtifactHasher } from '../hashing/artifact-hasher.ts'
import { importPublicKey } from '../keys/import.ts'
import type { PublicKey } from '../keys/types.ts'
import type { Layout, Link } from '../model/types.ts'
import type { VerificationReport } from '../verify/report.ts'
import { toErrorInfo } from '../errors.ts'
import { verifyLayoutFile, type Progress } from '../verify/verify.ts'
import { ArtifactRegionMemo, type ClassifiedLinkFile, classifiedLinks, LinkReader } from '../links/index.ts'
import { assembleBundle, type Bundle, type BundleFile, type BundleInput, type Refusal } from './assemble.ts'
import { classifyFile, type ClassifiedFile } from './classify.ts'
import { EmulatedInspectionRunner, firstRunner } from './emulate.ts'
import type { BundleLimits } from './limits.ts'
import { PrerecordedInspectionRunner } from './prerecorded.ts'
import { usedStepLinks } from './match-details.ts'
import { triageBundle, type Triage } from './triage.ts'

export interface NamedBytes {
  readonly path: string
  readonly bytes: Uint8Array
}

export interface BundleRequest {
  /** The signed layout; absent while the person has not chosen one. */
  readonly layout?: NamedBytes
  readonly ownerKeys: readonly NamedBytes[]
  readonly links: readonly BundleInput[]
  readonly products: readonly BundleInput[]
  readonly parameters?: ReadonlyMap<string, string>
  readonly now?: Date
  readonly limits?: BundleLimits
  /** How to run inspections for real, appended to "not run" reasons. */
  readonly notRunHint?: string
}

export interface KeyInfo {
  readonly path: string
  readonly keyid?: string
  readonly keytype?: string
  readonly problem?: string
}

/** What the panel shows before verification: plain data, safe to post between threads. */
export interface BundleAnalysis {
  readonly layout?: { readonly path: string; readonly problem?: string; readonly steps: number; readonly inspections: number }
  readonly keys: readonly KeyInfo[]
  readonly triage: Triage
  readonly refusals: readonly Refusal[]
  readonly notes: readonly string[]
  readonly products: readonly { readonly path: string; readonly size: number }[]
}

export interface BundleVerification {
  readonly analysis: BundleAnalysis
  /** Absent when nothing could be verified (no layout or no owner key). */
  readonly report?: VerificationReport
  /**
   * The links the root level was checked against, by step or inspection name: with the
   * report, what `collectMatchDetails` needs for the hashes of the rule trace.
   */
  readonly usedLinks?: ReadonlyMap<string, Link>
}

/**
 * The dropped files read, unpacked and classified: what does not depend on the layout, the
 * keys or the parameters, so it can be kept while the person chooses those, and verified
 * without reading the links again.
 */
export interface BundleFiles {
  readonly links: Bundle
  readonly products: Bundle
  /** One per file of `links`, in the same order. */
  readonly classified: readonly ClassifiedFile[]
}

export interface BundleOptions {
  /** What `readBundleFiles` made of this request's `links` and `products`, if already known. */
  readonly files?: BundleFiles
  /** Hashes what emulated inspections record (the platform's fastest; the core's default otherwise). */
  readonly hasher?: ArtifactHasher
}

export async function readBundleFiles(links: readonly BundleInput[], products: readonly BundleInput[], limits?: BundleLimits): Promise<BundleFiles> {
  // One reader and memo for the whole bundle: nothing here sends the maps to another thread (region-memo.ts).
  const reader = new LinkReader({ memo: new ArtifactRegionMemo() })
  // Each link is classified as it joins the bundle, while the next files are read.
  const classified: ClassifiedFile[] = []
  const onFile = (file: BundleFile) => void classified.push(classifyFile(file.path, file.bytes, reader))
  const [linkBundle, productBundle] = await Promise.all([assembleBundle(links, { expand: true, limits, onFile }), assembleBundle(products, { expand: false, limits })])
  return { links: linkBundle, products: productBundle, classified }
}

interface Prepared {
  readonly analysis: BundleAnalysis
  readonly layout?: Layout
  readonly keys: PublicKey[]
  /** The link files, with the envelopes classification read from them. */
  readonly links: ReadonlyMap<string, ClassifiedLinkFile>
  readonly products: ReadonlyMap<string, Uint8Array>
}

async function prepare(request: BundleRequest, known?: BundleFiles): Promise<Prepared> {
  let layout: Layout | undefined
  let layoutInfo: BundleAnalysis['layout']
  if (request.layout) {
    try {
      const envelope = readEnvelope(request.layout.bytes, request.layout.path)
      if (envelope.content.type !== 'layout') throw new Error(`${request.layout.path}: holds link metadata, not a layout`)
      layout = envelope.content.layout
      layoutInfo = { path: request.layout.path, steps: layout.steps.length, inspections: layout.inspect.length }
    } catch (error) {
      layoutInfo = { path: request.layout.path, problem: toErrorInfo(error, request.layout.path).message, steps: 0, inspections: 0 }
    }
  }
  const keys: PublicKey[] = []
  const keyInfos: KeyInfo[] = []
  for (const file of request.ownerKeys) {
    try {
      const key = importPublicKey(new TextDecoder().decode(file.bytes), { file: file.path })
      // Like the reference, keys are collected by keyid: the same key given twice counts once.
      if (!keys.some((known) => known.keyid === key.keyid)) keys.push(key)
      keyInfos.push({ path: file.path, keyid: key.keyid, keytype: key.keytype })
    } catch (error) {
      keyInfos.push({ path: file.path, problem: toErrorInfo(error, file.path).message })
    }
  }
  const { links, products, classified } = known ?? (await readBundleFiles(request.links, request.products, request.limits))
  const triage = triageBundle(layout, classified)
  const linkFiles = [...links.files]
  return {
    analysis: {
      layout: layoutInfo,
      keys: keyInfos,
      triage,
      refusals: [...links.refusals, ...products.refusals],
      notes: links.notes,
      products: [...products.files.values()].map((file) => ({ path: file.path, size: file.bytes.length })),
    },
    layout,
    keys,
    links: new Map(linkFiles.map(([path, file], index) => [path, { path, bytes: file.bytes, envelope: classified[index]?.envelope }])),
    products: new Map([...products.files].map(([path, file]) => [path, file.bytes])),
  }
}

/** Classifies and triages what was dropped, without verifying. */
export async function analyzeBundle(request: BundleRequest, options: BundleOptions = {}): Promise<BundleAnalysis> {
  return (await prepare(request, options.files)).analysis
}

/** Analyzes, then verifies with the shared verifier (when there is a layout and an owner key). */
export async function verifyBundle(
  request: BundleRequest,
  options: BundleOptions & { signal?: AbortSignal; onProgress?: (progress: Progress) => void } = {},
): Promise<BundleVerification> {
  const prepared = await prepare(request, options.files)
  if (!request.layout || prepared.keys.length === 0) return { analysis: prepared.analysis }
  // The verifier takes the envelopes classification read.
  const links = classifiedLinks(prepared.links.values())
  // Inspection links are kept so the rule trace can show the hashes they recorded.
  const inspectionLinks = new Map<string, Link>()
  const runner = firstRunner([
    new EmulatedInspectionRunner(prepared.products, { limits: request.limits, notRunHint: request.notRunHint, hasher: options.hasher }),
    new PrerecordedInspectionRunner(links, prepared.keys),
  ])
  const report = await verifyLayoutFile(request.layout.bytes, request.layout.path, {
    layoutKeys: prepared.keys,
    links,
    inspections: {
      async run(inspection, signal) {
        const result = await runner.run(inspection, signal)
        if (result.status === 'ran') inspectionLinks.set(inspection.name, result.link)
        return result
      },
    },
    parameters: request.parameters,
    now: request.now,
    signal: options.signal,
    onProgress: options.onProgress,
  })
  const used = usedStepLinks(report.steps, (path) => {
    const file = prepared.links.get(path)
    if (file === undefined) return undefined
    try {
      // A used link was verified, so classification read it: no second parse.
      const envelope = file.envelope ?? readEnvelope(file.bytes, path)
      return envelope.content.type === 'link' ? envelope.content.link : undefined
    } catch {
      return undefined
    }
  })
  for (const [name, link] of inspectionLinks) used.set(name, link)
  return { analysis: prepared.analysis, report, usedLinks: used }
}
