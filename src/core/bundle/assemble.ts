/**
 * Turning what a person dropped into one tree of named files: loose files keep their relative
 * paths (from a folder pick or drop), archives and `.intoto.jsonl` bundles are expanded in
 * place, and everything is charged to one budget. Whatever is refused is listed with the
 * reason; the rest of the bundle stays usable.
 */
import { safeEntryPath } from './entry-path.ts'
import { isJsonlName, splitJsonl } from './jsonl.ts'
import { Budget, BundleError, DEFAULT_BUNDLE_LIMITS, type BundleErrorCode, type BundleLimits } from './limits.ts'
import { detectArchive, unpackArchive } from './unpack.ts'

/** A dropped file, read lazily so its size can be checked first. */
export interface BundleInput {
  /** Path relative to what was dropped (`links/build.99c9631e/test.d47817f7.link`). */
  readonly path: string
  readonly size: number
  read(): Promise<Uint8Array>
}

export interface BundleFile {
  readonly path: string
  readonly bytes: Uint8Array
  /** The archive or attestation bundle it came from. */
  readonly origin?: string
}

export interface Refusal {
  readonly file: string
  readonly entry?: string
  readonly code: BundleErrorCode | 'invalid-line' | 'duplicate'
  readonly message: string
}

export interface Bundle {
  readonly files: ReadonlyMap<string, BundleFile>
  readonly refusals: readonly Refusal[]
  /** Things left out on purpose (links inside archives), for the triage list. */
  readonly notes: readonly string[]
}

export interface AssembleOptions {
  readonly limits?: BundleLimits
  /** Expand archives and attestation bundles (a link bundle), or keep every file as is (product files). */
  readonly expand: boolean
  /** Told each file as it joins the bundle, in bundle order, while later files are still being read. */
  readonly onFile?: (file: BundleFile) => void
}

/** Files read ahead of the one being processed: a browser reads them on other threads meanwhile. */
const READ_AHEAD_FILES = 3
/** At most this many bytes read ahead, and no file larger than the per-file limit (it is refused unread). */
const READ_AHEAD_BYTES = 64 * 1024 * 1024

export async function assembleBundle(inputs: readonly BundleInput[], options: AssembleOptions): Promise<Bundle> {
  const budget = new Budget(options.limits ?? DEFAULT_BUNDLE_LIMITS)
  const files = new Map<string, BundleFile>()
  const refusals: Refusal[] = []
  const notes: string[] = []
  const add = (file: BundleFile) => {
    if (files.has(file.path)) {
      refusals.push({
        file: file.origin ?? file.path,
        entry: file.origin ? file.path : undefined,
        code: 'duplicate',
        message: `'${file.path}' is given twice; the first one is kept`,
      })
      return
    }
    files.set(file.path, file)
    options.onFile?.(file)
  }
  const ahead = new ReadAhead(inputs, Math.min(READ_AHEAD_BYTES, budget.limits.maxFileBytes))
  for (const [index, input] of inputs.entries()) {
    try {
      const path = safeEntryPath(input.path, input.path)
      if (path === undefined) {
        ahead.skip(index)
        continue
      }
      budget.checkSize(input.size, input.path)
      budget.entry(input.path)
      const bytes = await ahead.read(index)
      budget.bytesOf(bytes.length, bytes.length, input.path)
      if (!options.expand) {
        add({ path, bytes })
        continue
      }
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
      if (isJsonlName(path)) {
        const { entries, problems } = splitJsonl(bytes, path, dir)
        for (const entry of entries) add({ path: entry.path, bytes: entry.bytes, origin: `${path}:${entry.line}` })
        for (const problem of problems) refusals.push({ file: path, entry: `line ${problem.line}`, code: 'invalid-line', message: problem.message })
        continue
      }
      const format = detectArchive(bytes)
      if (format === undefined) {
        add({ path, bytes })
        continue
      }
      const unpacked = unpackArchive(bytes, path, format, budget, { special: 'skip' })
      const strip = containerDirectory(unpacked.files.map((file) => file.path))
      for (const file of unpacked.files) {
        const inner = strip ? file.path.slice(strip.length + 1) : file.path
        add({ path: dir ? `${dir}/${inner}` : inner, bytes: file.data, origin: path })
      }
      for (const skipped of unpacked.skipped) notes.push(`${path}: '${skipped.entry}': ${skipped.reason}`)
    } catch (error) {
      ahead.skip(index)
      if (!(error instanceof BundleError)) throw error
      refusals.push({ file: error.file, entry: error.entry, code: error.code, message: error.message })
    }
  }
  return { files, refusals, notes }
}

/**
 * Reads `inputs` in order, a few ahead of the one asked for, so that reading (on the browser's
 * threads) overlaps with unpacking and classifying. Only files up to `maxBytes` are read ahead,
 * within the same total: a file the budget refuses by its size is never read.
 */
class ReadAhead {
  private readonly inputs: readonly BundleInput[]
  private readonly maxBytes: number
  private readonly started = new Map<number, Promise<Uint8Array>>()
  private next = 0
  private bytesAhead = 0

  constructor(inputs: readonly BundleInput[], maxBytes: number) {
    this.inputs = inputs
    this.maxBytes = maxBytes
  }

  read(index: number): Promise<Uint8Array> {
    const read = this.take(index) ?? (this.inputs[index] as BundleInput).read()
    this.next = Math.max(this.next, index + 1)
    this.startAhead()
    return read
  }

  /** Drops file `index` (refused or skipped): its read, if started, no longer counts. */
  skip(index: number): void {
    this.take(index)
    this.next = Math.max(this.next, index + 1)
    this.startAhead()
  }

  private take(index: number): Promise<Uint8Array> | undefined {
    const read = this.started.get(index)
    if (read === undefined) return undefined
    this.started.delete(index)
    this.bytesAhead -= (this.inputs[index] as BundleInput).size
    return read
  }

  private startAhead(): void {
    while (this.started.size < READ_AHEAD_FILES && this.next < this.inputs.length) {
      const input = this.inputs[this.next] as BundleInput
      if (input.size > this.maxBytes || this.bytesAhead + input.size > this.maxBytes) return
      const read = input.read()
      // Errors surface when the file's turn comes (read() again returns this promise).
      read.catch(() => undefined)
      this.started.set(this.next, read)
      this.bytesAhead += input.size
      this.next++
    }
  }
}

/**
 * An archive made of a folder (`links/…`) is unpacked as the folder's content, unless that
 * folder is a sublayout's link directory (`STEP.KEYID8`), which must keep its name.
 */
export function containerDirectory(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  const first = paths[0] as string
  const slash = first.indexOf('/')
  if (slash < 0) return undefined
  const top = first.slice(0, slash)
  if (isSublayoutDirName(top)) return undefined
  return paths.every((path) => path.startsWith(`${top}/`)) ? top : undefined
}

/** `build.99c9631e`: a step name, a dot and eight hex digits of a keyid. */
export function isSublayoutDirName(name: string): boolean {
  return /\.[0-9a-f]{8}$/.test(name)
}
