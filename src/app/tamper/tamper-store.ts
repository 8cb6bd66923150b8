/**
 * "Simulate tampering" after a verification: which artifacts are on display (a link's list, or
 * the product files), the person's edits in order, and the simulation of the verification's
 * rules with them (core/bundle/tamper.ts, run in the verification's worker), run again after
 * every change of the edits. A simulation is never a verdict: the verification on display is
 * not changed. A vanilla store with its dependencies injected, so tests drive it without a
 * page or worker; `use-tamper.ts` holds the page's instance.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { LinkEdit } from '../../core/bundle/tamper-edits.ts'
import { isHex } from '../../core/model/schema.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { ArtifactPage, CallResults, DigestList, ItemTrace, SimulationSummary, TamperTarget, WorkerCall, WorkerTamperEdit } from '../verify/protocol.ts'

export interface TamperDeps {
  /** A call about the verification on display (verify-store.ts `resultCall`). */
  call<K extends 'simulate' | 'simulation-trace' | 'tamper-artifacts'>(call: Extract<WorkerCall, { kind: K }>): Promise<CallResults[K]>
  /** The sha256 of a file, hashed in the hashing worker (to show what a replacement changes). */
  sha256(file: Blob): Promise<string>
}

/** One edit, with what the list of edits shows of it. */
export interface TamperEntry {
  /** Unique in the store (a key for the list of edits). */
  readonly id: number
  readonly edit: WorkerTamperEdit
  /** The artifact's digests before the edit (absent for an added one). */
  readonly was?: DigestList
  /** A product file's new sha256 and the name of the file it came from. */
  readonly file?: { readonly name: string; readonly sha256: string }
}

export type ArtifactsState = { readonly status: 'loading' } | { readonly status: 'ready'; readonly page: ArtifactPage } | { readonly status: 'failed'; readonly message: string }

export type SimulationRun =
  | { readonly status: 'idle' }
  | { readonly status: 'running' }
  | { readonly status: 'done'; readonly summary: SimulationSummary }
  | { readonly status: 'failed'; readonly message: string }

export type SimulationTrace =
  | { readonly item: string; readonly status: 'loading' }
  | { readonly item: string; readonly status: 'ready'; readonly trace: ItemTrace }
  | { readonly item: string; readonly status: 'failed'; readonly message: string }

export interface TamperState {
  readonly target: TamperTarget | undefined
  readonly filter: string
  readonly artifacts: ArtifactsState | undefined
  readonly edits: readonly TamperEntry[]
  readonly run: SimulationRun
  /** The item whose simulated rule trace is shown. */
  readonly selected: string | undefined
  readonly trace: SimulationTrace | undefined
  /** A product file being hashed before its edit is added (its path). */
  readonly hashing: string | undefined
  /** Why the last edit could not be added. */
  readonly problem: string | undefined
  setTarget(target: TamperTarget | undefined): void
  setFilter(filter: string): void
  /** Changes, adds or removes an artifact of the link on display. */
  editLink(edit: LinkEdit): void
  /** Replaces (`change`) or adds a product file with the contents of `file`. */
  putProduct(action: 'change' | 'add', path: string, file: Blob, name: string): void
  removeProduct(path: string): void
  /** Takes back edit `index`. */
  undo(index: number): void
  /** Takes back every edit. */
  reset(): void
  select(item: string | undefined): void
  /** Another verification is on display (or none): forget the edits and the simulation. */
  clear(): void
}

export type TamperStore = StoreApi<TamperState>

/** Artifacts listed per target; a filter finds the others. */
export const ARTIFACTS_SHOWN = 100

const INITIAL = {
  target: undefined,
  filter: '',
  artifacts: undefined,
  edits: [],
  run: { status: 'idle' },
  selected: undefined,
  trace: undefined,
  hashing: undefined,
  problem: undefined,
} as const

export function sameTarget(a: TamperTarget | undefined, b: TamperTarget | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (a.kind === 'products' || b.kind === 'products') return a.kind === b.kind
  return a.item === b.item && a.list === b.list
}

