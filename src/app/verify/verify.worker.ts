/**
 * The verification worker: a message adapter over a bundle session (core/bundle/session.ts),
 * off the main thread so the page stays responsive on big bundles. One worker serves one set of
 * chosen files (worker-client.ts): its session reads and classifies them once, for the triage,
 * parses the layout and keys once, verifies from what it read, and keeps the last verification
 * for the rule traces and the report download. Closing the worker is also how a verification
 * is cancelled.
 */
import type { BundleInput } from '../../core/bundle/assemble.ts'
import { BundleSession, type SessionVerification } from '../../core/bundle/session.ts'
import { whyNotSimulated } from '../../core/bundle/tamper.ts'
import type { TamperEdit } from '../../core/bundle/tamper-edits.ts'
import type { ArtifactMap } from '../../core/model/types.ts'
import type { BundleRequest } from '../../core/bundle/verify-bundle.ts'
import { wasmHasher } from '../hashing/wasm-engine.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { ArtifactPage, CallResults, DigestList, TamperTarget, WorkerCall, WorkerFile, WorkerInputs, WorkerRequest, WorkerResponse, WorkerTamperEdit } from './protocol.ts'
import { layoutResultGraph } from './result-graph.ts'
import { itemTrace, summarizeReport, summarizeSimulation } from './summary.ts'

const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)
const session = new BundleSession({ hasher: wasmHasher })

/** A chosen file, read only when the session needs its bytes (link and product files are read once per set). */
function lazyInput(file: WorkerFile): BundleInput {
  return { path: file.path, size: file.file.size, read: async () => new Uint8Array(await file.file.arrayBuffer()) }
}

async function toRequest(inputs: WorkerInputs): Promise<BundleRequest> {
  const small = async (file: WorkerFile) => ({ path: file.path, bytes: new Uint8Array(await file.file.arrayBuffer()) })
  return {
    layout: inputs.layout ? await small(inputs.layout) : undefined,
    ownerKeys: await Promise.all(inputs.ownerKeys.map(small)),
    links: inputs.links.map(lazyInput),
    products: inputs.products.map(lazyInput),
    parameters: inputs.parameters ? new Map(inputs.parameters) : undefined,
    notRunHint: inputs.notRunHint,
  }
}

function lastVerification(): SessionVerification {
  const last = session.last
  if (!last) throw new Error('nothing has been verified yet')
  return last
}

async function answer(id: number, call: WorkerCall): Promise<CallResults[WorkerCall['kind']]> {
  switch (call.kind) {
    case 'analyze':
      return session.analyze(await toRequest(call.inputs))
    case 'verify': {
      const result = await session.verify(await toRequest(call.inputs), { onProgress: (progress) => post({ id, type: 'progress', progress }) })
      if (!result.report) return { analysis: result.analysis }
      const layout = session.layout
      const refusal = layout === undefined ? 'the layout could not be read' : whyNotSimulated(result.report, result.usedLinks ?? new Map())
      return {
        analysis: result.analysis,
        report: summarizeReport(result.report),
        graph: layout ? await layoutResultGraph(layout) : undefined,
        ...(refusal === undefined ? {} : { simulationRefusal: refusal }),
      }
    }
    case 'simulate':
      return summarizeSimulation(await session.simulate(await Promise.all(call.edits.map(readEdit))))
    case 'simulation-trace': {
      const simulation = session.lastSimulation
      if (!simulation) throw new Error('nothing has been simulated yet')
      return itemTrace(simulation, simulation.links, call.item)
    }
    case 'tamper-artifacts':
      return artifactPage(await tamperArtifacts(call.target), call.filter, call.limit)
    case 'trace': {
      const { report, usedLinks } = lastVerification()
      return itemTrace(report, usedLinks, call.item)
    }
    case 'link-products': {
      const link = lastVerification().usedLinks.get(call.item)
      if (!link) throw new Error(`no link of '${call.item}' was used in the last verification`)
      return [...link.products].map(([path, digests]) => [path, [...digests]] as const)
    }
    case 'report-file':
      return new Blob([`${JSON.stringify(lastVerification().report, null, 2)}\n`], { type: 'application/json' })
  }
}

/** A page's edit as the core takes it: a product file's bytes read from its Blob. */
async function readEdit(edit: WorkerTamperEdit): Promise<TamperEdit> {
  if (edit.on !== 'products' || edit.action === 'remove') return edit
  return { on: 'products', action: edit.action, path: edit.path, bytes: new Uint8Array(await edit.file.arrayBuffer()) }
}

/** The artifacts of a tamper target as the last verification had them. */
async function tamperArtifacts(target: TamperTarget): Promise<ArtifactMap> {
  if (target.kind === 'products') return session.productDigests()
  const link = lastVerification().usedLinks.get(target.item)
  if (!link) throw new Error(`no link of '${target.item}' was used in the last verification`)
  return target.list === 'materials' ? link.materials : link.products
}

function artifactPage(artifacts: ArtifactMap, filter: string, limit: number): ArtifactPage {
  const entries: [string, DigestList][] = []
  let matching = 0
  for (const [path, hashes] of artifacts) {
    if (filter !== '' && !path.includes(filter)) continue
    matching++
    if (entries.length < limit) entries.push([path, [...hashes]])
  }
  return { total: artifacts.size, matching, entries }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { id, call } = event.data
  try {
    post({ id, type: 'done', value: await answer(id, call) })
  } catch (error) {
    post({ id, type: 'failed', message: errorMessage(error) })
  }
}
