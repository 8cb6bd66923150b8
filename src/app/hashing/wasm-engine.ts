/**
 * The browser's hash engine for the core's artifact hasher (core/hashing/artifact-hasher.ts):
 * hash-wasm's SHA-256 and SHA-512, compiled WebAssembly, for streams (WebCrypto has no
 * incremental digest, and pure JS reaches about 85 MiB/s); WebCrypto itself, native, for
 * inputs that are whole in memory anyway. Compiling WebAssembly needs `'wasm-unsafe-eval'` in
 * the page's script-src (vite.config.ts says why that is the only relaxation).
 *
 * Instances are reused: creating one instantiates a WebAssembly module, which costs more
 * than hashing a small file.
 */
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm'
import { createArtifactHasher, type ArtifactHasher, type HashEngine, type IncrementalHash } from '../../core/hashing/artifact-hasher.ts'
import type { HashAlgorithm } from '../../core/hash.ts'
import { bytesToHex } from '../../core/encoding/hex.ts'

const CREATE: Record<HashAlgorithm, () => Promise<IHasher>> = { sha256: createSHA256, sha512: createSHA512 }
const WEBCRYPTO: Record<HashAlgorithm, string> = { sha256: 'SHA-256', sha512: 'SHA-512' }
const idle: Record<HashAlgorithm, IHasher[]> = { sha256: [], sha512: [] }

export const wasmEngine: HashEngine = {
  async create(algorithm): Promise<IncrementalHash> {
    const wasm = idle[algorithm].pop() ?? (await CREATE[algorithm]())
    wasm.init()
    return {
      update: (chunk) => void wasm.update(chunk),
      digestHex: () => {
        const hex = wasm.digest('hex')
        idle[algorithm].push(wasm)
        return hex
      },
    }
  },
  oneShot:
    globalThis.crypto?.subtle === undefined
      ? undefined
      : async (algorithm, bytes) => bytesToHex(new Uint8Array(await crypto.subtle.digest(WEBCRYPTO[algorithm], bytes as Uint8Array<ArrayBuffer>))),
}

export const wasmHasher: ArtifactHasher = createArtifactHasher(wasmEngine)
