/**
 * Limits on what a dropped bundle may expand to. Bundles come from strangers (a release page,
 * a ticket attachment), so every archive is unpacked against a budget: a zip bomb, a tarball
 * of a million empty files or a 1 GB "link" is refused with a message instead of taking the
 * page down.
 */

export interface BundleLimits {
  /** Largest single file, compressed or expanded (the CLI refuses link files past 256 MiB too). */
  readonly maxFileBytes: number
  /** Largest total of expanded bytes per bundle (all archives and loose files together). */
  readonly maxTotalBytes: number
  /** Most files and directories per bundle. */
  readonly maxEntries: number
}

export const DEFAULT_BUNDLE_LIMITS: BundleLimits = Object.freeze({
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntries: 20_000,
})

export type BundleErrorCode =
  /** A file, or the bundle, is larger than the limits allow. */
  | 'too-large'
  /** More entries than the limits allow. */
  | 'too-many-entries'
  /** An archive entry that would land outside its directory (`../x`, `/etc/x`). */
  | 'unsafe-path'
  /** The archive cannot be read. */
  | 'corrupt-archive'
  /** A valid archive using something we do not reproduce (symbolic links, encryption, …). */
  | 'unsupported'

/** Why a file or archive was refused; `file` is the dropped file, `entry` the member inside it. */
export class BundleError extends Error {
  readonly code: BundleErrorCode
  readonly file: string
  readonly entry: string | undefined
  readonly detail: string

  constructor(code: BundleErrorCode, file: string, detail: string, entry?: string) {
    super(`${file}${entry === undefined ? '' : ` (entry '${entry}')`}: ${detail}`)
    this.name = 'BundleError'
    this.code = code
    this.file = file
    this.entry = entry
    this.detail = detail
  }
}

/**
 * Running totals for one bundle. Every expanded byte and every entry is charged here as it is
 * produced, so a lying archive header cannot get past the limits.
 */
export class Budget {
  readonly limits: BundleLimits
  private bytes = 0
  private entries = 0

  constructor(limits: BundleLimits = DEFAULT_BUNDLE_LIMITS) {
    this.limits = limits
  }

  /** Counts one entry (file or directory). */
  entry(file: string, entry?: string): void {
    this.entries++
    if (this.entries > this.limits.maxEntries) {
      throw new BundleError('too-many-entries', file, `more than ${this.limits.maxEntries.toLocaleString('en-US')} files and directories; refused`, entry)
    }
  }

  /** Charges `count` more bytes of one file, whose running size is `fileBytes` (after adding). */
  bytesOf(count: number, fileBytes: number, file: string, entry?: string): void {
    this.bytes += count
    if (fileBytes > this.limits.maxFileBytes) {
      throw new BundleError('too-large', file, `expands to more than ${formatBytes(this.limits.maxFileBytes)}, the most one file may have here; refused`, entry)
    }
    if (this.bytes > this.limits.maxTotalBytes) {
      throw new BundleError('too-large', file, `the bundle expands to more than ${formatBytes(this.limits.maxTotalBytes)}; refused (a zip bomb?)`, entry)
    }
  }

  /** Checks a file's size before reading it (for files whose size is known up front). */
  checkSize(size: number, file: string): void {
    if (size > this.limits.maxFileBytes) {
      throw new BundleError('too-large', file, `is ${formatBytes(size)}, larger than the ${formatBytes(this.limits.maxFileBytes)} one file may have here; refused`)
    }
    if (this.bytes + size > this.limits.maxTotalBytes) {
      throw new BundleError('too-large', file, `would bring the bundle past ${formatBytes(this.limits.maxTotalBytes)}; refused`)
    }
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`
  return `${bytes} bytes`
}
