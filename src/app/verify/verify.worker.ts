/**
 * The verification worker: unpacks, classifies and verifies off the main thread, so the page
 * stays responsive on big bundles. One request per worker; cancelling terminates it.
 */
import type { BundleInput } from '../../core/bundle/assemble.ts'
import { analyzeBundle, verifyBundle, type BundleRequest } from '../../core/bundle/verify-bundle.ts'
import type { WorkerFile, WorkerRequest, WorkerResponse } from './protocol.ts'

const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)

function lazyInput(file: WorkerFile): BundleInput {
  return { path: file.path, size: file.file.size, read: async () => new Uint8Array(await file.file.arrayBuffer()) }
}

async function toRequest(message: WorkerRequest): Promise<BundleRequest> {
  const small = async (file: WorkerFile) => ({ path: file.path, bytes: new Uint8Array(await file.file.arrayBuffer()) })
  return {
    layout: message.layout ? await small(message.layout) : undefined,
    ownerKeys: await Promise.all(message.ownerKeys.map(small)),
    links: message.links.map(lazyInput),
    products: message.products.map(lazyInput),
    parameters: message.parameters ? new Map(message.parameters) : undefined,
    notRunHint: message.notRunHint,
  }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  try {
    const request = await toRequest(event.data)
    if (event.data.kind === 'analyze') {
      post({ type: 'analyzed', analysis: await analyzeBundle(request) })
    } else {
      post({ type: 'verified', result: await verifyBundle(request, { onProgress: (progress) => post({ type: 'progress', progress }) }) })
    }
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
}
