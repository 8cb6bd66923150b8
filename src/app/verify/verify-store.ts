/**
 * The Verify panel's state: what was dropped in each zone, the triage of it, and the running
 * or finished verification, with the lifecycle of the worker sessions that do the work
 * (worker-client.ts): one session per set of inputs, which triages them and, when the person
 * verifies, verifies them from what it read; the session of the result on display stays open
 * for its rule traces and report file, and every other one is closed as soon as nothing needs
 * it. A vanilla store with its dependencies injected (like keyring-store.ts), so tests drive it
 * with fake sessions; `useVerifyStore` is the page's instance.
 */
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { BundleAnalysis } from '../../core/bundle/verify-bundle.ts'
import { serializeEnvelope } from '../../core/envelope/sign.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import type { Progress } from '../../core/verify/verify.ts'
import { downloadBlob } from '../shared/download.ts'
import { errorMessage } from '../shared/error-message.ts'
import { useDocumentStore } from '../state/document-store.ts'
import type { PickedFile } from './collect.ts'
import { cliCommand, parseParameters } from './present.ts'
import type { CallResults, ItemTrace, VerificationSummary, WorkerCall, WorkerInputs } from './protocol.ts'
import { CancelledError, VerifySession } from './worker-client.ts'

export type Zone = 'layout' | 'ownerKeys' | 'links' | 'products'

export type RunState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly progress?: Progress; readonly startedAt: number }
  | { readonly status: 'done'; readonly result: VerificationSummary; readonly layoutBytes: Uint8Array; readonly layoutName: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string }

/** The rule trace of the selected step or inspection, which the worker sends on request. */
export type TraceState =
  | { readonly item: string; readonly status: 'loading' }
  | { readonly item: string; readonly status: 'ready'; readonly trace: ItemTrace }
  | { readonly item: string; readonly status: 'failed'; readonly message: string }

export interface VerifyState {
  files: Record<Zone, readonly PickedFile[]>
  useEditorLayout: boolean
  parameters: string
  analysis: BundleAnalysis | undefined
  analyzing: boolean
  run: RunState
  selected: string | undefined
  trace: TraceState | undefined
  /** Why the report could not be downloaded. */
  downloadProblem: string | undefined
  addFiles(zone: Zone, files: readonly PickedFile[]): void
  removeFile(zone: Zone, path: string): void
  clearZone(zone: Zone): void
  setUseEditorLayout(use: boolean): void
  setParameters(text: string): void
  verify(): void
  cancel(): void
  select(name: string | undefined): void
  downloadReport(): void
  /** The products of the link a root-level step was verified with, in the verification on display. */
  linkProducts(item: string): Promise<CallResults['link-products']>
  /** Calls about the verification on display (tamper simulation: its edits, traces and artifacts). */
  resultCall<K extends 'simulate' | 'simulation-trace' | 'tamper-artifacts'>(call: Extract<WorkerCall, { kind: K }>): Promise<CallResults[K]>
}

const EDITOR_LAYOUT_NAME = 'editor.layout'

/** A worker session as the store uses it (worker-client.ts `VerifySession`; a fake in tests). */
export interface Session {
  call<K extends WorkerCall['kind']>(call: Extract<WorkerCall, { kind: K }>, onProgress?: (progress: Progress) => void): Promise<CallResults[K]>
  /** Stops it at once; its pending calls reject with `CancelledError`. */
  close(): void
}

export interface VerifyDependencies {
  /** Starts a worker session. */
  readonly openSession: () => Session
  /** The signed layout open in the editor, if it is signed. */
  readonly editorEnvelope: () => Envelope | undefined
  readonly download: (fileName: string, file: Blob) => void
  /** A monotonic clock in milliseconds (when a run started). */
  readonly now: () => number
}

export type VerifyStore = StoreApi<VerifyState>

