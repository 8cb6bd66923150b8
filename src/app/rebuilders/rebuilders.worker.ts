/**
 * The Rebuilders workspace's worker: reads the attestations (files, folders, archives), hashes
 * the package files and runs the check, off the page's thread. One worker lives as long as
 * the page: it remembers each package's digests (by path, size and modification time), so
 * changing the policy re-checks without reading the packages again. A newer request cancels
 * the one running (it stops between chunks of the file it is hashing).
 */
import type { BundleInput } from '../../core/bundle/assemble.ts'
import type { DigestMap } from '../../core/hashing/artifact-hasher.ts'
import { fileNameOf } from '../../core/rebuilders/attestation.ts'
import { checkPackages, type PackageFile } from '../../core/rebuilders/check.ts'
import { gatherAttestations } from '../../core/rebuilders/gather.ts'
import { parsePolicy } from '../../core/rebuilders/policy.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { CheckFile, CheckRequest, CheckSummary, WorkerRequest, WorkerResponse } from './check-protocol.ts'
import { hashBlob } from './hash-blob.ts'

const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)

const digests = new Map<string, Promise<DigestMap>>()
let running: { readonly id: number; readonly controller: AbortController } | undefined

const identity = (file: CheckFile) => `${file.path}\u0000${file.file.size}\u0000${file.lastModified}`

/**
 * The file's digests, hashed once. A hash started for a check that was then cancelled is
 * forgotten; a later check that was waiting for it starts its own.
 */
async function digestsOf(file: CheckFile, signal: AbortSignal): Promise<DigestMap> {
  const key = identity(file)
  for (;;) {
    let known = digests.get(key)
    if (!known) {
      const started = hashBlob(file.file, signal)
      digests.set(key, started)
      started.catch(() => {
        if (digests.get(key) === started) digests.delete(key)
      })
      known = started
    }
    try {
      return await known
    } catch (error) {
      signal.throwIfAborted()
      if (!(error instanceof DOMException && error.name === 'AbortError')) throw error
    }
  }
}

async function check(id: number, request: CheckRequest, signal: AbortSignal): Promise<CheckSummary> {
  const policy = await parsePolicy(request.policy, 'the policy')
  post({ id, type: 'progress', progress: { phase: 'reading' } })
  const inputs: BundleInput[] = request.attestations.map((file) => ({ path: file.path, size: file.file.size, read: async () => new Uint8Array(await file.file.arrayBuffer()) }))
  const gathered = await gatherAttestations(inputs)
  signal.throwIfAborted()
  const byPath = new Map(request.packages.map((file) => [file.path, file]))
  const packages: PackageFile[] = request.packages.map((file) => ({ path: file.path, name: fileNameOf(file.path), size: file.file.size }))
  const result = await checkPackages(policy, packages, gathered.attestations, (file) => digestsOf(byPath.get(file.path) as CheckFile, signal), {
    signal,
    onPackage: (file, done, total) => post({ id, type: 'progress', progress: { phase: 'hashing', file: file.path, done, total } }),
  })
  return { ...result, attestationCount: gathered.attestations.length, unreadable: gathered.unreadable, refusals: gathered.refusals }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const message = event.data
  running?.controller.abort()
  if (message.type === 'cancel') return
  const controller = new AbortController()
  running = { id: message.id, controller }
  try {
    const summary = await check(message.id, message.request, controller.signal)
    post(controller.signal.aborted ? { id: message.id, type: 'cancelled' } : { id: message.id, type: 'done', summary })
  } catch (error) {
    post(controller.signal.aborted ? { id: message.id, type: 'cancelled' } : { id: message.id, type: 'failed', message: errorMessage(error) })
  } finally {
    if (running?.id === message.id) running = undefined
  }
}
