/**
 * The open layout document: the single source of truth that the editor draws, the keyring signs and the
 * verify panel checks. Every change to the layout goes through `applyEdit`, a named command that undo/redo,
 * shortcuts and buttons share; other panels read `layout`/`envelope`/`keyNames` and call these actions.
 *
 * A signed layout that was opened (or restored) is for review: the first edit that would change it asks,
 * through the injected `confirmEdit`, whether to drop its signatures. Undo brings the signed state back,
 * envelope and all. Node positions are editor metadata like key names, but moving a node is not an edit of
 * the layout: they live beside it, outside the undo history, and are saved with the draft.
 *
 * A vanilla store with its dependencies injected (like keyring-store.ts), so that tests drive it without a page.
 */
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Point } from '../../core/editor/auto-layout.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import { defaultExpires, emptyLayout } from '../../core/model/layout.ts'
import type { Layout } from '../../core/model/types.ts'
import { confirmStore } from '../ui/confirm-store.ts'

/** A version of the document to compare the edited one with ("the version I opened", "the last signed version"). */
export interface Baseline {
  readonly layout: Layout
  readonly keyNames: ReadonlyMap<string, string>
  /** How people call it: the file name, "the inferred layout", "the last signed version". */
  readonly label: string
  readonly signatures: number
}

interface Snapshot {
  label: string
  layout: Layout
  keyNames: ReadonlyMap<string, string>
  envelope: Envelope | undefined
}

export interface OpenDocumentInput {
  layout: Layout
  envelope?: Envelope
  keyNames?: ReadonlyMap<string, string>
  positions?: ReadonlyMap<string, Point>
  fileName?: string
  /** A restored draft keeps its unsaved state. */
  unsaved?: boolean
  /** What to call this version when comparing with it later (default: the file name). */
  origin?: string
}

export interface DocumentState {
  layout: Layout
  /** The signed envelope whose signed part is exactly `layout`; cleared by any edit, since edits invalidate signatures. */
  envelope: Envelope | undefined
  /** Display names of functionary keys, by keyid: editor metadata, never part of the signed layout. */
  keyNames: ReadonlyMap<string, string>
  /** Top-left corners of graph nodes by node id (see core/editor/graph.ts); nodes without one are placed automatically. */
  positions: ReadonlyMap<string, Point>
  /** Where the document came from, for the title and the export's default file name. */
  fileName: string | undefined
  /** An edit dropped the signed envelope of the opened file: its signatures no longer apply. */
  signaturesVoided: boolean
  /** A signed layout shown for review: edits ask first (see `confirmEdit`). */
  reviewing: boolean
  /** The document as opened, and as last signed (here or in the opened file), for comparisons. */
  baselines: { readonly opened?: Baseline; readonly signed?: Baseline }
  past: readonly Snapshot[]
  future: readonly Snapshot[]
  /** Counts changes to the layout or key names; `savedRevision` is its value when the document was last opened or exported. */
  revision: number
  savedRevision: number
  openDocument(next: OpenDocumentInput): void
  /**
   * A named, undoable edit. `edit` returns the new layout (and optionally new key names); returning the same
   * layout is a no-op. While reviewing a signed layout, a change to it waits for `confirmEdit`.
   */
  applyEdit(label: string, edit: (layout: Layout, keyNames: ReadonlyMap<string, string>) => Layout | { layout: Layout; keyNames: ReadonlyMap<string, string> }): void
  /** Leaves review mode (after the person agreed that editing drops the signatures). */
  startEditing(): void
  setEnvelope(envelope: Envelope | undefined): void
  setPositions(positions: ReadonlyMap<string, Point>): void
  /** The current document was written to a file: nothing is unsaved any more. */
  markSaved(): void
  undo(): void
  redo(): void
}

export interface DocumentStoreDeps {
  /** The first layout (before a draft or the demo chain is opened). */
  now?: () => Date
  /** Asks whether to edit a signed layout, which drops its `signatures` signatures; resolves true to go on. */
  confirmEdit?: (signatures: number) => Promise<boolean>
}

export type DocumentStore = StoreApi<DocumentState>

const HISTORY_LIMIT = 200

const signatureCount = (envelope: Envelope | undefined) => envelope?.signatures.length ?? 0

