/**
 * sha256 and sha512 of a file in the page's worker, reading it once. Files up to 32 MiB are
 * hashed natively (WebCrypto, one call each); larger ones stream through the incremental
 * hashers, chunk by chunk, so memory stays bounded whatever the package's size.
 */
import { bytesToHex } from '../../core/encoding/hex.ts'
import { createHasher, digestHex, type HashAlgorithm } from '../../core/hash.ts'

const NATIVE_LIMIT = 32 * 1024 * 1024

export async function hashBlob(blob: Blob, signal?: AbortSignal): Promise<Map<HashAlgorithm, string>> {
  if (blob.size <= NATIVE_LIMIT) {
    const bytes = new Uint8Array(await blob.arrayBuffer())
    signal?.throwIfAborted()
    const [sha256, sha512] = await Promise.all([digestHex('sha256', bytes), digestHex('sha512', bytes)])
    return new Map([
      ['sha256', sha256],
      ['sha512', sha512],
    ])
  }
  const sha256 = createHasher('sha256')
  const sha512 = createHasher('sha512')
  const reader = blob.stream().getReader()
  try {
    for (;;) {
      signal?.throwIfAborted()
      const { done, value } = await reader.read()
      if (done) break
      sha256.update(value)
      sha512.update(value)
    }
  } finally {
    reader.releaseLock()
  }
  return new Map([
    ['sha256', bytesToHex(sha256.digest())],
    ['sha512', bytesToHex(sha512.digest())],
  ])
}
