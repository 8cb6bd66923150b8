/**
 * A verification session: one worker (its own chunk) for one set of chosen files, answering
 * calls (protocol.ts) in the order they come. `close` terminates it at once, rejecting every
 * pending call with {@link CancelledError}.
 */
import type { Progress } from '../../core/verify/verify.ts'
import type { CallResults, WorkerCall, WorkerRequest, WorkerResponse } from './protocol.ts'

export class CancelledError extends Error {
  constructor() {
    super('cancelled')
    this.name = 'CancelledError'
  }
}

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  onProgress?: (progress: Progress) => void
}

export class VerifySession {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private closed = false

  constructor() {
    this.worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'verify' })
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data
      const call = this.pending.get(message.id)
      if (!call) return
      if (message.type === 'progress') {
        call.onProgress?.(message.progress)
        return
      }
      this.pending.delete(message.id)
      if (message.type === 'failed') call.reject(new Error(message.message))
      else call.resolve(message.value)
    }
    this.worker.onerror = (event) => this.fail(new Error(event.message || 'the verification worker failed to start'))
  }

  call<K extends WorkerCall['kind']>(call: Extract<WorkerCall, { kind: K }>, onProgress?: (progress: Progress) => void): Promise<CallResults[K]> {
    if (this.closed) return Promise.reject(new CancelledError())
    const id = this.nextId++
    return new Promise<CallResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress })
      this.worker.postMessage({ id, call } satisfies WorkerRequest)
    })
  }

  close(): void {
    this.fail(new CancelledError())
  }

  private fail(error: Error): void {
    this.closed = true
    this.worker.terminate()
    const calls = [...this.pending.values()]
    this.pending.clear()
    for (const call of calls) call.reject(error)
  }
}
