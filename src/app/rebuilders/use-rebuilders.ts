/** The page's Rebuilders store: the policy remembered in localStorage, checks in a worker. */
import { useStore } from 'zustand'
import { createWorkerChecker } from './checker.ts'
import { createRebuildersStore, type PolicyStorage, type RebuildersState } from './rebuilders-store.ts'

const POLICY_KEY = 'layout-studio.rebuilder-policy'

function localPolicyStorage(): PolicyStorage {
  return {
    read: () => {
      try {
        return localStorage.getItem(POLICY_KEY) ?? undefined
      } catch {
        return undefined
      }
    },
    write: (text) => localStorage.setItem(POLICY_KEY, text),
  }
}

export const rebuildersStore = createRebuildersStore({ storage: localPolicyStorage(), checker: createWorkerChecker() })

export function useRebuilders<T>(selector: (state: RebuildersState) => T): T {
  return useStore(rebuildersStore, selector)
}
