/**
 * The core's hashing interface (core/hashing/artifact-hasher.ts) over node:crypto, which uses
 * the CPU's SHA instructions where it has them, and files read from disk a chunk at a time.
 */
import { createHash } from 'node:crypto'
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { createArtifactHasher, type ArtifactHasher, type ByteSource, type HashEngine } from '../core/hashing/artifact-hasher.ts'

export const nodeEngine: HashEngine = {
  create(algorithm) {
    const hash = createHash(algorithm)
    return {
      update: (chunk) => void hash.update(chunk),
      digestHex: () => hash.digest('hex'),
    }
  },
}

export const nodeHasher: ArtifactHasher = createArtifactHasher(nodeEngine)

/**
 * Hashes the file at `path` with `hasher`. Reads are synchronous: recording tens of thousands
 * of small files with one thread-pool round trip per read was 15-40× slower than in-toto-run.
 */
export async function hashFile(path: string, hasher: ArtifactHasher, algorithms?: Parameters<ArtifactHasher['hash']>[1]): ReturnType<ArtifactHasher['hash']> {
  const fd = openSync(path, 'r')
  try {
    const source: ByteSource = {
      size: fstatSync(fd).size,
      // A fresh buffer per chunk: the hasher reads the next chunk before it hashes this one.
      read: async (offset, length) => {
        const buffer = Buffer.allocUnsafe(length)
        let filled = 0
        while (filled < length) {
          const read = readSync(fd, buffer, filled, length - filled, offset + filled)
          if (read === 0) break
          filled += read
        }
        return buffer.subarray(0, filled)
      },
    }
    return await hasher.hash(source, algorithms)
  } finally {
    closeSync(fd)
  }
}
