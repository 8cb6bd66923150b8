/** The page's tamper simulation store: the verification on display and the hashing worker injected. */
import { useStore } from 'zustand'
import { hashClient } from '../hashing/hash-client.ts'
import { verifyStore } from '../verify/verify-store.ts'
import { createTamperStore, type TamperState } from './tamper-store.ts'

/** The sha256 of a dropped file, hashed in the hashing worker. */
export async function sha256Of(file: Blob): Promise<string> {
  const [entry] = await hashClient.hashFiles([{ path: 'file', file }], ['sha256'])
  const digest = entry?.[1].find(([algorithm]) => algorithm === 'sha256')?.[1]
  if (digest === undefined) throw new Error('the hashing worker returned no sha256')
  return digest
}

export const tamperStore = createTamperStore({
  call: (call) => verifyStore.getState().resultCall(call),
  sha256: sha256Of,
})

// A simulation belongs to the verification on display: another one (or none) starts afresh.
verifyStore.subscribe((state, previous) => {
  if (state.run !== previous.run) tamperStore.getState().clear()
})

export function useTamper<T>(selector: (state: TamperState) => T): T {
  return useStore(tamperStore, selector)
}
