/** Loading link files on the calling thread, for hosts without decoding threads (or small bundles). */
import type { LinkRequest, LinkResult, LoadOptions } from './types.ts'

/** Files decoded at once: reads and signature checks are asynchronous (files, WebCrypto), so a few overlap. */
const CONCURRENCY = 4

/** Runs `decode` on every request, a few at a time, in request order; results in request order. */
export async function loadHere(requests: readonly LinkRequest[], decode: (request: LinkRequest) => Promise<LinkResult>, options: LoadOptions = {}): Promise<LinkResult[]> {
  const { signal, onResult } = options
  const results: LinkResult[] = new Array(requests.length)
  let next = 0
  const worker = async () => {
    while (next < requests.length) {
      signal?.throwIfAborted()
      const index = next++
      const request = requests[index]
      if (request === undefined) return
      const result = await decode(request)
      results[index] = result
      onResult?.(index, result)
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, worker))
  return results
}
