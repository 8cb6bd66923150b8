/**
 * "Check files against a link" (in-toto-match-products in the browser): which files were
 * dropped, which link they are compared with (a link file, or a step of the verification on
 * display), the options of `in-toto-match-products`, and the running or finished check. A
 * vanilla store with its dependencies injected, so tests drive it without a page or worker.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { PickedFile } from '../verify/collect.ts'
import type { HashFile, HashProgress, LinkChoice, MatchOutcome, MatchSettings } from '../hashing/protocol.ts'
import { errorMessage } from '../shared/error-message.ts'

export interface MatchDeps {
  matchProducts(
    files: readonly HashFile[],
    link: LinkChoice,
    settings: MatchSettings,
    options: { onProgress: (progress: HashProgress) => void; signal: AbortSignal },
  ): Promise<MatchOutcome>
  /** Products of the link a step of the verification on display was checked against. */
  verifiedProducts(step: string): Promise<Extract<LinkChoice, { kind: 'products' }>['products']>
  now(): number
}

export type MatchRun =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly progress?: HashProgress; readonly startedAt: number }
  | { readonly status: 'done'; readonly outcome: MatchOutcome; readonly against: string; readonly bytes: number; readonly elapsedMs: number }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly message: string }

export type LinkSource = 'file' | 'verified'

export interface MatchState {
  readonly files: readonly PickedFile[]
  readonly linkFile: PickedFile | undefined
  readonly source: LinkSource
  /** The verified step whose link is used when `source` is `verified`. */
  readonly step: string | undefined
  /** One path, pattern or prefix per line, as `-p`, `-e`, `--lstrip-paths` take them. */
  readonly paths: string
  readonly excludePatterns: string
  readonly lstripPaths: string
  readonly run: MatchRun
  addFiles(files: readonly PickedFile[]): void
  removeFile(path: string): void
  clearFiles(): void
  setLinkFile(file: PickedFile | undefined): void
  setSource(source: LinkSource): void
  setStep(step: string | undefined): void
  /** After a verification: its step to offer (used unless a link file was chosen). */
  offerStep(step: string | undefined): void
  setOption(option: 'paths' | 'excludePatterns' | 'lstripPaths', text: string): void
  check(): void
  cancel(): void
}

export type MatchStore = StoreApi<MatchState>

/** One entry per non-empty line; surrounding spaces kept, since patterns and paths may hold them. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '')
}

export function createMatchStore(deps: MatchDeps): MatchStore {
  let controller: AbortController | undefined
  return createStore<MatchState>()((set, get) => {
    /** A finished result no longer describes changed inputs. */
    const change = (patch: Partial<MatchState>) => set(get().run.status === 'running' ? patch : { ...patch, run: { status: 'idle' } })
    return {
      files: [],
      linkFile: undefined,
      source: 'file',
      step: undefined,
      paths: '',
      excludePatterns: '',
      lstripPaths: '',
      run: { status: 'idle' },
      addFiles: (added) => {
        const paths = new Set(added.map((file) => file.path))
        change({ files: [...get().files.filter((file) => !paths.has(file.path)), ...added] })
      },
      removeFile: (path) => change({ files: get().files.filter((file) => file.path !== path) }),
      clearFiles: () => change({ files: [] }),
      setLinkFile: (linkFile) => change({ linkFile, ...(linkFile ? { source: 'file' as const } : {}) }),
      setSource: (source) => change({ source }),
      setStep: (step) => change({ step, ...(step ? { source: 'verified' as const } : {}) }),
      offerStep: (step) => {
        const { linkFile, step: current } = get()
        if (current === step) return
        change({ step, source: step !== undefined && !linkFile ? 'verified' : 'file' })
      },
      setOption: (option, text) => change({ [option]: text }),
      check: () => {
        const state = get()
        if (state.run.status === 'running') return
        if (state.files.length === 0) return set({ run: { status: 'failed', message: 'Add the files to check first (files or a folder).' } })
        if (state.source === 'file' && !state.linkFile) return set({ run: { status: 'failed', message: 'Choose the link to check the files against.' } })
        if (state.source === 'verified' && !state.step) return set({ run: { status: 'failed', message: 'Choose the verified step whose link the files are checked against.' } })
        const run = new AbortController()
        controller = run
        const startedAt = deps.now()
        set({ run: { status: 'running', startedAt } })
        const settings: MatchSettings = { paths: lines(state.paths), excludePatterns: lines(state.excludePatterns), lstripPaths: lines(state.lstripPaths) }
        const files = state.files.map((file) => ({ path: file.path, file: file.file }))
        let bytes = 0
        const onProgress = (progress: HashProgress) => {
          bytes = progress.bytesDone
          const current = get().run
          if (controller === run && current.status === 'running') set({ run: { ...current, progress } })
        }
        const link: Promise<{ choice: LinkChoice; against: string }> =
          state.source === 'file'
            ? Promise.resolve({ choice: { kind: 'file', file: state.linkFile as PickedFile }, against: (state.linkFile as PickedFile).path })
            : deps
                .verifiedProducts(state.step as string)
                .then((products) => ({ choice: { kind: 'products', name: state.step as string, products }, against: `step ${state.step}` }))
        link
          .then(({ choice, against }) => deps.matchProducts(files, choice, settings, { onProgress, signal: run.signal }).then((outcome) => ({ outcome, against })))
          .then(
            ({ outcome, against }) => {
              if (controller === run) set({ run: { status: 'done', outcome, against, bytes, elapsedMs: deps.now() - startedAt } })
            },
            (error: unknown) => {
              if (controller === run) set({ run: run.signal.aborted ? { status: 'cancelled' } : { status: 'failed', message: errorMessage(error) } })
            },
          )
      },
      cancel: () => {
        if (get().run.status !== 'running') return
        controller?.abort(new Error('cancelled'))
        set({ run: { status: 'cancelled' } })
      },
    }
  })
}
