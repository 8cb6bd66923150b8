/**
 * A bundle session reads what it was given once: the link and product files once per set of
 * them, the layout once per version of it, and keeps the last verification; what changes is
 * read again. Its results are those of a fresh session (verify-bundle.test.ts checks those
 * against the reference vectors).
 */
import { describe, expect, it } from 'vitest'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import type { BundleInput } from './assemble.ts'
import { BundleSession } from './session.ts'
import { verifyBundle } from './verify-bundle.ts'

const NOW = new Date('2030-01-01T00:00:00Z')

/** The vector's request with every link and product file counting its reads. */
function counted(name: string) {
  const request = { ...vectorRequest(name), now: NOW }
  const reads = new Map<string, number>()
  const count = (input: BundleInput): BundleInput => ({
    ...input,
    read: () => {
      reads.set(input.path, (reads.get(input.path) ?? 0) + 1)
      return input.read()
    },
  })
  return { request: { ...request, links: request.links.map(count), products: request.products.map(count) }, reads }
}

const withoutTimings = <T extends { report?: { timings: unknown } }>(result: T) => ({ ...result, report: result.report && { ...result.report, timings: {} } })

describe('a bundle session', () => {
  it('reads the files once for the triage and the verifications after it', async () => {
    const { request, reads } = counted('sublayout-with-inspection')
    const session = new BundleSession()
    const analysis = await session.analyze(request)
    expect(reads.size).toBeGreaterThan(1)
    const first = await session.verify(request)
    const second = await session.verify(request)
    expect([...reads.values()].every((n) => n === 1)).toBe(true)
    expect(first.analysis).toEqual(analysis)
    expect(withoutTimings(second)).toEqual(withoutTimings(first))
    expect(withoutTimings(first)).toEqual(withoutTimings(await verifyBundle({ ...vectorRequest('sublayout-with-inspection'), now: NOW })))
  })

  it('parses the layout once per version of it, and again when it changes', async () => {
    const { request } = counted('keys-owner-rsa-func-rsa')
    const session = new BundleSession()
    await session.analyze(request)
    const layout = session.layout
    expect(layout?.steps.length).toBeGreaterThan(0)
    // The same bytes in a new array (the worker reads the chosen file again for every call).
    await session.verify({ ...request, layout: request.layout && { ...request.layout, bytes: new Uint8Array(request.layout.bytes) } })
    expect(session.layout).toBe(layout)
    const other = vectorRequest('expired-layout').layout
    await session.analyze({ ...request, layout: other })
    expect(session.layout).not.toBe(layout)
    expect(session.layout?.expires).toBe('2001-01-01T00:00:00Z')
  })

  it('keeps the last verification, and forgets it when a new one starts', async () => {
    const { request } = counted('keys-owner-rsa-func-rsa')
    const session = new BundleSession()
    expect(session.last).toBeUndefined()
    const result = await session.verify(request)
    expect(session.last?.report).toBe(result.report)
    expect(session.last?.usedLinks).toBe(result.usedLinks)
    expect(session.last?.layout).toBe(session.layout)
    const without = await session.verify({ ...request, ownerKeys: [] })
    expect(without.report).toBeUndefined()
    expect(session.last).toBeUndefined()
  })

  it('reads the files again when they change', async () => {
    const { request, reads } = counted('keys-owner-rsa-func-rsa')
    const session = new BundleSession()
    await session.analyze(request)
    const before = reads.size
    const analysis = await session.analyze({ ...request, links: request.links.slice(1) })
    expect(analysis.triage.entries.length).toBe(request.links.length - 1)
    expect([...reads.values()].some((n) => n === 2)).toBe(true)
    expect(reads.size).toBe(before)
  })
})
