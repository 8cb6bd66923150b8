/**
 * The Verify panel's state: what was dropped in each zone, the triage of it, and the running
 * or finished verification. Work happens in workers; this store only keeps results.
 */
import { create } from 'zustand'
import type { BundleAnalysis, BundleVerification } from '../../core/bundle/verify-bundle.ts'
import { serializeEnvelope } from '../../core/envelope/sign.ts'
import type { Progress } from '../../core/verify/verify.ts'
import { useDocumentStore } from '../state/document-store.ts'
import type { PickedFile } from './collect.ts'
import { cliCommand, parseParameters } from './present.ts'
import type { WorkerRequest } from './protocol.ts'
import { CancelledError, startWorkerJob, type WorkerJob } from './worker-client.ts'

export type Zone = 'layout' | 'ownerKeys' | 'links' | 'products'

export type RunState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly progress?: Progress; readonly startedAt: number }
  | { readonly status: 'done'; readonly result: BundleVerification; readonly layoutBytes: Uint8Array; readonly layoutName: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string }

interface VerifyState {
  files: Record<Zone, readonly PickedFile[]>
  useEditorLayout: boolean
  parameters: string
  analysis: BundleAnalysis | undefined
  analyzing: boolean
  run: RunState
  selected: string | undefined
  addFiles(zone: Zone, files: readonly PickedFile[]): void
  removeFile(zone: Zone, path: string): void
  clearZone(zone: Zone): void
  setUseEditorLayout(use: boolean): void
  setParameters(text: string): void
  verify(): void
  cancel(): void
  select(name: string | undefined): void
}

const EDITOR_LAYOUT_NAME = 'editor.layout'

let analysisJob: WorkerJob<unknown> | undefined
let verifyJob: WorkerJob<unknown> | undefined

/** The request for the current inputs, or a reason why there is none. */
function buildRequest(state: VerifyState, kind: WorkerRequest['kind']): WorkerRequest | string {
  let layout: WorkerRequest['layout']
  if (state.useEditorLayout) {
    const envelope = useDocumentStore.getState().envelope
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
    kind,
    layout,
    ownerKeys: toWorker(state.files.ownerKeys),
    links: toWorker(state.files.links),
    products: toWorker(state.files.products),
    parameters: parameters.length > 0 ? parameters : undefined,
    notRunHint: `to run it, use the command line in the directory holding the product files: ${cliCommand(layout?.path ?? 'root.layout', state.files.ownerKeys.map((file) => file.path))}`,
  }
}

export const useVerifyStore = create<VerifyState>()((set, get) => {
  /** Re-triages after every change; only the latest analysis counts. */
  const analyze = () => {
    analysisJob?.cancel()
    const request = buildRequest(get(), 'analyze')
    if (typeof request === 'string') {
      set({ analyzing: false })
      return
    }
    set({ analyzing: true })
    const job = startWorkerJob(request)
    analysisJob = job
    job.result.then(
      (message) => {
        if (analysisJob === job && message.type === 'analyzed') set({ analysis: message.analysis, analyzing: false })
      },
      (error: unknown) => {
        if (analysisJob === job && !(error instanceof CancelledError)) set({ analyzing: false, run: { status: 'failed', message: (error as Error).message } })
      },
    )
  }
  const changeInputs = (patch: Partial<VerifyState>) => {
    set({ ...patch, run: get().run.status === 'running' ? get().run : { status: 'idle' } })
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
      verifyJob?.cancel()
      const request = buildRequest(get(), 'verify')
      if (typeof request === 'string') {
        set({ run: { status: 'failed', message: request } })
        return
      }
      if (!request.layout) {
        set({ run: { status: 'failed', message: 'Choose a signed layout first (or use the one open in the editor).' } })
        return
      }
      if (request.ownerKeys.length === 0) {
        set({ run: { status: 'failed', message: "Add the layout owner's public key(s): the layout's signatures are checked against them." } })
        return
      }
      const layoutFile = request.layout
      set({ run: { status: 'running', startedAt: performance.now() }, selected: undefined })
      const job = startWorkerJob(request, (progress) => {
        const run = get().run
        if (verifyJob === job && run.status === 'running') set({ run: { ...run, progress } })
      })
      verifyJob = job
      job.result.then(
        async (message) => {
          if (verifyJob !== job || message.type !== 'verified') return
          const layoutBytes = new Uint8Array(await layoutFile.file.arrayBuffer())
          set({ run: { status: 'done', result: message.result, layoutBytes, layoutName: layoutFile.path }, analysis: message.result.analysis })
        },
        (error: unknown) => {
          if (verifyJob !== job) return
          set({ run: error instanceof CancelledError ? { status: 'cancelled' } : { status: 'failed', message: (error as Error).message } })
        },
      )
    },
    cancel: () => verifyJob?.cancel(),
    select: (selected) => set({ selected }),
  }
})
