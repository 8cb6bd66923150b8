/**
 * Questions the app asks before it drops something ("Replace the signed layout?"). Actions outside React
 * call `ask(...)` and await the answer; the one `<ConfirmHost />` shows the question as an alert dialog.
 * A vanilla store, so that actions and tests can answer without a page.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'

export interface ConfirmChoice {
  readonly id: string
  readonly label: string
  /** Drawn as the dangerous choice (red). */
  readonly danger?: boolean
}

export interface ConfirmRequest {
  readonly title: string
  readonly description: string
  /** The choices besides "Cancel", most important last (it gets the primary style). */
  readonly choices: readonly ConfirmChoice[]
  readonly cancelLabel?: string
}

export interface ConfirmState {
  readonly pending: (ConfirmRequest & { readonly resolve: (choice: string | undefined) => void; readonly returnFocus: unknown }) | undefined
  /** Resolves with the chosen id, or `undefined` for Cancel / Escape. A new question cancels an open one. */
  ask(request: ConfirmRequest): Promise<string | undefined>
  answer(choice: string | undefined): void
}

export type ConfirmStore = StoreApi<ConfirmState>

export function createConfirmStore(): ConfirmStore {
  return createStore<ConfirmState>()((set, get) => ({
    pending: undefined,
    ask: (request) =>
      new Promise((resolve) => {
        get().pending?.resolve(undefined)
        // The control that asked gets the focus back when the question closes (there is no trigger for Radix to return to).
        set({ pending: { ...request, resolve, returnFocus: globalThis.document?.activeElement ?? undefined } })
      }),
    answer: (choice) => {
      const pending = get().pending
      if (pending === undefined) return
      set({ pending: undefined })
      pending.resolve(choice)
    },
  }))
}

export const confirmStore = createConfirmStore()
