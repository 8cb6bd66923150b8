/**
 * What the verifier's working directory will hold besides the product, as the run sheet tells the owner to
 * lay it out: the signed layout as `root.layout` and the owners' public key files as the Keys panel exports
 * them. The owners are the layout's signers, or before signing the keyring's private keys that are not
 * functionaries (the keys that will sign it).
 */
import { useMemo } from 'react'
import type { Envelope } from '../../core/envelope/types.ts'
import type { Layout } from '../../core/model/types.ts'
import type { KeyEntry } from '../keys/keyring-store.ts'
import { type OwnerKeyFile, verifierDirectoryFiles } from '../keys/run-sheet.ts'
import { useKeyring } from '../keys/use-keyring.ts'
import { useDocumentStore } from '../state/document-store.ts'

export const LAYOUT_FILE = 'root.layout'

export function layoutOwners(layout: Layout, envelope: Envelope | undefined, keyring: readonly KeyEntry[]): OwnerKeyFile[] {
  const owner = (entry: KeyEntry): OwnerKeyFile => ({ name: entry.label, keytype: entry.publicKey.keytype })
  const signers = (envelope?.signatures ?? []).flatMap((signature) => keyring.filter((entry) => entry.id === signature.keyid))
  if (signers.length > 0) return signers.map(owner)
  return keyring.filter((entry) => (entry.privateKey !== undefined || entry.locked) && !layout.keys.has(entry.id)).map(owner)
}

export function useVerifierDirectory(): readonly string[] {
  const layout = useDocumentStore((state) => state.layout)
  const envelope = useDocumentStore((state) => state.envelope)
  const keyring = useKeyring((state) => state.keys)
  const owners = useMemo(() => layoutOwners(layout, envelope, keyring), [layout, envelope, keyring])
  // The same list (same identity) as long as the owners' names and key types stay: lint is cached on it.
  const key = owners.map((owner) => `${owner.keytype}\t${owner.name}`).join('\n')
  return useMemo(() => verifierDirectoryFiles(LAYOUT_FILE, key === '' ? [] : key.split('\n').map(parseOwner)), [key])
}

function parseOwner(line: string): OwnerKeyFile {
  const tab = line.indexOf('\t')
  return { keytype: line.slice(0, tab), name: line.slice(tab + 1) }
}