export function createDocumentStore(deps: DocumentStoreDeps = {}): DocumentStore {
  const now = deps.now ?? (() => new Date())
  const confirmEdit = deps.confirmEdit ?? (async () => true)
  return createStore<DocumentState>()((set, get) => {
    /** Moves to `target` (from undo or redo), carrying its envelope: undoing the first edit of a signed layout signs it again. */
    const travel = (target: Snapshot, past: readonly Snapshot[], future: readonly Snapshot[]) => {
      const { revision } = get()
      set({
        layout: target.layout,
        keyNames: target.keyNames,
        envelope: target.envelope,
        signaturesVoided: target.envelope === undefined && (get().signaturesVoided || signatureCount(get().envelope) > 0),
        past,
        future,
        revision: revision + 1,
      })
    }
    return {
      layout: emptyLayout(defaultExpires(now())),
      envelope: undefined,
      keyNames: new Map(),
      positions: new Map(),
      fileName: undefined,
      signaturesVoided: false,
      reviewing: false,
      baselines: {},
      past: [],
      future: [],
      revision: 0,
      savedRevision: 0,
      openDocument: ({ layout, envelope, keyNames, positions, fileName, unsaved, origin }) => {
        const revision = get().revision + 1
        const signatures = signatureCount(envelope)
        const opened: Baseline = { layout, keyNames: keyNames ?? new Map(), label: origin ?? fileName ?? 'the layout as opened', signatures }
        set({
          baselines: signatures > 0 ? { opened, signed: opened } : { opened },
          layout,
          envelope,
          keyNames: keyNames ?? new Map(),
          positions: positions ?? new Map(),
          fileName,
          signaturesVoided: false,
          reviewing: signatureCount(envelope) > 0,
          past: [],
          future: [],
          revision,
          savedRevision: unsaved ? -1 : revision,
        })
      },
      applyEdit: (label, edit) => {
        const before = get()
        const result = edit(before.layout, before.keyNames)
        const next = 'layout' in result && !('steps' in result) ? result : { layout: result as Layout, keyNames: before.keyNames }
        if (next.layout === before.layout && next.keyNames === before.keyNames) return
        const commit = () => {
          const state = get()
          const layoutChanged = next.layout !== state.layout
          set({
            layout: next.layout,
            keyNames: next.keyNames,
            envelope: layoutChanged ? undefined : state.envelope,
            signaturesVoided: state.signaturesVoided || (layoutChanged && signatureCount(state.envelope) > 0),
            past: [...state.past, { label, layout: state.layout, keyNames: state.keyNames, envelope: state.envelope }].slice(-HISTORY_LIMIT),
            future: [],
            revision: state.revision + 1,
          })
        }
        if (before.reviewing && next.layout !== before.layout) {
          void confirmEdit(signatureCount(before.envelope)).then((go) => {
            // Only if nothing else changed the document while the question was open.
            if (!go || get().layout !== before.layout || get().keyNames !== before.keyNames) return
            set({ reviewing: false })
            commit()
          })
          return
        }
        commit()
      },
      startEditing: () => set({ reviewing: false }),
      // Signatures made here are new work until the signed file is downloaded (`markSaved`).
      setEnvelope: (envelope) => {
        const { layout, keyNames, baselines, revision } = get()
        const signatures = signatureCount(envelope)
        set({
          envelope,
          reviewing: false,
          signaturesVoided: envelope === undefined ? get().signaturesVoided : false,
          revision: revision + 1,
          ...(signatures > 0 ? { baselines: { ...baselines, signed: { layout, keyNames, label: 'the last signed version', signatures } } } : {}),
        })
      },
      setPositions: (positions) => set({ positions }),
      markSaved: () => set({ savedRevision: get().revision }),
      undo: () => {
        const { past, future, layout, keyNames, envelope } = get()
        const previous = past.at(-1)
        if (!previous) return
        travel(previous, past.slice(0, -1), [{ label: previous.label, layout, keyNames, envelope }, ...future])
      },
      redo: () => {
        const { past, future, layout, keyNames, envelope } = get()
        const next = future[0]
        if (!next) return
        travel(next, [...past, { label: next.label, layout, keyNames, envelope }], future.slice(1))
      },
    }
  })
}

/**
 * Whether replacing the open document would lose something: changes or signatures made here and never
 * downloaded. A file opened as it is stays on disk, so replacing it loses nothing.
 */
export function documentAtRisk(state: Pick<DocumentState, 'revision' | 'savedRevision' | 'envelope'>): { signatures: number } | undefined {
  return state.revision !== state.savedRevision ? { signatures: signatureCount(state.envelope) } : undefined
}

/** The page's document; edits of a signed layout ask in the app's confirm dialog. */
export const documentStore = createDocumentStore({
  confirmEdit: async (signatures) => {
    const answer = await confirmStore.getState().ask({
      title: 'Edit the signed layout?',
      description: `Editing drops its ${signatures === 1 ? 'signature' : `${signatures} signatures`}: it must be signed again before anyone can verify with it. Undo brings the signed layout back.`,
      choices: [{ id: 'edit', label: 'Edit and drop signatures', danger: true }],
      cancelLabel: 'Keep reviewing',
    })
    return answer === 'edit'
  },
})

/** The React hook over {@link documentStore}; `useDocumentStore.getState()` etc. reach the store itself. */
export const useDocumentStore = Object.assign(<T>(selector: (state: DocumentState) => T): T => useStore(documentStore, selector), documentStore)
