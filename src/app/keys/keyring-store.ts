/**
 * The keyring: keys the person holds in this page. Private keys live in memory only (as
 * `PrivateKey` objects whose material never reaches React state as text) unless the person asks
 * to remember them, which seals them under a passphrase into {@link KeyStorage}. "Forget all
 * keys" drops both.
 *
 * A remembered private key shows up locked after a reload (its public half is stored in
 * clear) until the passphrase unlocks it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { CoreError } from '../../core/errors.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { KeyAlgorithm, PrivateKey, PublicKey } from '../../core/keys/types.ts'
import { checkPassphrase } from '../../core/vault/vault.ts'
import { importAnyKey, labelFromFileName } from './key-import.ts'
import type { KeyStorage, StoredKey } from './key-storage.ts'
import { checkStoredKey, openStoredKey, sealKey } from './stored-key.ts'

export interface KeyEntry {
  /** The keyid (what signatures carry and link file names start with). */
  readonly id: string
  readonly label: string
  readonly publicKey: PublicKey
  /** Absent for public-only keys and for remembered keys not unlocked yet. */
  readonly privateKey?: PrivateKey
  /** Stored on this device (a private half only sealed under the passphrase). */
  readonly remembered: boolean
  /** Remembered with a private part that has not been unlocked in this session. */
  readonly locked: boolean
}

export interface KeyringState {
  readonly keys: readonly KeyEntry[]
  /** Set once device storage has been read. */
  readonly loaded: boolean
  /** Reads remembered keys (public halves; private ones stay locked). */
  load(): Promise<void>
  generate(algorithm: KeyAlgorithm, label?: string): Promise<KeyEntry>
  /** Throws the core's `PasswordRequiredError` for an encrypted key given without a password. */
  importKey(input: string | Uint8Array, options?: { file?: string; password?: string; label?: string }): Promise<KeyEntry>
  rename(id: string, label: string): void
  /** Removes a key from memory and from device storage. */
  remove(id: string): Promise<void>
  /**
   * Seals every key in memory into device storage. When keys are already remembered, the
   * passphrase must open them: one device, one passphrase. Returns how many keys were stored.
   */
  remember(passphrase: string): Promise<number>
  /** Unlocks the remembered private keys; returns how many were unlocked. */
  unlock(passphrase: string): Promise<number>
  /** Drops every key from memory and wipes device storage. */
  forgetAll(): Promise<void>
}

export type KeyringStore = StoreApi<KeyringState>

export function createKeyringStore(storage: KeyStorage): KeyringStore {
  return createStore<KeyringState>()((set, get) => {
    const upsert = (entry: KeyEntry): KeyEntry => {
      const existing = get().keys.find((key) => key.id === entry.id)
      if (existing === undefined) {
        set({ keys: [...get().keys, entry] })
        return entry
      }
      // Importing a key already held: a private half fills in a public-only or locked entry; nothing else changes.
      if (existing.privateKey !== undefined || entry.privateKey === undefined) return existing
      const merged: KeyEntry = { ...existing, privateKey: entry.privateKey, locked: false }
      set({ keys: get().keys.map((key) => (key.id === entry.id ? merged : key)) })
      return merged
    }

    return {
      keys: [],
      loaded: false,

      async load() {
        const stored = (await storage.list()).map(checkStoredKey)
        const known = new Set(get().keys.map((key) => key.id))
        const restored = stored
          .filter((record) => !known.has(record.id))
          .map((record): KeyEntry => ({ id: record.id, label: record.label, publicKey: record.publicKey, remembered: true, locked: record.sealed !== undefined }))
        set({ keys: [...get().keys, ...restored], loaded: true })
      },

      async generate(algorithm, label) {
        const privateKey = await generateKeyPair(algorithm)
        const { publicKey } = privateKey
        return upsert({ id: publicKey.keyid, label: label?.trim() || `${algorithm}-${publicKey.keyid.slice(0, 8)}`, publicKey, privateKey, remembered: false, locked: false })
      },

      async importKey(input, options = {}) {
        const imported = await importAnyKey(input, { file: options.file, password: options.password })
        const publicKey = imported.kind === 'private' ? imported.key.publicKey : imported.publicKey
        const label = options.label?.trim() || (options.file ? labelFromFileName(options.file) : `key-${publicKey.keyid.slice(0, 8)}`)
        return upsert({
          id: publicKey.keyid,
          label,
          publicKey,
          privateKey: imported.kind === 'private' ? imported.key : undefined,
          remembered: false,
          locked: false,
        })
      },

      rename(id, label) {
        const trimmed = label.trim()
        if (!trimmed) return
        set({ keys: get().keys.map((key) => (key.id === id ? { ...key, label: trimmed } : key)) })
      },

      async remove(id) {
        await storage.delete(id)
        set({ keys: get().keys.filter((key) => key.id !== id) })
      },

      async remember(passphrase) {
        checkPassphrase(passphrase)
        const stored = (await storage.list()).map(checkStoredKey)
        const sealedRecord = stored.find((record) => record.sealed !== undefined)
        if (sealedRecord !== undefined) {
          try {
            await openStoredKey(sealedRecord, passphrase)
          } catch (error) {
            if (error instanceof CoreError && error.code === 'decrypt') {
              throw new CoreError('decrypt', 'this passphrase does not open the keys already remembered on this device: use the same passphrase, or forget them first')
            }
            throw error
          }
        }
        const storedIds = new Map<string, StoredKey>(stored.map((record) => [record.id, record]))
        let count = 0
        for (const entry of get().keys) {
          // Locked entries are already sealed; re-sealing needs the private key, which is not in memory.
          if (entry.locked) continue
          const previous = storedIds.get(entry.id)
          const unchanged = previous !== undefined && previous.label === entry.label && (previous.sealed !== undefined) === (entry.privateKey !== undefined)
          const record: StoredKey = unchanged ? previous : await sealKey(entry.label, entry.publicKey, entry.privateKey, passphrase)
          if (record !== previous) await storage.put(record)
          count++
        }
        const now = new Set((await storage.list()).map((record) => record.id))
        set({ keys: get().keys.map((key) => ({ ...key, remembered: now.has(key.id) })) })
        return count
      },

      async unlock(passphrase) {
        const stored = new Map((await storage.list()).map(checkStoredKey).map((record) => [record.id, record]))
        const unlocked = new Map<string, PrivateKey>()
        for (const entry of get().keys) {
          const record = stored.get(entry.id)
          if (!entry.locked || record === undefined) continue
          unlocked.set(entry.id, await openStoredKey(record, passphrase))
        }
        set({ keys: get().keys.map((key) => (unlocked.has(key.id) ? { ...key, privateKey: unlocked.get(key.id), locked: false } : key)) })
        return unlocked.size
      },

      async forgetAll() {
        // Memory first: even if storage fails, the keys are gone from this page.
        set({ keys: [] })
        await storage.clear()
      },
    }
  })
}

/** Public keys of every keyring entry: the keys a signature report can name. */
export function keyringPublicKeys(keys: readonly KeyEntry[]): PublicKey[] {
  return keys.map((key) => key.publicKey)
}
