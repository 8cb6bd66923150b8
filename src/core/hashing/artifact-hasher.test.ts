import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesSource, createArtifactHasher, nobleEngine, type ByteSource, type HashEngine } from './artifact-hasher.ts'

const data = new Uint8Array(10_000).map((_, i) => (i * 31) % 251)
const expected = (alg: string, bytes: Uint8Array = data) => createHash(alg).update(bytes).digest('hex')

/** A source that is not in memory, recording the reads made of it. */
function streamed(bytes: Uint8Array, reads: [number, number][] = []): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => {
      reads.push([offset, length])
      return bytes.slice(offset, offset + length)
    },
  }
}

describe('createArtifactHasher', () => {
  it('streams a source chunk by chunk into sha256 and sha512 at once', async () => {
    const reads: [number, number][] = []
    const seen: number[] = []
    const hasher = createArtifactHasher(nobleEngine, { chunkSize: 4096 })
    const digests = await hasher.hash(streamed(data, reads), ['sha256', 'sha512'], { onBytes: (n) => seen.push(n) })
    expect([...digests]).toEqual([
      ['sha256', expected('sha256')],
      ['sha512', expected('sha512')],
    ])
    expect(reads).toEqual([
      [0, 4096],
      [4096, 4096],
      [8192, 1808],
    ])
    expect(seen).toEqual([4096, 4096, 1808])
  })

  it('hashes empty sources without reading them', async () => {
    const reads: [number, number][] = []
    const digests = await createArtifactHasher(nobleEngine).hash(streamed(new Uint8Array(0), reads))
    expect(digests.get('sha256')).toBe(expected('sha256', new Uint8Array(0)))
    expect(reads).toEqual([])
  })

  it('gives whole in-memory bytes to a one-shot digest, and streams other large sources', async () => {
    const calls: string[] = []
    const engine: HashEngine = {
      create: (alg) => {
        calls.push(`create ${alg}`)
        return nobleEngine.create(alg)
      },
      oneShot: async (alg, bytes) => {
        calls.push(`oneShot ${alg} ${bytes.length}`)
        return expected(alg, bytes)
      },
    }
    const hasher = createArtifactHasher(engine, { chunkSize: 4096 })
    expect((await hasher.hash(bytesSource(data))).get('sha256')).toBe(expected('sha256'))
    expect((await hasher.hash(streamed(data.subarray(0, 100)))).get('sha256')).toBe(expected('sha256', data.subarray(0, 100)))
    expect((await hasher.hash(streamed(data))).get('sha256')).toBe(expected('sha256'))
    expect(calls).toEqual(['oneShot sha256 10000', 'oneShot sha256 100', 'create sha256'])
  })

  it('refuses a source that shrinks while it is read, and unknown algorithms', async () => {
    const shrinking: ByteSource = { size: 10_000, read: async (offset, length) => data.slice(offset, Math.min(offset + length, 5000)) }
    await expect(createArtifactHasher(nobleEngine, { chunkSize: 4096 }).hash(shrinking)).rejects.toThrow(/changed while it was read/)
    await expect(createArtifactHasher(nobleEngine).hash(bytesSource(data), ['md5' as 'sha256'])).rejects.toThrow(/unsupported hash algorithm "md5"/)
  })

  it('stops when aborted, without an unhandled read', async () => {
    const controller = new AbortController()
    const hasher = createArtifactHasher(nobleEngine, { chunkSize: 1000 })
    const pending = hasher.hash(streamed(data), ['sha256'], { signal: controller.signal, onBytes: () => controller.abort(new Error('stop')) })
    await expect(pending).rejects.toThrow('stop')
  })
})
