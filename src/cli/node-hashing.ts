/**
 * The core's hashing interface (core/hashing/artifact-hasher.ts) over node:crypto, which uses
 * the CPU's SHA instructions where it has them, and files read from disk a chunk at a time.
 */
import { createHash } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { createArtifactHasher, type ArtifactHasher, type ByteSource, type HashEngine } from '../core/hashing/artifact-hasher.ts'
import { describeFileType } from './safe-read.ts'

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
 * Opened without blocking and checked to be a regular file on the open descriptor, so a FIFO
 * put in a file's place cannot hang the caller (it throws {@link NotRegularFileError}).
 */
export async function hashFile(path: string | Buffer, hasher: ArtifactHasher, algorithms?: Parameters<ArtifactHasher['hash']>[1]): ReturnType<ArtifactHasher['hash']> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) throw new NotRegularFileError(describeFileType(info))
    const source: ByteSource = {
      size: info.size,
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

/** What {@link hashFile} found instead of a regular file: `kind` says what ("a FIFO (named pipe)"). */
export class NotRegularFileError extends Error {
  readonly kind: string
  constructor(kind: string) {
    super(`it is ${kind}, not a regular file`)
    this.name = 'NotRegularFileError'
    this.kind = kind
  }
}
