/**
 * Files dropped (or picked) on the wrong zone go where they belong, told by their content: a signed layout to
 * Layout, a public key to Owner keys, links and archives of links to Links, anything else to Product files.
 * A zone keeps what it is meant for: Links keeps sublayouts (layouts named like links) and archives, Product
 * files keep archives (the product is often one). Only small files are read to tell; big ones are products.
 */
import { classifyFile, type FileKind } from '../../core/bundle/classify.ts'
import { detectArchive } from '../../core/bundle/unpack.ts'
import type { PickedFile } from './collect.ts'
import type { Zone } from './verify-store.ts'

/** Metadata and keys are small; a file above this is not read to be classified. */
const CLASSIFY_LIMIT = 4 * 1024 * 1024

export type Sniffed = FileKind | 'archive'

export interface RoutedFile {
  readonly picked: PickedFile
  readonly zone: Zone
  /** What it was told to be, when that moved it. */
  readonly because?: string
}

const KIND_WORDS: Record<Sniffed, string> = {
  link: 'a link',
  'dsse-link': 'a link',
  statement: 'an attestation',
  layout: 'a layout',
  key: 'a key',
  archive: 'an archive',
  unknown: 'not metadata',
}

/**
 * Where a file of this kind belongs when dropped on `zone` (pure, so the rules are tested directly). A file
 * that is nothing recognizable stays where it was dropped, so that zone's checks say what is wrong with it.
 * An archive is a bundle of links when its name says so, else a product.
 */
export function zoneFor(dropped: Zone, kind: Sniffed, path: string): Zone {
  if (kind === 'unknown') return dropped
  const isLinkKind = kind === 'link' || kind === 'dsse-link' || kind === 'statement'
  const archiveZone: Zone = /link/i.test(path) ? 'links' : 'products'
  switch (dropped) {
    case 'layout':
      return kind === 'layout' ? 'layout' : kind === 'key' ? 'ownerKeys' : isLinkKind ? 'links' : archiveZone
    case 'ownerKeys':
      return kind === 'key' ? 'ownerKeys' : kind === 'layout' ? 'layout' : isLinkKind ? 'links' : archiveZone
    case 'links':
      if (isLinkKind || kind === 'archive') return 'links'
      // A sublayout sits where a step's link belongs (`STEP.KEYID8.link`); a `.layout` file is the root layout.
      if (kind === 'layout') return /\.link$/i.test(path) || path.includes('/') ? 'links' : 'layout'
      return 'ownerKeys'
    case 'products':
      return isLinkKind ? 'links' : kind === 'layout' ? 'layout' : kind === 'key' ? 'ownerKeys' : 'products'
  }
}

async function sniff(picked: PickedFile): Promise<Sniffed> {
  const { file } = picked
  if (file.size > CLASSIFY_LIMIT) return detectArchive(new Uint8Array(await file.slice(0, 512).arrayBuffer())) ? 'archive' : 'unknown'
  const bytes = new Uint8Array(await file.arrayBuffer())
  if (detectArchive(bytes)) return 'archive'
  try {
    return classifyFile(picked.path, bytes).kind
  } catch {
    return 'unknown'
  }
}

export async function routeDroppedFiles(zone: Zone, files: readonly PickedFile[]): Promise<RoutedFile[]> {
  return Promise.all(
    files.map(async (picked): Promise<RoutedFile> => {
      const kind = await sniff(picked)
      const target = zoneFor(zone, kind, picked.path)
      return target === zone ? { picked, zone } : { picked, zone: target, because: KIND_WORDS[kind] }
    }),
  )
}
