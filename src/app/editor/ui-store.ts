/**
 * Editor view state that is not part of the document: which view is shown, what is selected,
 * requests to reveal a JSON path (from the lint panel), and the status line. Kept apart from the
 * document store so that selecting a node never touches undo history or drafts.
 *
 * A vanilla store with its clock injected (like keyring-store.ts): a status line ("Opened x.layout")
 * clears itself after a moment; a problem stays until the next notice or until dismissed.
 */
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'

/** What the side panel beside the graph shows. */
export type EditorViewMode = 'inspector' | 'json' | 'reviewer' | 'compare'

export interface EditorUiState {
  view: EditorViewMode
  /** Name of the selected step/inspection, or `key:<keyid>`. */
  selected: string | undefined
  /** A JSON path the JSON view should scroll to; `nonce` makes repeated requests distinct. */
  reveal: { path: string; nonce: number } | undefined
  /** A short message for the status line (opened a file, a problem with a file). */
  notice: { text: string; error: boolean } | undefined
  setView(view: EditorViewMode): void
  select(selected: string | undefined): void
  revealPath(path: string): void
  notify(text: string, error?: boolean): void
  dismissNotice(): void
}

export interface EditorUiDeps {
  /** Runs `callback` after `ms`; returns a function that cancels it. */
  later?: (callback: () => void, ms: number) => () => void
}

/** How long a status line (not a problem) stays. */
export const NOTICE_MS = 6000

export type EditorUiStore = StoreApi<EditorUiState>

export function createEditorUiStore(deps: EditorUiDeps = {}): EditorUiStore {
  const later =
    deps.later ??
    ((callback, ms) => {
      const timer = setTimeout(callback, ms)
      return () => clearTimeout(timer)
    })
  let cancel: (() => void) | undefined
  return createStore<EditorUiState>()((set, get) => ({
    view: 'inspector',
    selected: undefined,
    reveal: undefined,
    notice: undefined,
    setView: (view) => set({ view }),
    // Selecting something shows its properties.
    select: (selected) => set(selected === undefined ? { selected } : { selected, view: 'inspector' }),
    revealPath: (path) => set({ view: 'json', reveal: { path, nonce: (get().reveal?.nonce ?? 0) + 1 } }),
    notify: (text, error = false) => {
      cancel?.()
      cancel = undefined
      const notice = { text, error }
      set({ notice })
      if (!error) cancel = later(() => get().notice === notice && set({ notice: undefined }), NOTICE_MS)
    },
    dismissNotice: () => {
      cancel?.()
      cancel = undefined
      set({ notice: undefined })
    },
  }))
}

export const editorUiStore = createEditorUiStore()

/** The React hook over {@link editorUiStore}; `useEditorUi.getState()` reaches the store itself. */
export const useEditorUi = Object.assign(<T>(selector: (state: EditorUiState) => T): T => useStore(editorUiStore, selector), editorUiStore)
