/**
 * The Verify store's session lifecycle, with fake worker sessions: one session per set of
 * inputs, which the verification continues in; the result's session kept for traces and the
 * report file; everything else closed; late answers of closed sessions ignored.
 */
import { describe, expect, it } from 'vitest'
import type { BundleAnalysis } from '../../core/bundle/verify-bundle.ts'
import type { Progress } from '../../core/verify/verify.ts'
import type { PickedFile } from './collect.ts'
import type { CallResults, VerificationSummary, WorkerCall } from './protocol.ts'
import { createVerifyStore, type Session } from './verify-store.ts'
import { CancelledError } from './worker-client.ts'

interface PendingCall {
  readonly call: WorkerCall
  readonly onProgress?: (progress: Progress) => void
  resolve(value: unknown): void
  reject(error: Error): void
}

class FakeSession implements Session {
  readonly calls: PendingCall[] = []
  closed = false

  call<K extends WorkerCall['kind']>(call: Extract<WorkerCall, { kind: K }>, onProgress?: (progress: Progress) => void): Promise<CallResults[K]> {
    if (this.closed) return Promise.reject(new CancelledError())
    return new Promise((resolve, reject) => this.calls.push({ call, onProgress, resolve: resolve as (value: unknown) => void, reject }))
  }

  close(): void {
    this.closed = true
    for (const call of this.calls.splice(0)) call.reject(new CancelledError())
  }

  /** Answers the oldest pending call of `kind`. */
  answer(kind: WorkerCall['kind'], value: unknown): void {
    const at = this.calls.findIndex((pending) => pending.call.kind === kind)
    const [pending] = this.calls.splice(at, 1)
    if (at < 0 || pending === undefined) throw new Error(`no pending ${kind} call`)
    pending.resolve(value)
  }

  pending(kind: WorkerCall['kind']): PendingCall | undefined {
    return this.calls.find((call) => call.call.kind === kind)
  }
}

const file = (path: string, text = '{}'): PickedFile => ({ path, file: new File([text], path) })
const ANALYSIS = { keys: [], triage: { entries: [], steps: [] }, refusals: [], notes: [], products: [] } as unknown as BundleAnalysis
const SUMMARY = { analysis: ANALYSIS, report: { verdict: 'pass' } } as unknown as VerificationSummary
/** Lets promise callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

function setup() {
  const sessions: FakeSession[] = []
  const downloads: string[] = []
  const store = createVerifyStore({
    openSession: () => {
      const session = new FakeSession()
      sessions.push(session)
      return session
    },
    editorEnvelope: () => undefined,
    download: (name) => downloads.push(name),
    now: () => 0,
  })
  return { store, sessions, downloads, state: () => store.getState() }
}

describe('the Verify store', () => {
  it('triages every change in a new session and closes the one before', async () => {
    const { sessions, state } = setup()
    state().addFiles('layout', [file('root.layout')])
    state().addFiles('ownerKeys', [file('owner.pub')])
    expect(sessions).toHaveLength(2)
    expect(sessions[0]?.closed).toBe(true)
    expect(state().analyzing).toBe(true)
    sessions[1]?.answer('analyze', ANALYSIS)
    await settle()
    expect(state()).toMatchObject({ analyzing: false, analysis: ANALYSIS })
  })

  it('verifies in the session that triaged the inputs, and keeps it for the traces and the report', async () => {
    const { sessions, downloads, state } = setup()
    state().addFiles('layout', [file('root.layout')])
    state().addFiles('ownerKeys', [file('owner.pub')])
    state().verify()
    expect(sessions).toHaveLength(2)
    const session = sessions[1] as FakeSession
    session.pending('verify')?.onProgress?.({ phase: 'links', depth: 0 })
    expect(state().run).toMatchObject({ status: 'running', progress: { phase: 'links' } })
    session.answer('verify', SUMMARY)
    await settle()
    expect(state().run).toMatchObject({ status: 'done', result: SUMMARY, layoutName: 'root.layout' })
    state().select('build')
    expect(state().trace).toEqual({ item: 'build', status: 'loading' })
    session.answer('trace', { matches: {} })
    await settle()
    expect(state().trace).toEqual({ item: 'build', status: 'ready', trace: { matches: {} } })
    state().downloadReport()
    session.answer('report-file', new Blob(['{}']))
    await settle()
    expect(downloads).toEqual(['verification-report.json'])
    expect(session.closed).toBe(false)
    // New inputs: the result is no longer shown, and its session is closed.
    state().addFiles('links', [file('build.12345678.link')])
    expect(session.closed).toBe(true)
    expect(state().run).toEqual({ status: 'idle' })
  })

  it('cancels by closing the session, and ignores what a closed session would still say', async () => {
    const { sessions, state } = setup()
    state().addFiles('layout', [file('root.layout')])
    state().addFiles('ownerKeys', [file('owner.pub')])
    state().verify()
    const session = sessions[1] as FakeSession
    state().cancel()
    expect(session.closed).toBe(true)
    await settle()
    expect(state()).toMatchObject({ run: { status: 'cancelled' }, analyzing: false })
    expect(() => session.answer('verify', SUMMARY)).toThrow(/no pending/)
  })

  it('lets a running verification finish while the inputs change, without the new triage being overwritten', async () => {
    const { sessions, state } = setup()
    state().addFiles('layout', [file('root.layout')])
    state().addFiles('ownerKeys', [file('owner.pub')])
    state().verify()
    const running = sessions[1] as FakeSession
    state().addFiles('products', [file('foo.tar.gz')])
    const triaging = sessions[2] as FakeSession
    expect(running.closed).toBe(false)
    triaging.answer('analyze', { ...ANALYSIS, notes: ['new'] })
    running.answer('verify', SUMMARY)
    await settle()
    expect(state().run.status).toBe('done')
    expect(state().analysis?.notes).toEqual(['new'])
  })

  it('says what is missing instead of verifying', () => {
    const { sessions, state } = setup()
    state().verify()
    expect(state().run).toMatchObject({ status: 'failed', message: expect.stringMatching(/signed layout/) })
    state().addFiles('layout', [file('root.layout')])
    state().verify()
    expect(state().run).toMatchObject({ status: 'failed', message: expect.stringMatching(/owner's public key/) })
    state().setUseEditorLayout(true)
    state().verify()
    expect(state().run).toMatchObject({ status: 'failed', message: expect.stringMatching(/not signed/) })
    expect(sessions.every((session) => session.pending('verify') === undefined)).toBe(true)
  })
})
