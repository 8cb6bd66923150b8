/**
 * The page's side of the Rebuilders worker: one worker, created on first use, answering one
 * check at a time. A new check cancels the one before it (its promise rejects with
 * {@link CancelledCheck}); `dispose` ends the worker.
 */
import type { CheckProgress, CheckRequest, CheckSummary, WorkerRequest, WorkerResponse } from './check-protocol.ts'

export class CancelledCheck extends Error {
  constructor() {
    super('cancelled')
    this.name = 'CancelledCheck'
  }
}

/** What the store needs from a checker (the worker in the page, a direct call in tests). */
export interface Checker {
  check(request: CheckRequest, onProgress?: (progress: CheckProgress) => void): Promise<CheckSummary>
  cancel(): void
}

interface Pending {
  readonly id: number
  resolve(summary: CheckSummary): void
  reject(error: Error): void
  onProgress?: (progress: CheckProgress) => void
}

export function createWorkerChecker(): Checker & { dispose(): void } {
  let worker: Worker | undefined
  let pending: Pending | undefined
  let nextId = 0
  const settle = (run: (call: Pending) => void) => {
    const call = pending
    pending = undefined
    if (call) run(call)
  }
  const start = (): Worker => {
    if (worker) return worker
    const created = new Worker(new URL('./rebuilders.worker.ts', import.meta.url), { type: 'module', name: 'rebuilders' })
    created.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data
      if (!pending || message.id !== pending.id) return
      if (message.type === 'progress') pending.onProgress?.(message.progress)
      else if (message.type === 'done') settle((call) => call.resolve(message.summary))
      else if (message.type === 'failed') settle((call) => call.reject(new Error(message.message)))
      else settle((call) => call.reject(new CancelledCheck()))
    }
    created.onerror = (event) => {
      settle((call) => call.reject(new Error(event.message || 'the rebuilders worker failed to start')))
      worker = undefined
      created.terminate()
    }
    worker = created
    return created
  }
  return {
    check(request, onProgress) {
      settle((call) => call.reject(new CancelledCheck()))
      const id = nextId++
      return new Promise<CheckSummary>((resolve, reject) => {
        pending = { id, resolve, reject, onProgress }
        start().postMessage({ id, type: 'check', request } satisfies WorkerRequest)
      })
    },
    cancel() {
      settle((call) => call.reject(new CancelledCheck()))
      worker?.postMessage({ id: nextId++, type: 'cancel' } satisfies WorkerRequest)
    },
    dispose() {
      settle((call) => call.reject(new CancelledCheck()))
      worker?.terminate()
      worker = undefined
    },
  }
}
