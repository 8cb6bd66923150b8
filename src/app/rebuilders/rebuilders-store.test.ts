import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { parsePolicy } from '../../core/rebuilders/policy.ts'
import type { PickedFile } from '../verify/collect.ts'
import type { CheckRequest, CheckSummary } from './check-protocol.ts'
import { CancelledCheck, type Checker } from './checker.ts'
import { createRebuildersStore, type PolicyStorage } from './rebuilders-store.ts'

const DEBIAN = readFileSync(join(FIXTURES, 'rebuilderd/reproduce-debian-net-amd64.pub'), 'utf8')
const ARCH = readFileSync(join(FIXTURES, 'rebuilderd/reproducible-archlinux.pub'), 'utf8')

function memoryStorage(initial?: string): PolicyStorage & { text: string | undefined } {
  const storage = {
    text: initial,
    read: () => storage.text,
    write: (text: string) => {
      storage.text = text
    },
  }
  return storage
}

/** A checker whose checks the test resolves by hand, in any order. */
function manualChecker() {
  const calls: { request: CheckRequest; resolve(summary: CheckSummary): void; reject(error: Error): void }[] = []
  let cancels = 0
  const checker: Checker = {
    check: (request) => new Promise((resolve, reject) => calls.push({ request, resolve, reject })),
    cancel: () => {
      cancels++
    },
  }
  return { checker, calls, cancels: () => cancels }
}

const summary = (sentence: string): CheckSummary => ({
  packages: [{ sentence } as CheckSummary['packages'][number]],
  otherAttestations: [],
  attestationCount: 0,
  unreadable: [],
  refusals: [],
})
const picked = (path: string): PickedFile => ({ path, file: new File(['x'], path) })
const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await flush()
}

describe('the Rebuilders store', () => {
  it('builds a policy: a name given twice is one operator; a bad key is a problem that changes nothing', async () => {
    const storage = memoryStorage()
    const store = createRebuildersStore({ storage, checker: manualChecker().checker })
    expect(await store.getState().addKeys('debian', DEBIAN, 'amd64.pub', 'amd64')).toBe(true)
    expect(await store.getState().addKeys('debian', ARCH, 'arm64.pub', 'arm64')).toBe(true)
    expect(store.getState().policy.rebuilders.map((r) => [r.name, r.keys.map((k) => k.label)])).toEqual([['debian', ['amd64', 'arm64']]])
    expect(store.getState().status).toBe("Added debian's key from arm64.pub.")
    expect(await store.getState().addKeys('other', 'not a key', 'pasted')).toBe(false)
    expect(store.getState().problem).toMatch(/^pasted: not a recognized public key/)
    expect(store.getState().policy.rebuilders).toHaveLength(1)
    store.getState().setThreshold(2)
    // Remembered: a new page starts with the same policy, once it has read it.
    const again = createRebuildersStore({ storage, checker: manualChecker().checker })
    expect(again.getState().loaded).toBe(false)
    await until(() => again.getState().loaded)
    expect(again.getState().policy.threshold).toBe(2)
    expect(again.getState().policy.rebuilders[0]?.keys).toHaveLength(2)
  })

  it('a damaged remembered policy starts empty; a policy file that cannot be read leaves the policy as it was', async () => {
    const store = createRebuildersStore({ storage: memoryStorage('{"type": "layout-studio/rebuilder-policy", "version": 9}'), checker: manualChecker().checker })
    await until(() => store.getState().loaded)
    expect(store.getState().policy.rebuilders).toEqual([])
    await store.getState().addKeys('a', DEBIAN, 'a.pub')
    expect(await store.getState().loadPolicy('{"type": "something else"}', 'x.json')).toBe(false)
    expect(store.getState().problem).toMatch(/^x\.json: rebuilder policy: type: must be "layout-studio\/rebuilder-policy"/)
    expect(store.getState().policy.rebuilders.map((r) => r.name)).toEqual(['a'])
  })

  it('saves the file the CLI reads, and loads it back', async () => {
    const store = createRebuildersStore({ storage: memoryStorage(), checker: manualChecker().checker })
    await store.getState().addKeys('debian', DEBIAN, 'amd64.pub')
    store.getState().setQuorum(true)
    const text = store.getState().savePolicy('mine.json')
    expect(store.getState().policyFile).toBe('mine.json')
    expect((await parsePolicy(text)).quorum).toBe(true)
    store.getState().newPolicy()
    expect(store.getState().policy.rebuilders).toEqual([])
    expect(await store.getState().loadPolicy(text, 'mine.json')).toBe(true)
    expect(store.getState().policy.rebuilders[0]?.name).toBe('debian')
  })

  it('checks again after every change; only the latest check is shown', async () => {
    const { checker, calls, cancels } = manualChecker()
    const store = createRebuildersStore({ storage: memoryStorage(), checker })
    store.getState().addPackages([picked('a.deb')])
    // No rebuilder yet: nothing to check.
    expect([calls.length, store.getState().check.status]).toEqual([0, 'idle'])
    expect(cancels()).toBeGreaterThan(0)
    await store.getState().addKeys('debian', DEBIAN, 'amd64.pub')
    store.getState().addAttestations([picked('x.link')])
    expect(calls.map((call) => call.request.attestations.map((file) => file.path))).toEqual([[], ['x.link']])
    expect((await parsePolicy(calls[1]?.request.policy ?? '')).rebuilders[0]?.name).toBe('debian')
    calls[1]?.resolve(summary('latest'))
    calls[0]?.resolve(summary('stale'))
    await flush()
    const check = store.getState().check
    expect(check.status === 'done' && check.summary.packages[0]?.sentence).toBe('latest')
    // A cancelled check shows nothing; a failed one says why.
    store.getState().removeAttestation('x.link')
    calls[2]?.reject(new CancelledCheck())
    await flush()
    expect(store.getState().check.status).toBe('checking')
    store.getState().setThreshold(1)
    calls[3]?.reject(new Error('the worker failed'))
    await flush()
    expect(store.getState().check).toEqual({ status: 'failed', message: 'the worker failed' })
  })
})
