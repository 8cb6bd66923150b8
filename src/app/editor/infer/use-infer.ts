/** The page's inference store; components read it through {@link useInfer}. */
import { useStore } from 'zustand'
import { createInferStore, type InferState } from './infer-store.ts'

export const inferStore = createInferStore()

export function useInfer<T>(selector: (state: InferState) => T): T {
  return useStore(inferStore, selector)
}
