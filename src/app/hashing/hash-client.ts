/**
 * The page's side of the hashing worker (hash.worker.ts): one worker, started on first use,
 * answering calls by id. An aborted call is cancelled in the worker (it stops between
 * chunks) and rejects here with the signal's reason at once.
 */
import type { HashAlgorithm } from '../../core/hash.ts'
import type { CallResults, HashCall, HashFile, HashProgress, HashRequest, HashResponse, LinkChoice, MatchOutcome, MatchSettings } from './protocol.ts'

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
  onProgress?: (progress: HashProgress) => void
}

export interface CallOptions {
  readonly onProgress?: (progress: HashProgress) => void
  readonly signal?: AbortSignal
}

export class HashClient {
  private worker: Worker | undefined
  private readonly pending = new Map<number, Pending>()
  private nextId = 0

  hashFiles(files: readonly HashFile[], algorithms: readonly HashAlgorithm[], options: CallOptions = {}): Promise<CallResults['hash-files']> {
    return this.call({ kind: 'hash-files', files, algorithms }, options)
  }

  matchProducts(files: readonly HashFile[], link: LinkChoice, settings: MatchSettings, options: CallOptions = {}): Promise<MatchOutcome> {
    return this.call({ kind: 'match-products', files, link, settings }, options)
  }

  private call<K extends HashCall['kind']>(call: Extract<HashCall, { kind: K }>, { onProgress, signal }: CallOptions): Promise<CallResults[K]> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    const worker = this.start()
    const id = this.nextId++
    return new Promise<CallResults[K]>((resolve, reject) => {
      const abort = () => {
        this.pending.delete(id)
        worker.postMessage({ id, type: 'cancel' } satisfies HashRequest)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
      this.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener('abort', abort)
          resolve(value as CallResults[K])
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort)
          reject(error)
        },
        onProgress,
      })
      worker.postMessage({ id, type: 'call', call } satisfies HashRequest)
    })
  }

  private start(): Worker {
    if (this.worker) return this.worker
    const worker = new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' })
    worker.onmessage = (event: MessageEvent<HashResponse>) => {
      const message = event.data
      const call = this.pending.get(message.id)
      if (!call) return
      if (message.type === 'progress') return call.onProgress?.(message.progress)
      this.pending.delete(message.id)
      if (message.type === 'failed') call.reject(new Error(message.message))
      else call.resolve(message.value)
    }
    worker.onerror = (event) => {
      // A worker that cannot start (or crashed) fails every call; the next call starts a new one.
      this.worker = undefined
      worker.terminate()
      const calls = [...this.pending.values()]
      this.pending.clear()
      for (const call of calls) call.reject(new Error(event.message || 'the hashing worker failed'))
    }
    this.worker = worker
    return worker
  }
}

/** The page's one hashing worker. */
export const hashClient = new HashClient()
