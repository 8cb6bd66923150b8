/**
 * SHA-256 / SHA-512, the two algorithms in-toto uses for artifacts and keyids
 * (securesystemslib 0.26 `settings.HASH_ALGORITHMS`, `hash.py`).
 *
 * One-shot digests go to WebCrypto when it exists (native speed: artifacts and signed link
 * bytes can be megabytes); `crypto.subtle` is missing outside secure contexts, so @noble/hashes
 * is the fallback. WebCrypto has no incremental API, so {@link createHasher} is always noble and
 * {@link hashStream} buffers small streams to still hash them natively.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { bytesToHex } from './encoding/hex.ts'
import { CoreError } from './errors.ts'

export type HashAlgorithm = 'sha256' | 'sha512'

/** An incremental hash; `digest()` may be called once. */
export interface Hasher {
  update(chunk: Uint8Array): void
  digest(): Uint8Array
}

const WEBCRYPTO_NAME: Record<HashAlgorithm, string> = { sha256: 'SHA-256', sha512: 'SHA-512' }
const NOBLE = { sha256, sha512 } as const

/**
 * Streams up to this size are collected and hashed with one native call; past it they are fed
 * to the pure-JS hasher so memory stays bounded.
 */
const STREAM_BUFFER_LIMIT = 32 * 1024 * 1024

/** `crypto.subtle`, or `undefined` outside a secure context. */
export function subtleOrUndefined(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto?.subtle
}

/** `bytes` typed for WebCrypto, copying only when it views a non-`ArrayBuffer` buffer. */
export function asBufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}

export async function digest(alg: HashAlgorithm, bytes: Uint8Array): Promise<Uint8Array> {
  checkAlgorithm(alg)
  const subtle = subtleOrUndefined()
  if (subtle) return new Uint8Array(await subtle.digest(WEBCRYPTO_NAME[alg], asBufferSource(bytes)))
  return NOBLE[alg](bytes)
}

export function digestSync(alg: HashAlgorithm, bytes: Uint8Array): Uint8Array {
  checkAlgorithm(alg)
  return NOBLE[alg](bytes)
}

export async function digestHex(alg: HashAlgorithm, bytes: Uint8Array): Promise<string> {
  return bytesToHex(await digest(alg, bytes))
}

export function createHasher(alg: HashAlgorithm): Hasher {
  checkAlgorithm(alg)
  const state = NOBLE[alg].create()
  return {
    update(chunk: Uint8Array): void {
      state.update(chunk)
    },
    digest(): Uint8Array {
      return state.digest()
    },
  }
}

/**
 * Hashes a sequence of chunks. Small streams (up to 32 MiB) are hashed natively in one call;
 * larger ones switch to the incremental pure-JS hasher once the buffer limit is passed.
 */
export async function hashStream(alg: HashAlgorithm, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  checkAlgorithm(alg)
  let buffered: Uint8Array[] | undefined = []
  let bufferedLength = 0
  let hasher: Hasher | undefined
  for await (const chunk of chunks) {
    if (hasher) {
      hasher.update(chunk)
      continue
    }
    buffered!.push(chunk)
    bufferedLength += chunk.length
    if (bufferedLength > STREAM_BUFFER_LIMIT) {
      hasher = createHasher(alg)
      for (const part of buffered!) hasher.update(part)
      buffered = undefined
    }
  }
  if (hasher) return hasher.digest()
  const parts = buffered!
  if (parts.length === 1) return digest(alg, parts[0]!)
  const all = new Uint8Array(bufferedLength)
  let offset = 0
  for (const part of parts) {
    all.set(part, offset)
    offset += part.length
  }
  return digest(alg, all)
}

function checkAlgorithm(alg: string): asserts alg is HashAlgorithm {
  if (alg !== 'sha256' && alg !== 'sha512') {
    throw new CoreError('unsupported-algorithm', `unsupported hash algorithm ${JSON.stringify(alg)} (expected sha256 or sha512)`)
  }
}
