/**
 * sha256 and sha512 of a dropped package, in the worker, read once a chunk at a time through
 * the core's artifact hasher with the browser's engine (app/hashing: WebAssembly for streams,
 * WebCrypto for small files): a package of any size never sits whole in memory.
 */
import type { ArtifactHasher, DigestMap } from '../../core/hashing/artifact-hasher.ts'
import { HASH_ALGORITHMS } from '../../core/rebuilders/check.ts'
import { blobSource } from '../hashing/blob-source.ts'
import { wasmHasher } from '../hashing/wasm-engine.ts'

export function hashBlob(blob: Blob, signal?: AbortSignal, hasher: ArtifactHasher = wasmHasher): Promise<DigestMap> {
  return hasher.hash(blobSource(blob), HASH_ALGORITHMS, { signal })
}