/** The worker inputs for the current state, or a reason why there are none. */
function buildInputs(state: VerifyState, editorEnvelope: () => Envelope | undefined): WorkerInputs | string {
  let layout: WorkerInputs['layout']
  if (state.useEditorLayout) {
    const envelope = editorEnvelope()
    if (!envelope) return 'The layout open in the editor is not signed: sign it in the Keys workspace, or drop a signed layout.'
    layout = { path: EDITOR_LAYOUT_NAME, file: new Blob([serializeEnvelope(envelope)]) }
  } else if (state.files.layout[0]) {
    layout = { path: state.files.layout[0].path, file: state.files.layout[0].file }
  }
  let parameters: [string, string][] | undefined
  try {
    parameters = parseParameters(state.parameters)
  } catch (error) {
    return `Substitution parameters: ${(error as Error).message}`
  }
  const toWorker = (files: readonly PickedFile[]) => files.map((file) => ({ path: file.path, file: file.file }))
  return {
    layout,
    ownerKeys: toWorker(state.files.ownerKeys),
    links: toWorker(state.files.links),
    products: toWorker(state.files.products),
    parameters: parameters.length > 0 ? parameters : undefined,
    notRunHint: `to run it, put the product files, the layout and the owner keys in one folder, the links in links/, and run there: ${cliCommand(
      layout?.path ?? 'root.layout',
      state.files.ownerKeys.map((file) => file.path),
    )}`,
  }
}

