/**
 * Byte-exactness against the reference for every layout and link in test/fixtures: the core
 * reads the envelope, parses the model, and re-encodes the normalized signed part to the bytes
 * in-toto 1.3.1 signs (golden SHA-256 digests written by the reference, see
 * src/core/model/__fixtures__/generate-signable-digests.py). Every signature gets the
 * reference's verdict, and one flipped byte of the data or the signature breaks a valid one.
 */
import { readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { verifySignature } from '../../src/core/keys/signature.ts'
import { base64ToBytes } from '../../src/core/encoding/base64.ts'
import { hexToBytes } from '../../src/core/encoding/hex.ts'
import { CoreError } from '../../src/core/errors.ts'
import { readEnvelope } from '../../src/core/envelope/read.ts'
import { normalizedSigned } from '../../src/core/envelope/sign.ts'
import { signedBytesOf } from '../../src/core/envelope/signed-bytes.ts'
import type { Envelope } from '../../src/core/envelope/types.ts'
import { reportSignatures, verifyEnvelopeSignature } from '../../src/core/envelope/verify.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import { importPublicKey } from '../../src/core/keys/import.ts'
import type { PublicKey } from '../../src/core/keys/types.ts'
import { listFiles } from '../support/key-fixtures.ts'
import { documentGroups, documentsIn, fixtureName, flipped, sha256Hex } from '../support/fixtures.ts'

interface GoldenSignature {
  readonly keyid: string
  readonly reference: string
}

interface GoldenFile {
  readonly envelope: 'metablock' | 'dsse'
  readonly type: 'layout' | 'link'
  readonly sha256: string
  readonly length: number
  readonly pae_sha256?: string
  readonly signatures: readonly GoldenSignature[]
}

interface Golden {
  readonly files: Readonly<Record<string, GoldenFile>>
  readonly unloadable: Readonly<Record<string, string>>
}

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../../src/core/model/__fixtures__/signable-digests.json'), 'utf8')) as Golden

/** The clock the generator pinned for layouts without `expires` ("now + 1 month", local time). */
const GENERATOR_NOW = new Date(2030, 0, 31, 12, 34, 56)

function read(path: string): Envelope {
  return readEnvelope(readFileSync(path), fixtureName(path))
}

/** The keys the generator offered the reference: key files of the group and every layout's `keys`. */
function candidateKeys(group: string, envelopes: readonly Envelope[]): PublicKey[] {
  const keyGroup = basename(group) === 'demo_dsse_files' ? join(dirname(group), 'demo_files') : group
  const keys = new Map<string, PublicKey>()
  const files = [...filesEndingIn(join(keyGroup, 'keys'), '.json'), ...filesEndingIn(keyGroup, '.pub')]
  for (const file of files) {
    const key = importPublicKey(readFileSync(file, 'utf8'), { file })
    keys.set(key.keyid, key)
  }
  for (const envelope of envelopes) {
    if (envelope.content.type !== 'layout') continue
    for (const [dictKey, key] of envelope.content.layout.keys) {
      const keyid = key.keyid ?? dictKey
      if (!keys.has(keyid) && !key.gpg) keys.set(keyid, { keyid, keytype: key.keytype, scheme: key.scheme ?? '', public: key.public })
    }
  }
  return [...keys.values()]
}

function filesEndingIn(dir: string, suffix: string): string[] {
  return listFiles(dir, suffix).map((name) => join(dir, name))
}

function decodeSig(envelope: Envelope, sig: string): Uint8Array {
  return envelope.format === 'metablock' ? hexToBytes(sig) : base64ToBytes(sig)
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(GENERATOR_NOW)
})

afterAll(() => {
  vi.useRealTimers()
})

const groups = documentGroups()
const onDisk = groups.flatMap(documentsIn)

