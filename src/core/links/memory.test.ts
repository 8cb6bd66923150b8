/**
 * Links that reuse classification's envelopes (classifiedLinks) must be invisible: the same
 * results as links read afresh (memoryLinks), file by file, and the same reports, on every
 * reference vector (hostile and malformed links included).
 */
import { describe, expect, it } from 'vitest'
import { loadVectors } from '../../../test/support/vectors.ts'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import { readBundleFiles } from '../bundle/verify-bundle.ts'
import { readEnvelope } from '../envelope/read.ts'
import type { Envelope } from '../envelope/types.ts'
import { importPublicKey } from '../keys/import.ts'
import type { VerificationKey } from '../keys/types.ts'
import { verifyLayoutFile } from '../verify/verify.ts'
import { toVerificationKey } from '../verify/verification-key.ts'
import { classifiedLinks, memoryLinks } from './memory.ts'
import type { LinkRequest, LinkResult } from './types.ts'

const NOW = new Date('2025-06-01T00:00:00Z')

async function classifiedBundle(name: string) {
  const request = vectorRequest(name)
  const files = await readBundleFiles(request.links, [])
  const linkFiles = [...files.links.files.values()]
  const classified = classifiedLinks(linkFiles.map((file, index) => ({ path: file.path, bytes: file.bytes, envelope: files.classified[index]?.envelope })))
  const plain = memoryLinks(linkFiles.map((file) => [file.path, file.bytes] as const))
  return { request, files, classified, plain }
}

/** Keys to check signatures with: the owner keys, and every usable key of the root layout and of sublayouts. */
function keysOf(request: ReturnType<typeof vectorRequest>, layouts: readonly (Envelope | undefined)[]): VerificationKey[] {
  const keys: VerificationKey[] = []
  for (const file of request.ownerKeys) {
    try {
      keys.push(importPublicKey(new TextDecoder().decode(file.bytes), { file: file.path }))
    } catch {
      // an unreadable owner key is the vector's point
    }
  }
  for (const envelope of layouts) {
    if (envelope?.content.type !== 'layout') continue
    for (const key of envelope.content.layout.keys.values()) {
      try {
        keys.push(toVerificationKey(key, 'in the layout'))
      } catch {
        // a malformed layout key is the vector's point
      }
    }
  }
  return keys
}

describe('classifiedLinks', () => {
  for (const vector of loadVectors()) {
    it(`${vector.name}: decodes every file as links read afresh do`, async () => {
      const { request, files, classified, plain } = await classifiedBundle(vector.name)
      const root = request.layout ? readEnvelope(request.layout.bytes, request.layout.path) : undefined
      const keys = keysOf(request, [root, ...files.classified.map((file) => file.envelope)])
      expect(keys.length).toBeGreaterThan(0)
      const paths = [...files.links.files.keys()]
      const requests: LinkRequest[] = [
        ...paths.flatMap((path) => [{ path }, ...keys.map((key) => ({ path, key }))]),
        ...paths.slice(0, 1).map((path) => ({ path: `./${path}`, key: keys[0] })),
        { path: 'no-such.link', key: keys[0] },
      ]
      const told: LinkResult[] = []
      const results = await classified.load(requests, { onResult: (index, result) => (told[index] = result) })
      expect(results).toEqual(await plain.load(requests))
      // Each result is told to the listener (early rule evaluation), as the same object.
      expect(told.length).toBe(results.length)
      results.forEach((result, index) => expect(told[index]).toBe(result))
    })

    it(`${vector.name}: verifies to the same report`, async () => {
      const { request, classified, plain } = await classifiedBundle(vector.name)
      if (!request.layout) throw new Error('a vector has a layout')
      const layoutKeys = request.ownerKeys.flatMap((file) => {
        try {
          return [importPublicKey(new TextDecoder().decode(file.bytes), { file: file.path })]
        } catch {
          return []
        }
      })
      const options = { layoutKeys, parameters: request.parameters, now: NOW }
      const afresh = await verifyLayoutFile(request.layout.bytes, request.layout.path, { ...options, links: plain })
      const reused = await verifyLayoutFile(request.layout.bytes, request.layout.path, { ...options, links: classified })
      expect({ ...reused, timings: undefined }).toEqual({ ...afresh, timings: undefined })
    })
  }
})
