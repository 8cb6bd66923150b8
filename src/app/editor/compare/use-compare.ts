/** The page's comparison store; components read it through {@link useCompare}. */
import { useStore } from 'zustand'
import { createCompareStore, type CompareState } from './compare-store.ts'

export const compareStore = createCompareStore()

export function useCompare<T>(selector: (state: CompareState) => T): T {
  return useStore(compareStore, selector)
}
