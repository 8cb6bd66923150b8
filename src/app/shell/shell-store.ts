/**
 * The app shell's state: which workspace is shown, and how far the first-run guide has come.
 * A vanilla store with its storage injected (like keyring-store.ts), so that tests drive it without a page
 * and any panel can switch workspaces by calling `showWorkspace` instead of clicking a tab.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'

export const WORKSPACE_IDS = ['design', 'keys', 'verify', 'rebuilders'] as const
export type WorkspaceId = (typeof WORKSPACE_IDS)[number]

/** The owner's job, in order: the guide walks through these. */
export const GUIDE_STEPS = ['draw', 'keys', 'sign', 'run-sheet', 'verify'] as const
export type GuideStep = (typeof GUIDE_STEPS)[number]

/** Where the guide's state is remembered between visits (localStorage in the page, a Map in tests). */
export interface ShellStorage {
  read(): string | undefined
  write(value: string): void
}

interface StoredGuide {
  readonly version: 1
  readonly dismissed: boolean
  readonly done: readonly GuideStep[]
}

export interface ShellState {
  readonly workspace: WorkspaceId
  /** The guide is shown (until finished or skipped; reopened from the header). */
  readonly guideOpen: boolean
  readonly guideDone: ReadonlySet<GuideStep>
  showWorkspace(workspace: WorkspaceId): void
  /** Marks a step of the job done (the app calls it when the person did the thing, not when they read about it). */
  completeGuideStep(step: GuideStep): void
  skipGuide(): void
  openGuide(): void
  resetGuide(): void
}

export type ShellStore = StoreApi<ShellState>

function readGuide(storage: ShellStorage): StoredGuide {
  try {
    const raw = storage.read()
    if (raw === undefined) return { version: 1, dismissed: false, done: [] }
    const value = JSON.parse(raw) as Partial<StoredGuide>
    const done = Array.isArray(value.done) ? value.done.filter((step): step is GuideStep => (GUIDE_STEPS as readonly string[]).includes(step)) : []
    return { version: 1, dismissed: value.dismissed === true, done }
  } catch {
    // A damaged record only costs the guide's progress.
    return { version: 1, dismissed: false, done: [] }
  }
}

export function createShellStore(storage: ShellStorage): ShellStore {
  const initial = readGuide(storage)
  const save = (state: ShellState) => {
    const record: StoredGuide = { version: 1, dismissed: !state.guideOpen, done: GUIDE_STEPS.filter((step) => state.guideDone.has(step)) }
    try {
      storage.write(JSON.stringify(record))
    } catch {
      // Storage full or refused: the guide still works for this visit.
    }
  }
  return createStore<ShellState>()((set, get) => ({
    workspace: 'design',
    guideOpen: !initial.dismissed && initial.done.length < GUIDE_STEPS.length,
    guideDone: new Set(initial.done),
    showWorkspace: (workspace) => set({ workspace }),
    completeGuideStep: (step) => {
      if (get().guideDone.has(step)) return
      const guideDone = new Set(get().guideDone).add(step)
      set({ guideDone, guideOpen: get().guideOpen && guideDone.size < GUIDE_STEPS.length })
      save(get())
    },
    skipGuide: () => {
      set({ guideOpen: false })
      save(get())
    },
    openGuide: () => {
      set({ guideOpen: true })
      save(get())
    },
    resetGuide: () => {
      set({ guideOpen: true, guideDone: new Set() })
      save(get())
    },
  }))
}

/** The next step of the job the person has not done yet. */
export function nextGuideStep(done: ReadonlySet<GuideStep>): GuideStep | undefined {
  return GUIDE_STEPS.find((step) => !done.has(step))
}
