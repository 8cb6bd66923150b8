/**
 * The Rebuilders workspace's worker: reads the attestations (files, folders, archives), hashes
 * the package files and runs the check, off the page's thread. One worker lives as long as
 * the page: it remembers each package's digests (by path, size and modification time), so
 * changing the policy re-checks without reading the packages again. A newer request cancels
 * the one running (it stops between chunks of the file it is hashing).
 */
import type { BundleInput } from '../../core/bundle/assemble.ts'
import type { HashAlgorithm } from '../../core/hash.ts'
import { fileNameOf } from '../../core/rebuilders/attestation.ts'
import { checkPackages, type PackageFile } from '../../core/rebuilders/check.ts'
import { gatherAttestations } from '../../core/rebuilders/gather.ts'
import { parsePolicy } from '../../core/rebuilders/policy.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { CheckFile, CheckRequest, CheckSummary, WorkerRequest, WorkerResponse } from './check-protocol.ts'
import { hashBlob } from './hash-blob.ts'

const post = (message: WorkerResponse) => (self as unknown as Worker).postMessage(message)

const digests = new Map<string, Promise<Map<HashAlgorithm, string>>>()
let running: { readonly id: number; readonly controller: AbortController } | undefined

const identity = (file: CheckFile) => `${file.path}\u0000${file.file.size}\u0000${file.lastModified}`

function digestsOf(file: CheckFile, signal: AbortSignal): Promise<Map<HashAlgorithm, string>> {
  const key = identity(file)
  let known = digests.get(key)
  if (!known) {
    known = hashBlob(file.file, signal)
    digests.set(key, known)
    // An interrupted or failed hash is forgotten, so the next check reads the file again.
    known.catch(() => digests.delete(key))
  }
  return known
}

async function check(id: number, request: CheckRequest, signal: AbortSignal): Promise<CheckSummary> {
  const policy = parsePolicy(request.policy, 'the policy')
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
