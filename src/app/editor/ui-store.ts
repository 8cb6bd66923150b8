/**
 * Editor view state that is not part of the document: which view is shown, what is selected,
 * and requests to reveal a JSON path (from the lint panel). Kept apart from the document store
 * so that selecting a node never touches undo history or drafts.
 */
import { create } from 'zustand'

/** What the side panel beside the graph shows. */
export type EditorViewMode = 'inspector' | 'json' | 'reviewer' | 'compare'

interface EditorUiState {
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
}

export const useEditorUi = create<EditorUiState>()((set, get) => ({
  view: 'inspector',
  selected: undefined,
  reveal: undefined,
  notice: undefined,
  setView: (view) => set({ view }),
  // Selecting something shows its properties.
  select: (selected) => set(selected === undefined ? { selected } : { selected, view: 'inspector' }),
  revealPath: (path) => set({ view: 'json', reveal: { path, nonce: (get().reveal?.nonce ?? 0) + 1 } }),
  notify: (text, error = false) => set({ notice: { text, error } }),
}))
