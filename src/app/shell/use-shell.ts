/** The page's shell store: the guide remembered in localStorage. */
import { useStore } from 'zustand'
import { createShellStore, type ShellState, type ShellStorage } from './shell-store.ts'

const GUIDE_KEY = 'layout-studio.guide'

function localShellStorage(): ShellStorage {
  return {
    read: () => {
      try {
        return localStorage.getItem(GUIDE_KEY) ?? undefined
      } catch {
        return undefined
      }
    },
    write: (value) => localStorage.setItem(GUIDE_KEY, value),
  }
}

export const shellStore = createShellStore(localShellStorage())

export function useShell<T>(selector: (state: ShellState) => T): T {
  return useStore(shellStore, selector)
}
