/**
 * Where remembered keys live between visits. The keyring store only sees {@link KeyStorage}, so
 * tests run it against {@link createMemoryKeyStorage} and the app against IndexedDB.
 *
 * What is stored is already sealed (see `stored-key.ts`): public fields in clear, the private
 * key only as a vault record encrypted under the person's passphrase.
 */
import type { PublicKey } from '../../core/keys/types.ts'
import type { VaultRecord } from '../../core/vault/vault.ts'

export interface StoredKey {
  /** The keyid. */
  readonly id: string
  readonly label: string
  readonly publicKey: PublicKey
  /** The PKCS#8 private key sealed under the passphrase; absent for public-only keys. */
  readonly sealed?: VaultRecord
}

export interface KeyStorage {
  list(): Promise<StoredKey[]>
  put(key: StoredKey): Promise<void>
  delete(id: string): Promise<void>
  clear(): Promise<void>
}

export function createMemoryKeyStorage(initial: readonly StoredKey[] = []): KeyStorage {
  const entries = new Map(initial.map((key) => [key.id, structuredClone(key)]))
  return {
    list: async () => [...entries.values()].map((key) => structuredClone(key)),
    put: async (key) => {
      entries.set(key.id, structuredClone(key))
    },
    delete: async (id) => {
      entries.delete(id)
    },
    clear: async () => entries.clear(),
  }
}

const DB_NAME = 'layout-studio-keyring'
const STORE = 'keys'

/** IndexedDB in the page's origin; the database is opened lazily, on first use. */
export function createIndexedDbKeyStorage(factory: IDBFactory = indexedDB): KeyStorage {
  let opened: Promise<IDBDatabase> | undefined
  const database = (): Promise<IDBDatabase> => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, 1)
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' })
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(new Error(`cannot open the key storage on this device: ${request.error?.message ?? 'unknown error'}`))
    })
    return opened
  }
  const run = async <T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await database()).transaction(STORE, mode)
    const request = operation(transaction.objectStore(STORE))
    return new Promise<T>((resolve, reject) => {
      // Resolve on commit, not on the request: only then is a write durable.
      transaction.oncomplete = () => resolve(request.result)
      transaction.onerror = () => reject(new Error(`key storage on this device failed: ${transaction.error?.message ?? 'unknown error'}`))
      transaction.onabort = () => reject(new Error(`key storage on this device failed: ${transaction.error?.message ?? 'transaction aborted'}`))
    })
  }
  return {
    list: () => run('readonly', (store) => store.getAll() as IDBRequest<StoredKey[]>),
    put: async (key) => {
      await run('readwrite', (store) => store.put(key))
    },
    delete: async (id) => {
      await run('readwrite', (store) => store.delete(id))
    },
    clear: async () => {
      await run('readwrite', (store) => store.clear())
    },
  }
}
