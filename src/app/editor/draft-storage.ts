/**
 * Autosave of the working draft in localStorage, and its restoration on the next visit (or
 * the demo chain on the very first one).
 */
import { parseDraft, serializeDraft } from '../../core/editor/draft.ts'
import { demoChain } from '../../core/editor/templates.ts'
import { useDocumentStore, type DocumentState } from '../state/document-store.ts'
import { errorMessage } from '../shared/error-message.ts'

export const DRAFT_STORAGE_KEY = 'layout-studio:draft'
/** Long enough that a burst of edits is saved once, short enough that a reload rarely loses one (pagehide also saves). */
const SAVE_DELAY_MS = 800

/** Opens the saved draft, or the demo chain when there is none. Returns a message when a draft could not be read. */
export function restoreDraft(storage: Storage = localStorage): string | undefined {
  const stored = storage.getItem(DRAFT_STORAGE_KEY)
  if (stored !== null) {
    try {
      const draft = parseDraft(stored)
      useDocumentStore
        .getState()
        .openDocument({ layout: draft.layout, envelope: draft.envelope, keyNames: draft.keyNames, positions: draft.positions, fileName: draft.fileName, unsaved: draft.unsaved })
      return undefined
    } catch (error) {
      const { layout, keyNames } = demoChain(new Date())
      useDocumentStore.getState().openDocument({ layout, keyNames })
      return `${errorMessage(error)}; opened the demo chain instead.`
    }
  }
  const { layout, keyNames } = demoChain(new Date())
  useDocumentStore.getState().openDocument({ layout, keyNames })
  return undefined
}

function saveNow(state: DocumentState, storage: Storage): void {
  try {
    storage.setItem(
      DRAFT_STORAGE_KEY,
      serializeDraft({
        layout: state.layout,
        keyNames: state.keyNames,
        positions: state.positions,
        ...(state.fileName !== undefined ? { fileName: state.fileName } : {}),
        ...(state.envelope !== undefined ? { envelope: state.envelope } : {}),
        savedAt: new Date().toISOString(),
        unsaved: state.revision !== state.savedRevision,
      }),
    )
  } catch {
    // Storage full or disabled: the draft simply is not kept; nothing else depends on it.
  }
}

/** Saves the draft shortly after every change. Returns the unsubscribe function. */
export function startAutosave(storage: Storage = localStorage): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const unsubscribe = useDocumentStore.subscribe((state, previous) => {
    if (
      state.layout === previous.layout &&
      state.keyNames === previous.keyNames &&
      state.positions === previous.positions &&
      state.savedRevision === previous.savedRevision &&
      state.envelope === previous.envelope
    )
      return
    clearTimeout(timer)
    timer = setTimeout(() => saveNow(useDocumentStore.getState(), storage), SAVE_DELAY_MS)
  })
  const flush = () => {
    if (timer !== undefined) {
      clearTimeout(timer)
      saveNow(useDocumentStore.getState(), storage)
    }
  }
  window.addEventListener('pagehide', flush)
  return () => {
    flush()
    unsubscribe()
    window.removeEventListener('pagehide', flush)
  }
}
