/**
 * Worker thread of the link decoding pool (decode-pool.ts): reads, parses and checks one link
 * file per message, with the same code as on the main thread, and posts the result back
 * packed for a cheap transfer.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { parentPort } from 'node:worker_threads'
import type { PublicKey } from '../core/keys/types.ts'
import { decodeOne } from '../core/verify/decode.ts'
import { packDecodeResult, transferablesOf, type TransferredResult } from '../core/verify/decode-transfer.ts'
import { installNodeCrypto } from './native-crypto.ts'
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

installNodeCrypto()
if (parentPort === null) throw new Error('decode-worker.ts runs as a worker thread of decode-pool.ts')
const port = parentPort
const sources = new Map<string, ReusingLinkSource>()

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
    const file = isAbsolute(path) ? path : join(this.directory, path)
    let fd: number
    try {
      fd = openSync(file, 'r')
    } catch {
      return undefined
    }
    try {
      const info = fstatSync(fd)
      const size = info.size
      if (!info.isFile() || size > this.maxBytes) return undefined
      if (this.buffer.length < size) this.buffer = new Uint8Array(Math.max(size, 1 << 20))
      let length = 0
      for (let read = 1; read > 0 && length < size; length += read) read = readSync(fd, this.buffer, length, size - length, null)
      return this.buffer.subarray(0, length)
    } catch {
      return undefined
    } finally {
      closeSync(fd)
    }
  }
}

port.on('message', async (request: WorkerRequest) => {
  const sourceKey = `${request.maxBytes}:${request.directory}`
  let source = sources.get(sourceKey)
  if (source === undefined) {
    source = new ReusingLinkSource(request.directory, { maxBytes: request.maxBytes })
    sources.set(sourceKey, source)
  }
  // Files readNow cannot read go the ordinary way, which reports why (missing, too large, …).
  const bytes = source.readNow(request.path)
  const result = await decodeOne({ path: request.path, key: request.key }, source, bytes)
  const packed = packDecodeResult(result)
  port.postMessage({ id: request.id, result: packed } satisfies WorkerResponse, transferablesOf(packed))
})
