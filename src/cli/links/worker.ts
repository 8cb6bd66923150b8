/**
 * A link decoding thread of the pool (pool.ts): reads, parses and checks one link file per
 * message, with the same code as on the main thread (core/links `DecodingThread`), and posts
 * the result back packed for a cheap transfer.
 */
import { parentPort } from 'node:worker_threads'
import { DecodingThread } from '../../core/links/index.ts'
import type { TransferredResult } from '../../core/links/index.ts'
import type { VerificationKey } from '../../core/keys/types.ts'
import { installNodeCrypto } from '../native-crypto.ts'
import { LinkDirectory } from './files.ts'

export interface WorkerRequest {
  /** One `load` of the pool: its results go to one receiver (core/links/thread-transfer.ts). */
  readonly session: number
  readonly id: number
  readonly directory: string
  readonly maxBytes: number
  readonly path: string
  readonly key?: VerificationKey
  readonly now?: number
}

export interface WorkerResponse {
  readonly id: number
  readonly result: TransferredResult
}

installNodeCrypto()
// V8 compiles typed-array code on the promise that no buffer was ever detached, and throws all
// of it away when the first one is (this thread's first transfer): the fast link reader, 60–90
// ms of compiling, would be compiled twice. Detaching a byte now keeps that promise from being made.
const detached = new ArrayBuffer(1)
structuredClone(detached, { transfer: [detached] })
if (parentPort === null) throw new Error('worker.ts runs as a worker thread of pool.ts')
const port = parentPort
/** memcmp through Node's Buffer, over the same memory. */
const buffersEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
const thread = new DecodingThread({ sameBytes: buffersEqual })
/** The directories asked for, each reading into one reused buffer (files.ts `readNow`). */
const directories = new Map<string, LinkDirectory>()

/**
 * One file at a time, in the order asked: the region memo hands out lists that may already
 * have been sent, and the sender must pack them in the order the receiver unpacks them.
 */
let queue = Promise.resolve()
port.on('message', (request: WorkerRequest) => {
  // Decoding never throws; anything else that does is a bug, and the unhandled rejection stops this thread, which fails the pool's load.
  queue = queue.then(() => decodeAndPost(request))
})

async function decodeAndPost(request: WorkerRequest): Promise<void> {
  const key = `${request.maxBytes}:${request.directory}`
  let directory = directories.get(key)
  if (directory === undefined) {
    directory = new LinkDirectory(request.directory, request.maxBytes)
    directories.set(key, directory)
  }
  const source = directory
  // The thread decodes readNow's view before it reads the next file. Files readNow cannot read
  // go the ordinary way, which reports why (missing, too large, …).
  const { result, transfer } = await thread.decode(
    request.session,
    { path: request.path, key: request.key, now: request.now },
    async () => source.readNow(request.path) ?? source.read(request.path),
  )
  port.postMessage({ id: request.id, result } satisfies WorkerResponse, transfer)
}
