/**
 * Worker thread of the link decoding pool (decode-pool.ts): reads, parses and checks one link
 * file per message, with the same code as on the main thread, and posts the result back
 * packed for a cheap transfer.
 */
import { parentPort } from 'node:worker_threads'
import type { VerificationKey } from '../core/keys/types.ts'
import { decodeOne } from '../core/verify/decode.ts'
import { TransferSender, transferablesOf, type TransferredResult } from '../core/verify/decode-transfer.ts'
import { ArtifactRegionMemo } from '../core/verify/region-memo.ts'
import { installNodeCrypto } from './native-crypto.ts'
import { DirectoryLinkSource } from './node-fs.ts'
import { readRegularFileSync } from './safe-read.ts'

export interface WorkerRequest {
  /** One `decode` call of the pool: its results go to one receiver (decode-transfer.ts). */
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
if (parentPort === null) throw new Error('decode-worker.ts runs as a worker thread of decode-pool.ts')
const port = parentPort
const sources = new Map<string, ReusingLinkSource>()
/** The pool's current call, with the artifact maps this thread read and sent during it. */
let session: { readonly id: number; readonly sender: TransferSender; readonly memo: ArtifactRegionMemo } | undefined

/**
 * Reads each file into one buffer reused for the next: a fresh multi-megabyte buffer per link
 * cost a page fault on every page. The view {@link readNow} returns is valid until the next
 * read; the message handler hands it to decodeOne, which consumes it synchronously (the fast
 * reader and the parser copy what they keep) before anything else can read.
 */
class ReusingLinkSource extends DirectoryLinkSource {
  private buffer = new Uint8Array(0)

  /** The file's bytes in the shared buffer; `undefined` when it cannot be read (then `read` tells why). */
  readNow(path: string): Uint8Array | undefined {
    try {
      return readRegularFileSync(this.pathOf(path), { maxBytes: this.maxBytes, what: 'a link file' }, (size) => {
        if (this.buffer.length < size) this.buffer = new Uint8Array(Math.max(size, 1 << 20))
        return this.buffer
      })
    } catch {
      return undefined
    }
  }
}

/**
 * One file at a time, in the order asked: the region memo hands out lists that may already
 * have been sent, and the sender must pack them in the order the receiver unpacks them.
 */
let queue = Promise.resolve()
port.on('message', (request: WorkerRequest) => {
  // decodeOne never throws; anything else that does is a bug, and the unhandled rejection stops this thread, which fails the pool's call.
  queue = queue.then(() => decodeAndPost(request))
})

/** memcmp through Node's Buffer, over the same memory. */
function buffersEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

async function decodeAndPost(request: WorkerRequest): Promise<void> {
  if (session?.id !== request.session) session = { id: request.session, sender: new TransferSender(), memo: new ArtifactRegionMemo({ sameBytes: buffersEqual }) }
  const { sender, memo } = session
  const sourceKey = `${request.maxBytes}:${request.directory}`
  let source = sources.get(sourceKey)
  if (source === undefined) {
    source = new ReusingLinkSource(request.directory, { maxBytes: request.maxBytes })
    sources.set(sourceKey, source)
  }
  // Files readNow cannot read go the ordinary way, which reports why (missing, too large, …).
  const bytes = source.readNow(request.path)
  const result = await decodeOne({ path: request.path, key: request.key, now: request.now }, source, { bytes, memo })
  const packed = sender.pack(result)
  port.postMessage({ id: request.id, result: packed } satisfies WorkerResponse, transferablesOf(packed))
}