export function createVerifyStore(deps: VerifyDependencies): VerifyStore {
  /** Triages the current inputs; a verification of the same inputs continues from what it read. */
  let inputsSession: Session | undefined
  /** Ran (or runs) the verification on display, and holds its full report. */
  let resultSession: Session | undefined
  /** Closes a session neither the inputs nor the result on display need any more. */
  const retire = (session: Session | undefined) => {
    if (session && session !== inputsSession && session !== resultSession) session.close()
  }
  return createStore<VerifyState>()((set, get) => {
    /** Re-triages after every change, in a new session; only the latest analysis counts. */
    const analyze = () => {
      const previous = inputsSession
      inputsSession = undefined
      retire(previous)
      const inputs = buildInputs(get(), deps.editorEnvelope)
      if (typeof inputs === 'string') {
        set({ analyzing: false })
        return
      }
      set({ analyzing: true })
      const session = deps.openSession()
      inputsSession = session
      session.call({ kind: 'analyze', inputs }).then(
        (analysis) => {
          if (inputsSession === session) set({ analysis, analyzing: false })
        },
        (error: unknown) => {
          if (inputsSession === session && !(error instanceof CancelledError)) set({ analyzing: false, run: { status: 'failed', message: errorMessage(error) } })
        },
      )
    }
    const changeInputs = (patch: Partial<VerifyState>) => {
      // A running verification goes on with the inputs it started with; a finished one is no longer shown.
      if (get().run.status === 'running') set(patch)
      else {
        set({ ...patch, run: { status: 'idle' }, selected: undefined, trace: undefined, downloadProblem: undefined })
        const previous = resultSession
        resultSession = undefined
        retire(previous)
      }
      analyze()
    }
    return {
      files: { layout: [], ownerKeys: [], links: [], products: [] },
      useEditorLayout: false,
      parameters: '',
      analysis: undefined,
      analyzing: false,
      run: { status: 'idle' },
      selected: undefined,
      trace: undefined,
      downloadProblem: undefined,
      addFiles: (zone, added) => {
        const files = get().files
        if (zone === 'layout') {
          changeInputs({ files: { ...files, layout: added.slice(0, 1) }, useEditorLayout: false })
          return
        }
        const paths = new Set(added.map((file) => file.path))
        changeInputs({ files: { ...files, [zone]: [...files[zone].filter((file) => !paths.has(file.path)), ...added] } })
      },
      removeFile: (zone, path) => changeInputs({ files: { ...get().files, [zone]: get().files[zone].filter((file) => file.path !== path) } }),
      clearZone: (zone) => changeInputs({ files: { ...get().files, [zone]: [] } }),
      setUseEditorLayout: (use) => changeInputs({ useEditorLayout: use }),
      setParameters: (text) => changeInputs({ parameters: text }),
      verify: () => {
        if (get().run.status === 'running') return
        const inputs = buildInputs(get(), deps.editorEnvelope)
        if (typeof inputs === 'string') {
          set({ run: { status: 'failed', message: inputs } })
          return
        }
        if (!inputs.layout) {
          set({ run: { status: 'failed', message: 'Choose a signed layout first (or use the one open in the editor).' } })
          return
        }
        if (inputs.ownerKeys.length === 0) {
          set({ run: { status: 'failed', message: "Add the layout owner's public key(s): the layout's signatures are checked against them." } })
          return
        }
        const layoutFile = inputs.layout
        // The session that triaged these inputs has read the files already.
        const session = inputsSession ?? deps.openSession()
        inputsSession = session
        const previous = resultSession
        resultSession = session
        retire(previous)
        set({ run: { status: 'running', startedAt: deps.now() }, selected: undefined, trace: undefined, downloadProblem: undefined })
        const onProgress = (progress: Progress) => {
          const run = get().run
          if (resultSession === session && run.status === 'running') set({ run: { ...run, progress } })
        }
        session.call({ kind: 'verify', inputs }, onProgress).then(
          async (result) => {
            if (resultSession !== session) return
            const layoutBytes = new Uint8Array(await layoutFile.file.arrayBuffer())
            if (resultSession !== session) return
            // The triage of the verification, unless the inputs changed while it ran.
            set({ run: { status: 'done', result, layoutBytes, layoutName: layoutFile.path }, ...(inputsSession === session ? { analysis: result.analysis } : {}) })
          },
          (error: unknown) => {
            if (resultSession !== session) return
            set({ run: error instanceof CancelledError ? { status: 'cancelled' } : { status: 'failed', message: errorMessage(error) } })
          },
        )
      },
      cancel: () => {
        const session = resultSession
        if (!session || get().run.status !== 'running') return
        resultSession = undefined
        // The session may still be triaging the same inputs: that stops too.
        const triaging = inputsSession === session
        if (triaging) inputsSession = undefined
        session.close()
        set({ run: { status: 'cancelled' }, ...(triaging ? { analyzing: false } : {}) })
      },
      select: (selected) => {
        const session = resultSession
        if (selected === undefined || !session || get().run.status !== 'done') {
          set({ selected, trace: undefined })
          return
        }
        set({ selected, trace: { item: selected, status: 'loading' } })
        const current = () => resultSession === session && get().selected === selected
        session.call({ kind: 'trace', item: selected }).then(
          (trace) => {
            if (current()) set({ trace: { item: selected, status: 'ready', trace } })
          },
          (error: unknown) => {
            if (current() && !(error instanceof CancelledError)) set({ trace: { item: selected, status: 'failed', message: errorMessage(error) } })
          },
        )
      },
      linkProducts: (item) => {
        const session = resultSession
        if (!session || get().run.status !== 'done') return Promise.reject(new Error('verify the bundle first: its links are read by the verification'))
        return session.call({ kind: 'link-products', item })
      },
      resultCall: (call) => {
        const session = resultSession
        if (!session || get().run.status !== 'done') return Promise.reject(new Error('verify the bundle first: the simulation runs over its links'))
        return session.call(call)
      },
      downloadReport: () => {
        const session = resultSession
        if (!session || get().run.status !== 'done') return
        set({ downloadProblem: undefined })
        session.call({ kind: 'report-file' }).then(
          (file) => deps.download('verification-report.json', file),
          (error: unknown) => {
            if (resultSession === session && !(error instanceof CancelledError)) set({ downloadProblem: errorMessage(error) })
          },
        )
      },
    }
  })
}

/** The page's Verify store: worker sessions, the editor's signed layout, browser downloads. */
export const verifyStore = createVerifyStore({
  openSession: () => new VerifySession(),
  editorEnvelope: () => useDocumentStore.getState().envelope,
  download: downloadBlob,
  now: () => performance.now(),
})

/** The React hook over {@link verifyStore}, with its `getState` and `subscribe`. */
export const useVerifyStore = Object.assign(<T>(selector: (state: VerifyState) => T): T => useStore(verifyStore, selector), verifyStore)
