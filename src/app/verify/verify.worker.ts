/**
 * The verification worker: unpacks, classifies and verifies off the main thread, so the page
 * stays responsive on big bundles. One worker serves one set of chosen files (a session,
 * worker-client.ts): it reads and classifies them once, for the triage, and verifies from what
 * it read; it keeps the last verification for the rule traces and the report download.
 * Closing the session terminates the worker, which is also how a verification is cancelled.
 */
import type { BundleInput } from '../../core/bundle/assemble.ts'
import { analyzeBundle, readBundleFiles, verifyBundle, type BundleFiles, type BundleRequest } from '../../core/bundle/verify-bundle.ts'
import type { Link } from '../../core/model/types.ts'
import type { VerificationReport } from '../../core/verify/report.ts'
import type { CallResults, WorkerCall, WorkerFile, WorkerInputs, WorkerRequest, WorkerResponse } from './protocol.ts'
import { prepareResultGraph } from './result-graph.ts'
import { itemTrace, summarizeReport } from './summary.ts'
import { errorMessage } from '../shared/error-message.ts'

const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)

/** The link and product files as read, for the inputs they were read from. */
let read: { readonly key: string; readonly files: Promise<BundleFiles> } | undefined
let last: { readonly report: VerificationReport; readonly usedLinks: ReadonlyMap<string, Link> } | undefined

function lazyInput(file: WorkerFile): BundleInput {
  return { path: file.path, size: file.file.size, read: async () => new Uint8Array(await file.file.arrayBuffer()) }
}

/**
 * The files of `inputs`, read once per session. The page starts a new session whenever the
 * chosen files change; the key (paths and sizes) is a second line of defence.
 */
function filesOf(inputs: WorkerInputs): Promise<BundleFiles> {
  const key = JSON.stringify([inputs.links, inputs.products].map((files) => files.map((file) => [file.path, file.file.size])))
  if (read?.key !== key) {
    const files = readBundleFiles(inputs.links.map(lazyInput), inputs.products.map(lazyInput))
    read = { key, files }
    files.catch(() => {
      if (read?.files === files) read = undefined
    })
  }
  return read.files
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

function lastVerification(): NonNullable<typeof last> {
  if (!last) throw new Error('nothing has been verified yet')
  return last
}

async function answer(id: number, call: WorkerCall): Promise<CallResults[WorkerCall['kind']]> {
  switch (call.kind) {
    case 'analyze':
      return analyzeBundle(await toRequest(call.inputs), { files: await filesOf(call.inputs) })
    case 'verify': {
      last = undefined
      const request = await toRequest(call.inputs)
      const result = await verifyBundle(request, { files: await filesOf(call.inputs), onProgress: (progress) => post({ id, type: 'progress', progress }) })
      if (!result.report) return { analysis: result.analysis }
      last = { report: result.report, usedLinks: result.usedLinks ?? new Map() }
      const graph = request.layout ? await prepareResultGraph(request.layout.bytes, request.layout.path) : undefined
      return { analysis: result.analysis, report: summarizeReport(result.report), graph }
    }
    case 'trace': {
      const { report, usedLinks } = lastVerification()
      return itemTrace(report, usedLinks, call.item)
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
