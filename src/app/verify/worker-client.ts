/** Runs one request in a fresh worker (its own chunk); `cancel` terminates it at once. */
import type { Progress } from '../../core/verify/verify.ts'
import type { WorkerRequest, WorkerResponse } from './protocol.ts'

export class CancelledError extends Error {
  constructor() {
    super('cancelled')
    this.name = 'CancelledError'
  }
}

export interface WorkerJob<T> {
  readonly result: Promise<T>
  cancel(): void
}

type Done = Extract<WorkerResponse, { type: 'analyzed' | 'verified' }>

export function startWorkerJob(request: WorkerRequest, onProgress?: (progress: Progress) => void): WorkerJob<Done> {
  const worker = new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'verify' })
  let settle: { resolve(value: Done): void; reject(error: Error): void } | undefined
  const result = new Promise<Done>((resolve, reject) => {
    settle = { resolve, reject }
  })
  const finish = () => worker.terminate()
  worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
    const message = event.data
    if (message.type === 'progress') onProgress?.(message.progress)
    else if (message.type === 'failed') {
      finish()
      settle?.reject(new Error(message.message))
    } else {
      finish()
      settle?.resolve(message)
    }
  }
  worker.onerror = (event) => {
    finish()
    settle?.reject(new Error(event.message || 'the verification worker failed to start'))
  }
  worker.postMessage(request)
  return {
    result,
    cancel() {
      finish()
      settle?.reject(new CancelledError())
    },
  }
}
