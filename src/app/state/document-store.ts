/**
 * The open layout document: the single source of truth that the editor draws, the keyring signs and the
 * verify panel checks. Every change to the layout goes through `applyEdit`, a named command that undo/redo,
 * shortcuts and buttons share; other panels read `layout`/`envelope`/`keyNames` and call these actions.
 */
import { create } from 'zustand'
import type { Envelope } from '../../core/envelope/types.ts'
import { defaultExpires, emptyLayout } from '../../core/model/layout.ts'
import type { Layout } from '../../core/model/types.ts'

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
  past: readonly Snapshot[]
  future: readonly Snapshot[]
  openDocument(next: { layout: Layout; envelope?: Envelope; keyNames?: ReadonlyMap<string, string> }): void
  /** A named, undoable edit. `edit` returns the new layout (and optionally new key names); returning the same layout is a no-op. */
  applyEdit(label: string, edit: (layout: Layout, keyNames: ReadonlyMap<string, string>) => Layout | { layout: Layout; keyNames: ReadonlyMap<string, string> }): void
  setEnvelope(envelope: Envelope | undefined): void
  undo(): void
  redo(): void
}

const HISTORY_LIMIT = 200

export const useDocumentStore = create<DocumentState>()((set, get) => ({
  layout: emptyLayout(defaultExpires(new Date())),
  envelope: undefined,
  keyNames: new Map(),
  past: [],
  future: [],
  openDocument: ({ layout, envelope, keyNames }) =>
    set({ layout, envelope, keyNames: keyNames ?? new Map(), past: [], future: [] }),
  applyEdit: (label, edit) => {
    const { layout, keyNames, past } = get()
    const result = edit(layout, keyNames)
    const next = 'layout' in result && !('steps' in result) ? result : { layout: result as Layout, keyNames }
    if (next.layout === layout && next.keyNames === keyNames) return
    set({
      layout: next.layout,
      keyNames: next.keyNames,
      envelope: next.layout === layout ? get().envelope : undefined,
      past: [...past, { label, layout, keyNames }].slice(-HISTORY_LIMIT),
      future: [],
    })
  },
  setEnvelope: (envelope) => set({ envelope }),
  undo: () => {
    const { past, future, layout, keyNames } = get()
    const previous = past.at(-1)
    if (!previous) return
    set({
      layout: previous.layout,
      keyNames: previous.keyNames,
      envelope: undefined,
      past: past.slice(0, -1),
      future: [{ label: previous.label, layout, keyNames }, ...future],
    })
  },
  redo: () => {
    const { past, future, layout, keyNames } = get()
    const next = future[0]
    if (!next) return
    set({
      layout: next.layout,
      keyNames: next.keyNames,
      envelope: undefined,
      past: [...past, { label: next.label, layout, keyNames }],
      future: future.slice(1),
    })
  },
}))
