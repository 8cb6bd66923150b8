/**
 * The open layout document: the single source of truth that the editor draws, the keyring signs and the
 * verify panel checks. Every change to the layout goes through `applyEdit`, a named command that undo/redo,
 * shortcuts and buttons share; other panels read `layout`/`envelope`/`keyNames` and call these actions.
 *
 * Node positions are editor metadata like key names, but moving a node is not an edit of the layout: they
 * live beside it, outside the undo history, and are saved with the draft.
 */
import { create } from 'zustand'
import type { Point } from '../../core/editor/auto-layout.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import { defaultExpires, emptyLayout } from '../../core/model/layout.ts'
import type { Layout } from '../../core/model/types.ts'

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
  /** The document as opened, and as last signed (here or in the opened file), for comparisons. */
  baselines: { readonly opened?: Baseline; readonly signed?: Baseline }
  past: readonly Snapshot[]
  future: readonly Snapshot[]
  /** Counts changes to the layout or key names; `savedRevision` is its value when the document was last opened or exported. */
  revision: number
  savedRevision: number
  openDocument(next: {
    layout: Layout
    envelope?: Envelope
    keyNames?: ReadonlyMap<string, string>
    positions?: ReadonlyMap<string, Point>
    fileName?: string
    /** A restored draft keeps its unsaved state. */
    unsaved?: boolean
    /** What to call this version when comparing with it later (default: the file name). */
    origin?: string
  }): void
  /** A named, undoable edit. `edit` returns the new layout (and optionally new key names); returning the same layout is a no-op. */
  applyEdit(label: string, edit: (layout: Layout, keyNames: ReadonlyMap<string, string>) => Layout | { layout: Layout; keyNames: ReadonlyMap<string, string> }): void
  setEnvelope(envelope: Envelope | undefined): void
  setPositions(positions: ReadonlyMap<string, Point>): void
  /** The current document was written to a file: nothing is unsaved any more. */
  markSaved(): void
  undo(): void
  redo(): void
}

const HISTORY_LIMIT = 200

function voids(state: DocumentState, layoutChanged: boolean): boolean {
  return state.signaturesVoided || (layoutChanged && (state.envelope?.signatures.length ?? 0) > 0)
}

export const useDocumentStore = create<DocumentState>()((set, get) => ({
  layout: emptyLayout(defaultExpires(new Date())),
  envelope: undefined,
  keyNames: new Map(),
  positions: new Map(),
  fileName: undefined,
  signaturesVoided: false,
  baselines: {},
  past: [],
  future: [],
  revision: 0,
  savedRevision: 0,
  openDocument: ({ layout, envelope, keyNames, positions, fileName, unsaved, origin }) => {
    const revision = get().revision + 1
    const signatures = envelope?.signatures.length ?? 0
    const opened: Baseline = { layout, keyNames: keyNames ?? new Map(), label: origin ?? fileName ?? 'the layout as opened', signatures }
    set({
      baselines: signatures > 0 ? { opened, signed: opened } : { opened },
      layout,
      envelope,
      keyNames: keyNames ?? new Map(),
      positions: positions ?? new Map(),
      fileName,
      signaturesVoided: false,
      past: [],
      future: [],
      revision,
      savedRevision: unsaved ? -1 : revision,
    })
  },
  applyEdit: (label, edit) => {
    const { layout, keyNames, past, revision } = get()
    const result = edit(layout, keyNames)
    const next = 'layout' in result && !('steps' in result) ? result : { layout: result as Layout, keyNames }
    if (next.layout === layout && next.keyNames === keyNames) return
    set({
      layout: next.layout,
      keyNames: next.keyNames,
      envelope: next.layout === layout ? get().envelope : undefined,
      signaturesVoided: voids(get(), next.layout !== layout),
      past: [...past, { label, layout, keyNames }].slice(-HISTORY_LIMIT),
      future: [],
      revision: revision + 1,
    })
  },
  setEnvelope: (envelope) => {
    const { layout, keyNames, baselines } = get()
    const signatures = envelope?.signatures.length ?? 0
    set(signatures > 0 ? { envelope, baselines: { ...baselines, signed: { layout, keyNames, label: 'the last signed version', signatures } } } : { envelope })
  },
  setPositions: (positions) => set({ positions }),
  markSaved: () => set({ savedRevision: get().revision }),
  undo: () => {
    const { past, future, layout, keyNames, revision } = get()
    const previous = past.at(-1)
    if (!previous) return
    set({
      layout: previous.layout,
      keyNames: previous.keyNames,
      envelope: undefined,
      signaturesVoided: voids(get(), true),
      past: past.slice(0, -1),
      future: [{ label: previous.label, layout, keyNames }, ...future],
      revision: revision + 1,
    })
  },
  redo: () => {
    const { past, future, layout, keyNames, revision } = get()
    const next = future[0]
    if (!next) return
    set({
      layout: next.layout,
      keyNames: next.keyNames,
      envelope: undefined,
      signaturesVoided: voids(get(), true),
      past: [...past, { label: next.label, layout, keyNames }],
      future: future.slice(1),
      revision: revision + 1,
    })
  },
}))