describe('the golden digests', () => {
  it('cover every layout and link on disk, and nothing else', () => {
    const named = onDisk.map(fixtureName).sort()
    expect(named.length).toBeGreaterThan(170)
    expect([...Object.keys(golden.files), ...Object.keys(golden.unloadable)].sort()).toEqual(named)
  })

  it('include metablock and DSSE layouts and links, sublayouts and reference-rejected signatures', () => {
    const entries = Object.entries(golden.files)
    const kinds = new Set(entries.map(([, file]) => `${file.envelope} ${file.type}`))
    expect([...kinds].sort()).toEqual(['dsse layout', 'dsse link', 'metablock layout', 'metablock link'])
    expect(entries.some(([name, file]) => file.type === 'layout' && name.includes('/links/'))).toBe(true)
    const statuses = entries.flatMap(([, file]) => file.signatures.map((signature) => signature.reference))
    expect(statuses.filter((status) => status === 'valid').length).toBeGreaterThan(150)
    expect(statuses.filter((status) => status === 'invalid').length).toBeGreaterThanOrEqual(4)
  })
})

for (const group of groups) {
  const documents = documentsIn(group)
  describe(fixtureName(group), () => {
    // Read under the pinned clock (after the file-level beforeAll), not at collection time.
    const loaded = new Map<string, Envelope>()
    beforeAll(() => {
      for (const path of documents) {
        const name = fixtureName(path)
        if (name in golden.unloadable) continue
        try {
          loaded.set(name, read(path))
        } catch {
          // Reported by the per-file test below.
        }
      }
    })
    let keyCache: PublicKey[] | undefined
    const keys = (): PublicKey[] => (keyCache ??= candidateKeys(group, [...loaded.values()]))

    for (const path of documents) {
      const name = fixtureName(path)
      const expected = golden.files[name]

      if (expected === undefined) {
        it(`${basename(path)}: the reference cannot load it (${golden.unloadable[name]}), nor can the core`, () => {
          let error: unknown
          try {
            read(path)
          } catch (caught) {
            error = caught
          }
          expect(error).toBeInstanceOf(CoreError)
          expect((error as CoreError).file).toBe(name)
          expect((error as CoreError).message).toContain(name)
        })
        continue
      }

      it(`${basename(path)}: re-encodes to the ${expected.length} bytes the reference signs`, () => {
        const envelope = read(path)
        expect(envelope.format).toBe(expected.envelope)
        expect(envelope.content.type).toBe(expected.type)
        const bytes = canonicalBytes(normalizedSigned(envelope.content))
        expect(bytes.length).toBe(expected.length)
        expect(sha256Hex(bytes)).toBe(expected.sha256)
        if (envelope.format === 'metablock') {
          expect(signedBytesOf(envelope)).toEqual(bytes)
        } else {
          expect(sha256Hex(signedBytesOf(envelope))).toBe(expected.pae_sha256)
        }
      })

      if (expected.signatures.length === 0) continue

      it(`${basename(path)}: gives each of its ${expected.signatures.length} signature(s) the reference's verdict`, async () => {
        const envelope = loaded.get(name)!
        const reports = await reportSignatures(envelope, keys())
        expect(reports.map((report) => ({ keyid: report.keyid, reference: report.status }))).toEqual(expected.signatures)
        // The verifier's path: the first signature with a key's keyid decides.
        for (const key of keys()) {
          const first = expected.signatures.find((signature) => signature.keyid === key.keyid)
          expect(await verifyEnvelopeSignature(envelope, key)).toBe(first === undefined ? 'missing' : first.reference)
        }
      })

      const valid = expected.signatures.filter((signature) => signature.reference === 'valid')
      if (valid.length === 0) continue

      it(`${basename(path)}: a flipped byte in the signed bytes or in a signature makes it fail`, async () => {
        const envelope = loaded.get(name)!
        const data = signedBytesOf(envelope)
        for (const { keyid } of valid) {
          const key = keys().find((candidate) => candidate.keyid === keyid)!
          const signature = decodeSig(envelope, envelope.signatures.find((candidate) => candidate.keyid === keyid)!.sig)
          expect(await verifySignature(key, signature, data)).toBe(true)
          for (const index of [0, data.length >> 1, data.length - 1]) {
            expect(await verifySignature(key, signature, flipped(data, index)), `data byte ${index}`).toBe(false)
          }
          expect(await verifySignature(key, flipped(signature, signature.length >> 1), data), 'signature byte').toBe(false)
          expect(await verifySignature(key, flipped(signature, signature.length - 1), data), 'last signature byte').toBe(false)
        }
      })
    }
  })
}
