/**
 * What the edited layout is being compared with: a baseline (the version opened, the last
 * signed version, or a layout file) while the Changes view is shown. The comparison itself is
 * computed from the baseline and the live document, so it follows every edit.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Baseline } from '../../state/document-store.ts'

export interface CompareState {
  readonly baseline: Baseline | undefined
  /** A step or inspection (its name in the edited layout) or `key:<keyid>` to point at on the graph. */
  readonly focus: string | undefined
  compareWith(baseline: Baseline): void
  setFocus(focus: string | undefined): void
  stop(): void
}

export type CompareStore = StoreApi<CompareState>

export function createCompareStore(): CompareStore {
  return createStore<CompareState>()((set) => ({
    baseline: undefined,
    focus: undefined,
    compareWith: (baseline) => set({ baseline, focus: undefined }),
    setFocus: (focus) => set({ focus }),
    stop: () => set({ baseline: undefined, focus: undefined }),
  }))
}
