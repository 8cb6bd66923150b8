import { describe, expect, it } from 'vitest'
import type { CallResults, SimulationSummary, WorkerCall } from '../verify/protocol.ts'
import { createTamperStore, describeEdit, type TamperDeps } from './tamper-store.ts'

const failing: SimulationSummary = {
  outcome: 'fail',
  failure: { stage: 'artifact-rule', errorType: 'RuleVerificationError', message: "Step 'package' …", step: 'package' },
  steps: [],
  inspections: [],
  unreached: [],
}

type Call = Extract<WorkerCall, { kind: 'simulate' | 'simulation-trace' | 'tamper-artifacts' }>

function fakeDeps() {
  const calls: Call[] = []
  const pending: { call: Call; resolve(value: unknown): void; reject(error: Error): void }[] = []
  const deps: TamperDeps = {
    call: <K extends Call['kind']>(call: Extract<Call, { kind: K }>) =>
      new Promise<CallResults[K]>((resolve, reject) => {
        calls.push(call)
        pending.push({ call, resolve: resolve as (value: unknown) => void, reject })
      }),
    sha256: async (file) => `${(await file.text()).length}`.padStart(64, '0'),
  }
  /** Answers the oldest pending call of `kind`. */
  const answer = (kind: Call['kind'], value: unknown) => {
    const at = pending.findIndex((entry) => entry.call.kind === kind)
    const [entry] = pending.splice(at, 1)
    entry?.resolve(value)
  }
  return { deps, calls, answer, pending }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))
const digest = 'ab'.repeat(32)

describe('tamper store', () => {
  it('lists the artifacts of the chosen target, filtered', async () => {
    const fake = fakeDeps()
    const store = createTamperStore(fake.deps)
    store.getState().setTarget({ kind: 'link', item: 'build', list: 'products' })
    expect(store.getState().artifacts).toEqual({ status: 'loading' })
    store.getState().setFilter('src/')
    expect(fake.calls.map((call) => call.kind === 'tamper-artifacts' && call.filter)).toEqual(['', 'src/'])
    // The first answer comes last and is ignored: only the newest listing counts.
    fake.answer('tamper-artifacts', { total: 2, matching: 2, entries: [] })
    await flush()
    expect(store.getState().artifacts).toEqual({ status: 'loading' })
    fake.answer('tamper-artifacts', { total: 2, matching: 1, entries: [['src/a', [['sha256', digest]]]] })
    await flush()
    expect(store.getState().artifacts).toMatchObject({ status: 'ready', page: { matching: 1 } })
  })

  it('simulates after every edit, shows the newest result only, and opens the failing item’s trace', async () => {
    const fake = fakeDeps()
    const store = createTamperStore(fake.deps)
    const { editLink } = store.getState()
    editLink({ on: 'link', action: 'remove', item: 'build', list: 'products', path: 'a' })
    editLink({ on: 'link', action: 'change', item: 'build', list: 'products', path: 'b', hashes: new Map([['sha256', digest]]) })
    expect(store.getState().run).toEqual({ status: 'running' })
    const simulated = fake.calls.filter((call) => call.kind === 'simulate')
    expect(simulated.map((call) => call.kind === 'simulate' && call.edits.length)).toEqual([1, 2])
    fake.answer('simulate', { ...failing, outcome: 'pass', failure: undefined })
    await flush()
    expect(store.getState().run).toEqual({ status: 'running' })
    fake.answer('simulate', failing)
    await flush()
    expect(store.getState().run).toEqual({ status: 'done', summary: failing })
    expect(store.getState().trace).toEqual({ item: 'package', status: 'loading' })
    fake.answer('simulation-trace', { matches: {} })
    await flush()
    expect(store.getState().trace).toEqual({ item: 'package', status: 'ready', trace: { matches: {} } })
  })

  it('undoes one edit, resets all, and refuses a digest that is not hex without running', async () => {
    const fake = fakeDeps()
    const store = createTamperStore(fake.deps)
    const { editLink } = store.getState()
    editLink({ on: 'link', action: 'remove', item: 'build', list: 'products', path: 'a' })
    editLink({ on: 'link', action: 'remove', item: 'build', list: 'products', path: 'b' })
    store.getState().undo(0)
    expect(store.getState().edits.map((entry) => entry.edit.path)).toEqual(['b'])
    const before = fake.calls.length
    editLink({ on: 'link', action: 'add', item: 'build', list: 'products', path: 'c', hashes: new Map([['sha256', 'xyz']]) })
    expect(store.getState().problem).toMatch(/^The sha256 digest must be hexadecimal/)
    expect(fake.calls.length).toBe(before)
    store.getState().reset()
    expect(store.getState()).toMatchObject({ edits: [], run: { status: 'idle' }, problem: undefined })
  })

  it('hashes a replacement product file before adding its edit, and says what it changes', async () => {
    const fake = fakeDeps()
    const store = createTamperStore(fake.deps)
    store.getState().setTarget({ kind: 'products' })
    fake.answer('tamper-artifacts', { total: 1, matching: 1, entries: [['foo.tar.gz', [['sha256', '5'.padStart(64, '0')]]]] })
    await flush()
    store.getState().putProduct('change', 'foo.tar.gz', new Blob(['12345']), 'copy.tar.gz')
    expect(store.getState().hashing).toBe('foo.tar.gz')
    await flush()
    const [entry] = store.getState().edits
    expect(store.getState().hashing).toBeUndefined()
    expect(entry?.edit).toMatchObject({ on: 'products', action: 'change', path: 'foo.tar.gz' })
    expect(describeEdit(entry!)).toBe('Replaced the product file foo.tar.gz with copy.tar.gz (sha256 0000000000000000…): the same content')
    expect(fake.calls.at(-1)?.kind).toBe('simulate')
  })

  it('forgets everything when another verification is on display', async () => {
    const fake = fakeDeps()
    const store = createTamperStore(fake.deps)
    store.getState().setTarget({ kind: 'products' })
    store.getState().removeProduct('foo.tar.gz')
    store.getState().clear()
    fake.answer('simulate', failing)
    fake.answer('tamper-artifacts', { total: 0, matching: 0, entries: [] })
    await flush()
    expect(store.getState()).toMatchObject({ target: undefined, edits: [], run: { status: 'idle' }, artifacts: undefined })
  })
})
