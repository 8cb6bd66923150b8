/** A Blob (a dropped File) as the core's ByteSource: read a slice at a time, never whole. */
import type { ByteSource } from '../../core/hashing/artifact-hasher.ts'

export function blobSource(blob: Blob): ByteSource {
  return { size: blob.size, read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()) }
}
