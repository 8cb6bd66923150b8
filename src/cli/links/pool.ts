/**
 * Link decoding on worker threads (worker.ts): reading, parsing, canonicalizing and signature
 * checks of link files run in parallel, with results identical to decoding on this thread.
 * Each `load` is a session: every thread decodes it with a fresh memo and sender, and this
 * side unpacks each thread's results with a receiver of its own (core/links/thread-transfer.ts).
 */
import type { Worker } from 'node:worker_threads'
import { type LinkRequest, type LinkResult, type LoadOptions, TransferReceiver } from '../../core/links/index.ts'
import { GroupSchedule } from './schedule.ts'
import { spawnDecodeThread, takeStartedThread } from './threads.ts'
import type { WorkerRequest, WorkerResponse } from './worker.ts'

/**
 * Requests in flight per worker, so a worker never waits for its next file, even while this
 * thread spends tens of milliseconds evaluating a step's rules early (early-rules.ts).
 */
const IN_FLIGHT = 4

/** Where the threads read the files from. */
export interface ThreadSource {
  readonly directory: string
  readonly maxBytes: number
}

export class DecodingPool {
  private readonly threads: number
  private workers: Worker[] = []
  /** Numbers the calls of `load`: each is a fresh transfer session in every worker (worker.ts). */
  private sessions = 0

  /** At most `threads` worker threads, started when first needed. */
  constructor(threads: number) {
    this.threads = Math.max(1, threads)
  }

  /**
   * Decodes `requests` from `source` on the threads. `decodeHere` decodes the few files whose
   * decoded form does not survive a thread crossing (layouts, unusual signatures).
   */
  async load(requests: readonly LinkRequest[], source: ThreadSource, decodeHere: (request: LinkRequest) => Promise<LinkResult>, options: LoadOptions = {}): Promise<LinkResult[]> {
    const { signal, onResult } = options
    const workers = this.start(Math.min(this.threads, requests.length))
    const session = ++this.sessions
    const schedule = new GroupSchedule<Worker>(requests.map((request) => request.group))
    const results: LinkResult[] = new Array(requests.length)
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
        const request = id === undefined ? undefined : requests[id]
        if (id === undefined || request === undefined) return
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1)
        worker.postMessage({ session, id, directory: source.directory, maxBytes: source.maxBytes, path: request.path, key: request.key, now: request.now } satisfies WorkerRequest)
      }
      for (const worker of workers) {
        // One receiver per worker and session: it unpacks what that worker's sender packed, in order.
        const receiver = new TransferReceiver()
        const onMessage = ({ id, result }: WorkerResponse) => {
          let unpacked: LinkResult | undefined
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
    for (const id of local) {
      const request = requests[id]
      if (request === undefined) continue
      const result = await decodeHere(request)
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
