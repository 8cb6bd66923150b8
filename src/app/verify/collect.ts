/**
 * Turning a file pick or a drop into files with paths relative to what was chosen. A picked
 * or dropped folder stands for its content (`links/x.link` → `x.link`), except a sublayout's
 * link folder (`build.99c9631e/`), which must keep its name for the verifier to find it.
 */
import { isSublayoutDirName } from '../../core/bundle/assemble.ts'

export interface PickedFile {
  readonly path: string
  readonly file: File
}

/** Whether a picked or dropped folder keeps its own name in the paths (a working directory's `-p dist`). */
export interface CollectOptions {
  readonly keepFolderNames?: boolean
}

/** Files from `<input type=file>`; a directory pick gives `webkitRelativePath`s under the folder. */
export function filesFromInput(list: FileList | readonly File[], options: CollectOptions = {}): PickedFile[] {
  return [...list].map((file) => {
    const relative = file.webkitRelativePath
    if (!relative) return { path: file.name, file }
    if (options.keepFolderNames) return { path: relative, file }
    const slash = relative.indexOf('/')
    const top = relative.slice(0, slash)
    return { path: slash < 0 || isSublayoutDirName(top) ? relative : relative.slice(slash + 1), file }
  })
}

/** The subset of the File and Directory Entries API we use (so it can be faked in tests). */
export interface EntryLike {
  readonly isFile: boolean
  readonly isDirectory: boolean
  readonly name: string
  file?(success: (file: File) => void, failure: (error: unknown) => void): void
  createReader?(): { readEntries(success: (entries: EntryLike[]) => void, failure: (error: unknown) => void): void }
}

/** Entries must be taken synchronously inside the drop handler; reading them can happen later. */
export function entriesOf(transfer: DataTransfer): EntryLike[] | undefined {
  const entries: EntryLike[] = []
  for (const item of [...transfer.items]) {
    if (item.kind !== 'file') continue
    const entry = item.webkitGetAsEntry?.() as EntryLike | null | undefined
    if (!entry) return undefined
    entries.push(entry)
  }
  return entries
}

/** Reads dropped entries, walking folders (readEntries returns batches until it returns none). */
export async function filesFromEntries(entries: readonly EntryLike[], maxFiles = 200_000, options: CollectOptions = {}): Promise<PickedFile[]> {
  const out: PickedFile[] = []
  const visit = async (entry: EntryLike, prefix: string): Promise<void> => {
    if (out.length >= maxFiles) return
    if (entry.isFile && entry.file) {
      const file = await new Promise<File>((resolve, reject) => entry.file?.(resolve, reject))
      out.push({ path: prefix + entry.name, file })
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader()
      for (;;) {
        const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (batch.length === 0) break
        for (const child of batch) await visit(child, `${prefix}${entry.name}/`)
      }
    }
  }
  for (const entry of entries) {
    if (entry.isDirectory && !isSublayoutDirName(entry.name) && !options.keepFolderNames) {
      // A dropped folder stands for its content.
      const reader = entry.createReader?.()
      if (!reader) continue
      for (;;) {
        const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (batch.length === 0) break
        for (const child of batch) await visit(child, '')
      }
    } else await visit(entry, '')
  }
  return out
}
