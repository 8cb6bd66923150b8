/** The page's "check files against a link" store: the hashing worker and the Verify store injected. */
import { useStore } from 'zustand'
import { hashClient } from '../hashing/hash-client.ts'
import { useVerifyStore } from '../verify/verify-store.ts'
import { createMatchStore, type MatchState } from './match-store.ts'

export const matchStore = createMatchStore({
  matchProducts: (files, link, settings, options) => hashClient.matchProducts(files, link, settings, options),
  verifiedProducts: (step) => useVerifyStore.getState().linkProducts(step),
  now: () => performance.now(),
})

export function useMatch<T>(selector: (state: MatchState) => T): T {
  return useStore(matchStore, selector)
}
