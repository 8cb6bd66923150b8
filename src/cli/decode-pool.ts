/**
 * Link decoding on worker threads: reading, parsing, canonicalizing and signature checks of
 * link files run in parallel (decode-worker.ts), behind the core's `LinkDecoder` interface,
 * with results identical to `sequentialDecoder`. Small bundles are decoded on the calling
 * thread: starting workers costs more than it saves below a few megabytes of links.
 */
import { stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { decodeOne, sequentialDecoder, type DecodeListener, type DecodeRequest, type DecodeResult, type LinkDecoder } from '../core/verify/decode.ts'
import { TransferReceiver } from '../core/verify/decode-transfer.ts'
import type { LinkSource } from '../core/verify/sources.ts'
import type { WorkerRequest, WorkerResponse } from './decode-worker.ts'
import { GroupSchedule } from './decode-schedule.ts'
import { defaultThreadCount, MIN_PARALLEL_BYTES, spawnDecodeThread, takeStartedThread } from './decode-threads.ts'
import { DirectoryLinkSource } from './node-fs.ts'

export interface DecodePoolOptions {
  /** Worker threads at most (default: the available parallelism, at most 4). */
  readonly threads?: number
  /** Below this many bytes of links in one call, decode on the calling thread (default 4 MiB). */
  readonly minParallelBytes?: number
}

/**
 * Requests in flight per worker, so a worker never waits for its next file, even while this
 * thread spends tens of milliseconds evaluating a step's rules early (early-rules.ts).
 */
const IN_FLIGHT = 4

export class DecodePool implements LinkDecoder {
  private readonly threads: number
  private readonly minParallelBytes: number
  private workers: Worker[] = []
  /** Numbers the calls of `decode`: each is a fresh transfer session in every worker (decode-worker.ts). */
  private sessions = 0

  constructor(options: DecodePoolOptions = {}) {
    this.threads = Math.max(1, options.threads ?? defaultThreadCount())
    this.minParallelBytes = options.minParallelBytes ?? MIN_PARALLEL_BYTES
  }

  async decode(requests: readonly DecodeRequest[], source: LinkSource, signal?: AbortSignal, onResult?: DecodeListener): Promise<DecodeResult[]> {
    if (!(source instanceof DirectoryLinkSource) || requests.length < 2 || (await totalBytes(requests, source)) < this.minParallelBytes) {
      return sequentialDecoder.decode(requests, source, signal, onResult)
    }
    const workers = this.start(Math.min(this.threads, requests.length))
    const session = ++this.sessions
    const schedule = new GroupSchedule<Worker>(requests.map((request) => request.group))
    const results: DecodeResult[] = new Array(requests.length)
    const local: number[] = []
    await new Promise<void>((resolve, reject) => {
      let pending = requests.length
      const cleanup: Array<() => void> = []
      const finish = (error?: unknown) => {
        for (const undo of cleanup) undo()
        if (error === undefined) return resolve()
        // Workers may still hold requests of the failed call: start afresh next time.
        void this.close()
        reject(error)
      }
      const inFlight = new Map<Worker, number>(workers.map((worker) => [worker, 0]))
      const send = (worker: Worker) => {
        const id = schedule.next(worker, inFlight.get(worker) === 0)
        if (id === undefined) return
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1)
        const request = requests[id] as DecodeRequest
        worker.postMessage({ session, id, directory: source.directory, maxBytes: source.maxBytes, path: request.path, key: request.key, now: request.now } satisfies WorkerRequest)
      }
      for (const worker of workers) {
        // One receiver per worker: it unpacks what that worker's sender packed, in order.
        const receiver = new TransferReceiver()
        const onMessage = ({ id, result }: WorkerResponse) => {
          let unpacked: DecodeResult | undefined
          try {
            unpacked = receiver.unpack(result)
          } catch (error) {
            return finish(error)
          }
          inFlight.set(worker, (inFlight.get(worker) ?? 1) - 1)
          // Ask for the next file first: the listener may keep this thread busy for a while.
          if (--pending === 0) finish()
          else send(worker)
          if (unpacked === undefined) local.push(id)
          else {
            results[id] = unpacked
            onResult?.(id, unpacked)
          }
        }
        const onError = (error: unknown) => finish(error)
        const onExit = (code: number) => finish(new Error(`a link decoding thread stopped unexpectedly (exit code ${code})`))
        worker.on('message', onMessage).on('error', onError).on('exit', onExit)
        cleanup.push(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit))
        for (let i = 0; i < IN_FLIGHT; i++) send(worker)
      }
      if (signal) {
        const onAbort = () => finish(signal.reason)
        signal.addEventListener('abort', onAbort, { once: true })
        cleanup.push(() => signal.removeEventListener('abort', onAbort))
      }
    })
    // Files whose decoded form does not survive a thread crossing (layouts, unusual signatures).
    for (const id of local) {
      const result = await decodeOne(requests[id] as DecodeRequest, source)
      results[id] = result
      onResult?.(id, result)
    }
    return results
  }

  /** Stops the worker threads; the pool starts new ones if used again. */
  async close(): Promise<void> {
    const workers = this.workers
    this.workers = []
    await Promise.all(workers.map((worker) => worker.terminate()))
  }

  private start(count: number): Worker[] {
    while (this.workers.length < count) {
      // Threads main.ts started before the program loaded, else new ones.
      const worker = takeStartedThread() ?? spawnDecodeThread()
      // Idle workers must not keep the process alive.
      worker.unref()
      this.workers.push(worker)
    }
    return this.workers.slice(0, count)
  }
}

async function totalBytes(requests: readonly Pick<DecodeRequest, 'path'>[], source: DirectoryLinkSource): Promise<number> {
  const sizes = await Promise.all(
    requests.map((request) =>
      stat(isAbsolute(request.path) ? request.path : join(source.directory, request.path)).then(
        (info) => (info.isFile() ? info.size : 0),
        () => 0,
      ),
    ),
  )
  return sizes.reduce((sum, size) => sum + size, 0)
}