export function createTamperStore(deps: TamperDeps): TamperStore {
  /** Counts the store's changes of edits (and clears): only the newest simulation and listing count. */
  let generation = 0
  let listing = 0
  let nextId = 0
  return createStore<TamperState>()((set, get) => {
    const list = () => {
      const { target, filter } = get()
      const request = ++listing
      if (target === undefined) return set({ artifacts: undefined })
      set({ artifacts: { status: 'loading' } })
      deps.call({ kind: 'tamper-artifacts', target, filter, limit: ARTIFACTS_SHOWN }).then(
        (page) => {
          if (request === listing) set({ artifacts: { status: 'ready', page } })
        },
        (error: unknown) => {
          if (request === listing) set({ artifacts: { status: 'failed', message: errorMessage(error) } })
        },
      )
    }
    const trace = (item: string | undefined) => {
      const current = generation
      set({ selected: item, trace: item === undefined ? undefined : { item, status: 'loading' } })
      if (item === undefined) return
      const stillShown = () => current === generation && get().selected === item
      deps.call({ kind: 'simulation-trace', item }).then(
        (result) => {
          if (stillShown()) set({ trace: { item, status: 'ready', trace: result } })
        },
        (error: unknown) => {
          if (stillShown()) set({ trace: { item, status: 'failed', message: errorMessage(error) } })
        },
      )
    }
    const simulate = (edits: readonly TamperEntry[]) => {
      const current = ++generation
      set({ edits, problem: undefined, selected: undefined, trace: undefined, run: edits.length === 0 ? { status: 'idle' } : { status: 'running' } })
      if (edits.length === 0) return
      deps.call({ kind: 'simulate', edits: edits.map((entry) => entry.edit) }).then(
        (summary) => {
          if (current !== generation) return
          set({ run: { status: 'done', summary } })
          // The rule that now fails is what a person wants to read first.
          trace(summary.failure?.step ?? summary.failure?.inspection)
        },
        (error: unknown) => {
          if (current === generation) set({ run: { status: 'failed', message: errorMessage(error) } })
        },
      )
    }
    const add = (entry: Omit<TamperEntry, 'id'>) => simulate([...get().edits, { ...entry, id: nextId++ }])
    /** The digests of `path` among the artifacts on display, if listed. */
    const listed = (path: string): DigestList | undefined => {
      const artifacts = get().artifacts
      return artifacts?.status === 'ready' ? artifacts.page.entries.find(([entry]) => entry === path)?.[1] : undefined
    }
    return {
      ...INITIAL,
      setTarget: (target) => {
        if (sameTarget(target, get().target)) return
        set({ target, filter: '' })
        list()
      },
      setFilter: (filter) => {
        set({ filter })
        list()
      },
      editLink: (edit) => {
        if (edit.path === '') return set({ problem: 'Give the path of the artifact.' })
        if (edit.action !== 'remove') {
          const bad = [...edit.hashes].find(([, digest]) => !isHex(digest))
          if (bad) return set({ problem: `The ${bad[0]} digest must be hexadecimal (0-9, a-f): a link holding anything else would not load.` })
        }
        add({ edit, was: edit.action === 'add' ? undefined : listed(edit.path) })
      },
      putProduct: (action, path, file, name) => {
        if (path === '') return set({ problem: 'Give the path of the product file.' })
        const was = action === 'change' ? listed(path) : undefined
        set({ hashing: path, problem: undefined })
        deps.sha256(file).then(
          (sha256) => {
            if (get().hashing !== path) return
            set({ hashing: undefined })
            add({ edit: { on: 'products', action, path, file }, was, file: { name, sha256 } })
          },
          (error: unknown) => {
            if (get().hashing === path) set({ hashing: undefined, problem: `${name} could not be read: ${errorMessage(error)}` })
          },
        )
      },
      removeProduct: (path) => add({ edit: { on: 'products', action: 'remove', path }, was: listed(path) }),
      undo: (index) => simulate(get().edits.filter((_, at) => at !== index)),
      reset: () => simulate([]),
      select: (item) => trace(item),
      clear: () => {
        generation++
        listing++
        set({ ...INITIAL })
      },
    }
  })
}

/** The edit in words, for the list of edits. */
export function describeEdit(entry: TamperEntry): string {
  const { edit } = entry
  const digest = (list: DigestList | undefined) =>
    list === undefined || list.length === 0 ? undefined : list.map(([algorithm, value]) => `${algorithm} ${short(value)}`).join(', ')
  if (edit.on === 'link') {
    const where = `the ${edit.list} of ${edit.item}`
    if (edit.action === 'remove') return `Removed ${edit.path} from ${where}`
    const now = digest([...edit.hashes])
    if (edit.action === 'add') return `Added ${edit.path} (${now}) to ${where}`
    const was = digest(entry.was)
    return `Changed ${edit.path} in ${where}: ${was ? `${was} → ` : ''}${now}`
  }
  if (edit.action === 'remove') return `Removed the product file ${edit.path}`
  const from = entry.file ? ` with ${entry.file.name} (sha256 ${short(entry.file.sha256)})` : ''
  const same = entry.file && entry.was?.some(([algorithm, value]) => algorithm === 'sha256' && value === entry.file?.sha256) ? ': the same content' : ''
  return edit.action === 'add' ? `Added the product file ${edit.path}${from}` : `Replaced the product file ${edit.path}${from}${same}`
}

function short(digest: string): string {
  return digest.length > 16 ? `${digest.slice(0, 16)}…` : digest
}
