/**
 * Worker thread of the link decoding pool (decode-pool.ts): reads, parses and checks one link
 * file per message, with the same code as on the main thread, and posts the result back
 * packed for a cheap transfer.
 */
import { parentPort } from 'node:worker_threads'
import type { PublicKey } from '../core/keys/types.ts'
import { decodeOne } from '../core/verify/decode.ts'
import { packDecodeResult, transferablesOf, type TransferredResult } from '../core/verify/decode-transfer.ts'
import { DirectoryLinkSource } from './node-fs.ts'

export interface WorkerRequest {
  readonly id: number
  readonly directory: string
  readonly maxBytes: number
  readonly path: string
  readonly key?: PublicKey
}

export interface WorkerResponse {
  readonly id: number
  readonly result: TransferredResult
}

if (parentPort === null) throw new Error('decode-worker.ts runs as a worker thread of decode-pool.ts')
const port = parentPort
const sources = new Map<string, DirectoryLinkSource>()

port.on('message', async (request: WorkerRequest) => {
  const sourceKey = `${request.maxBytes}:${request.directory}`
  let source = sources.get(sourceKey)
  if (source === undefined) {
    source = new DirectoryLinkSource(request.directory, { maxBytes: request.maxBytes })
    sources.set(sourceKey, source)
  }
  const result = await decodeOne({ path: request.path, key: request.key }, source)
  const packed = packDecodeResult(result)
  port.postMessage({ id: request.id, result: packed } satisfies WorkerResponse, transferablesOf(packed))
})
