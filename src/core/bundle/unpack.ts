/**
 * Unpacking dropped archives (.zip, .tar, .tar.gz / .tgz, .gz) in memory, against a budget.
 * The format is told by content, not by name. Every entry path is made safe first; members
 * that are not plain files or directories (links, devices) are either skipped with a note
 * (a bundle of link files) or refuse the archive (emulating `tar x`, where they would change
 * what gets recorded).
 */
import { Gunzip } from 'fflate'
import { safeEntryPath } from './entry-path.ts'
import { type Budget, BundleError } from './limits.ts'
import { looksLikeTar, readTar } from './tar.ts'
import { concat, readZip } from './zip.ts'

export type ArchiveFormat = 'zip' | 'tar' | 'gzip'

/** Compressed bytes fed per step (see zip.ts). */
const CHUNK = 8 * 1024

export function detectArchive(bytes: Uint8Array): ArchiveFormat | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6)) return 'zip'
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip'
  if (looksLikeTar(bytes)) return 'tar'
  return undefined
}

export interface UnpackedFile {
  /** Safe path relative to the archive root. */
  readonly path: string
  readonly data: Uint8Array
}

export interface Unpacked {
  readonly format: 'zip' | 'tar' | 'tar.gz' | 'gz'
  readonly files: UnpackedFile[]
  readonly directories: string[]
  /** Members left out, and why (only with `special: 'skip'`). */
  readonly skipped: { readonly entry: string; readonly reason: string }[]
}

export interface UnpackOptions {
  /** What to do with symbolic links, hard links and devices: leave them out, or refuse the archive. */
  readonly special: 'skip' | 'refuse'
}

/** Gunzips with a running count, so a gzip bomb stops at the budget. */
export function gunzipLimited(bytes: Uint8Array, file: string, budget: Budget): Uint8Array {
  const chunks: Uint8Array[] = []
  let size = 0
  const gunzip = new Gunzip((chunk) => {
    size += chunk.length
    budget.bytesOf(chunk.length, size, file)
    chunks.push(chunk)
  })
  try {
    for (let offset = 0; offset < bytes.length; offset += CHUNK) gunzip.push(bytes.subarray(offset, offset + CHUNK), offset + CHUNK >= bytes.length)
  } catch (error) {
    if (error instanceof BundleError) throw error
    throw new BundleError('corrupt-archive', file, `not readable gzip data: ${error instanceof Error ? error.message : String(error)}`)
  }
  return concat(chunks, size)
}

/** Unpacks an archive of a known format; throws `BundleError` for anything refused. */
export function unpackArchive(bytes: Uint8Array, file: string, format: ArchiveFormat, budget: Budget, options: UnpackOptions): Unpacked {
  const files: UnpackedFile[] = []
  const directories: string[] = []
  const skipped: Unpacked['skipped'] = []
  const special = (entry: string, what: string) => {
    if (options.special === 'refuse') throw new BundleError('unsupported', file, `the archive holds ${what}, which is not reproduced here`, entry)
    skipped.push({ entry, reason: `${what} left out` })
  }
  // Two members landing on one path: which one a tool keeps (the first, the last, or it asks)
  // differs between tools and options, so no archive with such a pair is read at all.
  const claimed = new Map<string, 'file' | 'directory'>()
  const claim = (path: string, kind: 'file' | 'directory', entry: string) => {
    const earlier = claimed.get(path)
    if (earlier !== undefined && (earlier === 'file' || kind === 'file')) {
      throw new BundleError('unsupported', file, `two members extract to '${path}' (tools differ in which one they keep); refused`, entry)
    }
    claimed.set(path, kind)
  }
  if (format === 'zip') {
    readZip(bytes, file, budget, (member) => {
      const path = safeEntryPath(member.name, file)
      if (path === undefined) return
      if (member.special !== undefined) special(member.name, member.special)
      else if (member.directory) {
        claim(path, 'directory', member.name)
        directories.push(path)
      } else {
        claim(path, 'file', member.name)
        files.push({ path, data: member.data })
      }
    })
    return { format: 'zip', files, directories, skipped }
  }
  let tar = bytes
  let result: Unpacked['format'] = 'tar'
  if (format === 'gzip') {
    tar = gunzipLimited(bytes, file, budget)
    if (!looksLikeTar(tar)) {
      // A single gzipped file: `x.link.gz` holds `x.link`.
      const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.gz$/i, '') || 'file'
      budget.entry(file, name)
      return { format: 'gz', files: [{ path: name, data: tar }], directories, skipped }
    }
    result = 'tar.gz'
  }
  readTar(tar, file, (entry) => {
    budget.entry(file, entry.name)
    const path = safeEntryPath(entry.name, file)
    if (path === undefined) return
    switch (entry.type) {
      case 'file':
        claim(path, 'file', entry.name)
        // Expanded tar bytes were already charged for .tar.gz; a plain .tar is charged here.
        if (format === 'tar') budget.bytesOf(entry.data.length, entry.data.length, file, entry.name)
        else if (entry.data.length > budget.limits.maxFileBytes) budget.bytesOf(0, entry.data.length, file, entry.name)
        files.push({ path, data: entry.data })
        break
      case 'directory':
        claim(path, 'directory', entry.name)
        directories.push(path)
        break
      case 'symlink':
        special(entry.name, `a symbolic link (to '${entry.linkName}')`)
        break
      case 'hardlink':
        special(entry.name, `a hard link (to '${entry.linkName}')`)
        break
      default:
        special(entry.name, `a special file (tar type '${entry.typeflag}')`)
    }
  })
  return { format: result, files, directories, skipped }
}
