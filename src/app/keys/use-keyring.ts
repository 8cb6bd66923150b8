/**
 * The page's keyring: one store for the whole app, remembered keys in IndexedDB. Components
 * read it through {@link useKeyring}; actions are called on `keyringStore.getState()`.
 */
import { useStore } from 'zustand'
import { createIndexedDbKeyStorage, createMemoryKeyStorage } from './key-storage.ts'
import { createKeyringStore, type KeyringState } from './keyring-store.ts'

export const keyringStore = createKeyringStore(typeof indexedDB === 'undefined' ? createMemoryKeyStorage() : createIndexedDbKeyStorage())

export function useKeyring<T>(selector: (state: KeyringState) => T): T {
  return useStore(keyringStore, selector)
}
