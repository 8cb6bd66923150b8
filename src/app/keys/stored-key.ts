/**
 * Turning keyring keys into storage records and back. The private key is sealed as PKCS#8 DER
 * with the public key as associated data, so a record whose public half was edited or swapped
 * fails to open rather than signing under someone else's keyid.
 */
import { CoreError } from '../../core/errors.ts'
import { utf8 } from '../../core/encoding/utf8.ts'
import { parsePkcs8 } from '../../core/keys/private-der.ts'
import { createPrivateKey } from '../../core/keys/private-key.ts'
import type { PrivateKey, PublicKey } from '../../core/keys/types.ts'
import { openSecret, parseVaultRecord, sealSecret } from '../../core/vault/vault.ts'
import type { StoredKey } from './key-storage.ts'

function boundData(publicKey: PublicKey): Uint8Array {
  return utf8(JSON.stringify(['layout-studio keyring v1', publicKey.keyid, publicKey.keytype, publicKey.scheme, publicKey.public]))
}

export async function sealKey(label: string, publicKey: PublicKey, privateKey: PrivateKey | undefined, passphrase: string): Promise<StoredKey> {
  const base = { id: publicKey.keyid, label, publicKey: { keyid: publicKey.keyid, keytype: publicKey.keytype, scheme: publicKey.scheme, public: publicKey.public } }
  if (privateKey === undefined) return base
  if (!privateKey.exportPkcs8) throw new CoreError('key', `key ${publicKey.keyid} cannot be remembered: its private material is not extractable`)
  const der = privateKey.exportPkcs8()
  try {
    return { ...base, sealed: await sealSecret(der, passphrase, { associatedData: boundData(publicKey) }) }
  } finally {
    der.fill(0)
  }
}

export async function openStoredKey(stored: StoredKey, passphrase: string): Promise<PrivateKey> {
  if (stored.sealed === undefined) throw new CoreError('key', `the stored key ${stored.id} has no private part`)
  const der = await openSecret(stored.sealed, passphrase, { associatedData: boundData(stored.publicKey) })
  try {
    return createPrivateKey(parsePkcs8(der, `stored key ${stored.id}`), stored.publicKey)
  } finally {
    der.fill(0)
  }
}

/** Checks a record read back from storage (another build or a person may have written it). */
export function checkStoredKey(value: unknown, index: number): StoredKey {
  const where = `stored key #${index + 1}`
  const record = value as Partial<StoredKey> | null
  const publicKey = record?.publicKey as Partial<PublicKey> | undefined
  const fields = [publicKey?.keyid, publicKey?.keytype, publicKey?.scheme, publicKey?.public]
  if (typeof record !== 'object' || record === null || typeof record.id !== 'string' || typeof record.label !== 'string' || fields.some((field) => typeof field !== 'string')) {
    throw new CoreError('format', `${where} is not a key record (id, label, publicKey {keyid, keytype, scheme, public})`)
  }
  if (publicKey?.keyid !== record.id) throw new CoreError('format', `${where}: its id ${record.id} is not its keyid ${String(publicKey?.keyid)}`)
  return { ...(record as StoredKey), sealed: record.sealed === undefined ? undefined : parseVaultRecord(record.sealed, where) }
}
