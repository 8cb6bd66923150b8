/**
 * sha256 and sha512 of a dropped file, in the worker, reading it once a chunk at a time
 * through the core's artifact hasher (core/hashing): a package of any size never sits whole in
 * memory; small files are hashed natively in one call.
 */
import { defaultHasher, type ArtifactHasher, type ByteSource, type DigestMap } from '../../core/hashing/artifact-hasher.ts'
import { HASH_ALGORITHMS } from '../../core/rebuilders/check.ts'

/** A Blob as the hasher reads it: slices, read when asked for. */
export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) }
}

export function hashBlob(blob: Blob, signal?: AbortSignal, hasher: ArtifactHasher = defaultHasher): Promise<DigestMap> {
  return hasher.hash(blobSource(blob), HASH_ALGORITHMS, { signal })
}
