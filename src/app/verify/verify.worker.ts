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
import type { BundleRequest } from '../../core/bundle/verify-bundle.ts'
import { wasmHasher } from '../hashing/wasm-engine.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { CallResults, WorkerCall, WorkerFile, WorkerInputs, WorkerRequest, WorkerResponse } from './protocol.ts'
import { layoutResultGraph } from './result-graph.ts'
import { itemTrace, summarizeReport } from './summary.ts'

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
      return { analysis: result.analysis, report: summarizeReport(result.report), graph: layout ? await layoutResultGraph(layout) : undefined }
    }
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

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { id, call } = event.data
  try {
    post({ id, type: 'done', value: await answer(id, call) })
  } catch (error) {
    post({ id, type: 'failed', message: errorMessage(error) })
  }
}
