/**
 * Hashing artifacts of any size: the bytes are read in chunks and fed to incremental hashes,
 * so a file is never held whole in memory, and progress is reported per chunk. The core only
 * describes what it needs ({@link HashEngine}, {@link ByteSource}); the platform supplies the
 * hash functions: WebAssembly in the browser (src/app/hashing), node:crypto in the CLI, and
 * @noble/hashes ({@link nobleEngine}) wherever nothing faster was injected.
 *
 * Artifact hash dicts follow in-toto (`{"sha256": hex}`, securesystemslib's lowercase hex);
 * rebuilder attestations also carry sha512, so a dict may hold several algorithms.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import { digest, subtleOrUndefined, type HashAlgorithm } from '../hash.ts'

/** One running hash; `digestHex` ends it. */
export interface IncrementalHash {
  update(chunk: Uint8Array): void
  digestHex(): string
}

/** The hash functions a platform provides. */
export interface HashEngine {
  /** A fresh incremental hash (engines may hand out reused instances). */
  create(algorithm: HashAlgorithm): IncrementalHash | Promise<IncrementalHash>
  /**
   * A digest of bytes that are all in memory anyway, when the platform has a faster one-shot
   * function than its incremental hash (WebCrypto is native; hash-wasm is not).
   */
  oneShot?(algorithm: HashAlgorithm, bytes: Uint8Array): Promise<string>
}

/** Bytes read a piece at a time: a Blob, a file on disk, bytes already in memory. */
export interface ByteSource {
  readonly size: number
  /** The bytes themselves, when they are in memory anyway (then a one-shot digest takes them whole). */
  readonly bytes?: Uint8Array
  /** `length` bytes from `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>
}

export interface HashOptions {
  /** Called after each chunk with the number of bytes it held. */
  readonly onBytes?: (bytes: number) => void
  readonly signal?: AbortSignal
}

/** Digests as in a link's artifact map: algorithm → lowercase hex, in the order asked for. */
export type DigestMap = Map<HashAlgorithm, string>

export interface ArtifactHasher {
  hash(source: ByteSource, algorithms?: readonly HashAlgorithm[], options?: HashOptions): Promise<DigestMap>
}

/**
 * 4 MiB: large enough that per-chunk costs (a read call, a copy into WebAssembly memory)
 * vanish next to hashing, small enough that two chunks in flight stay a few megabytes.
 */
export const DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024

const DEFAULT_ALGORITHMS: readonly HashAlgorithm[] = ['sha256']

export function createArtifactHasher(engine: HashEngine, options: { readonly chunkSize?: number } = {}): ArtifactHasher {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE
  if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new RangeError(`chunk size must be a positive integer, not ${chunkSize}`)
  return {
    async hash(source, algorithms = DEFAULT_ALGORITHMS, { onBytes, signal } = {}) {
      for (const algorithm of algorithms) checkAlgorithm(algorithm)
      signal?.throwIfAborted()
      const out: DigestMap = new Map()
      if (engine.oneShot && (source.bytes !== undefined || source.size <= chunkSize)) {
        const bytes = source.bytes ?? (await source.read(0, source.size))
        checkLength(bytes, source.size, 0)
        for (const algorithm of algorithms) out.set(algorithm, await engine.oneShot(algorithm, bytes))
        onBytes?.(bytes.length)
        return out
      }
      const hashes = await Promise.all(algorithms.map((algorithm) => engine.create(algorithm)))
      // The next chunk is read while this one is hashed: a Blob or file read runs off this thread.
      let offset = 0
      let pending = source.size > 0 ? source.read(0, Math.min(chunkSize, source.size)) : undefined
      try {
        while (pending) {
          const chunk = await pending
          signal?.throwIfAborted()
          checkLength(chunk, Math.min(chunkSize, source.size - offset), offset)
          offset += chunk.length
          pending = offset < source.size ? source.read(offset, Math.min(chunkSize, source.size - offset)) : undefined
          for (const hash of hashes) hash.update(chunk)
          onBytes?.(chunk.length)
        }
      } catch (error) {
        // A read still in flight when hashing failed must not surface as an unhandled rejection.
        pending?.catch(() => undefined)
        throw error
      }
      algorithms.forEach((algorithm, index) => out.set(algorithm, (hashes[index] as IncrementalHash).digestHex()))
      return out
    },
  }
}

/** Bytes already in memory, as a source (chunks are views, not copies). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, bytes, read: async (offset, length) => bytes.subarray(offset, offset + length) }
}

/**
 * What the core uses when nothing was injected: WebCrypto for bytes in memory (native, where
 * `crypto.subtle` exists), @noble/hashes for streams.
 */
export const defaultEngine: HashEngine = {
  create: (algorithm) => nobleEngine.create(algorithm),
  oneShot: subtleOrUndefined() ? async (algorithm, bytes) => bytesToHex(await digest(algorithm, bytes)) : undefined,
}

export const defaultHasher: ArtifactHasher = createArtifactHasher(defaultEngine)

/** Pure-JS hashes: correct everywhere, about 85 MiB/s; platforms inject faster engines. */
export const nobleEngine: HashEngine = {
  create(algorithm) {
    checkAlgorithm(algorithm)
    const state = (algorithm === 'sha256' ? sha256 : sha512).create()
    return {
      update: (chunk) => void state.update(chunk),
      digestHex: () => bytesToHex(state.digest()),
    }
  },
}

/** A source that changed size while being read would give a digest of neither version. */
function checkLength(chunk: Uint8Array, expected: number, offset: number): void {
  if (chunk.length !== expected) throw new CoreError('format', `the file changed while it was read (expected ${expected} bytes at offset ${offset}, got ${chunk.length})`)
}

function checkAlgorithm(algorithm: string): asserts algorithm is HashAlgorithm {
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new CoreError('unsupported-algorithm', `unsupported hash algorithm ${JSON.stringify(algorithm)} (expected sha256 or sha512)`)
  }
}
