/**
 * The open layout document: the single source of truth that the editor draws, the keyring signs and the
 * verify panel checks. The editor extends this store with its command history; other panels only read
 * `layout`/`envelope`/`keyNames` and call the actions below.
 */
import { create } from 'zustand'
import type { Envelope } from '../../core/envelope/types.ts'
import { defaultExpires, emptyLayout } from '../../core/model/layout.ts'
import type { Layout } from '../../core/model/types.ts'

export interface DocumentState {
  layout: Layout
  /** The signed envelope whose signed part is exactly `layout`; cleared by any edit, since edits invalidate signatures. */
  envelope: Envelope | undefined
  /** Display names of functionary keys, by keyid: editor metadata, never part of the signed layout. */
  keyNames: ReadonlyMap<string, string>
  openDocument(next: { layout: Layout; envelope?: Envelope; keyNames?: ReadonlyMap<string, string> }): void
  setEnvelope(envelope: Envelope | undefined): void
}

export const useDocumentStore = create<DocumentState>()((set) => ({
  layout: emptyLayout(defaultExpires(new Date())),
  envelope: undefined,
  keyNames: new Map(),
  openDocument: ({ layout, envelope, keyNames }) => set({ layout, envelope, keyNames: keyNames ?? new Map() }),
  setEnvelope: (envelope) => set({ envelope }),
}))
