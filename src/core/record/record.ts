/**
 * Recording materials and products (in-toto 1.3.1 `runlib.record_artifacts_as_dict`; in-toto
 * 2.x `resolver/_resolver.py: FileResolver.hash_artifacts` with `semantics: 'in-toto-2'`),
 * over an abstract file system: the CLI walks the disk, the browser walks files in memory.
 *
 * Paths are `normpath`'d (no leading `./`), directories are walked top-down with exclude
 * patterns applied to directories (pruning the walk) and files, symlinked directories are
 * followed (as `in-toto-run` does; `in-toto-match-products` does not), and each file gets
 * `{"sha256": hex}`.
 *
 * Recording never leaves out silently what it finds: whatever a link cannot represent, and
 * is not excluded, stops recording with a {@link RecordError} naming the entry. The
 * reference records the same trees or fails on them too, except where it skips entries
 * without a word (a FIFO, a socket, a device, a broken symbolic link, a directory it may
 * not list, a file it may not examine): there the safe side is to refuse, since a
 * `DISALLOW *` would pass over what nobody saw. Listed in docs/compatibility.md.
 */
import { CoreError, type ReferenceException } from '../errors.ts'
import type { HashDict } from '../model/types.ts'
import { compileGitIgnoreSpec } from './gitignore-spec.ts'
import { compileExcludes, DEFAULT_EXCLUDE_PATTERNS } from './gitwildmatch.ts'
import { basename, joinPosix, normpath } from './posix-path.ts'

/** Something at a path that a link cannot record (a FIFO, a broken symbolic link, …): `unrecordable` says what. */
export interface Unrecordable {
  readonly unrecordable: string
  /** The exception the reference raises here, when it raises one (otherwise it skips the entry). */
  readonly errorType?: ReferenceException
}

export type EntryKind = 'file' | 'directory' | Unrecordable

export interface DirectoryEntry {
  /**
   * The entry's name. A name that is not valid UTF-8 comes as Python's `os.fsdecode` gives it
   * (surrogateescape: each undecodable byte `0xNN` as the lone surrogate U+DCNN), so exclude
   * patterns see what in-toto's see.
   */
  readonly name: string
  /** What it is, following symbolic links (a symlink to a directory is a directory, as `os.walk` says). */
  readonly kind: EntryKind
  /** The entry itself is a symbolic link. */
  readonly symlink?: boolean
}

export interface RecordingFs {
  /** What `path` is, following symlinks; `missing` when there is nothing at all (not even a broken symlink). */
  kind(path: string): Promise<EntryKind | 'missing'>
  /** The entries of a directory; throws {@link RecordError} when it cannot be listed. */
  list(directory: string): Promise<readonly DirectoryEntry[]>
  /** The file's hashes (`{"sha256": hex}` unless told otherwise); throws {@link RecordError} when it cannot be read. */
  hash(path: string): Promise<HashDict>
  /** A stable identity of a directory (its real path), to notice symlink loops; optional. */
  identity?(directory: string): Promise<string>
}

/**
 * An artifact that cannot be recorded, naming it: `entry` is the path as recorded (undecodable
 * bytes shown as `\xNN`), `exception` the one the reference raises there (or, where it would
 * skip the entry, the closest one).
 */
export class RecordError extends CoreError {
  readonly entry: string

  constructor(entry: string, reason: string, exception: ReferenceException) {
    const shown = displayPath(normpath(entry))
    super('record', `cannot record '${shown}': ${reason}`, { exception })
    this.name = 'RecordError'
    this.entry = shown
  }
}

/**
 * Whose walk to reproduce. `in-toto-1.3`: exclude patterns as pathspec 0.11 `PathSpec` (last
 * match wins), the given paths normalized, deduplicated and sorted first. `in-toto-2`: as
 * pathspec 1.x `GitIgnoreSpec` (gitignore-spec.ts), each given path taken in order, so one
 * given twice is recorded twice (an error with `lstripPaths`, "non unique dictionary key").
 */
export type RecordingSemantics = 'in-toto-1.3' | 'in-toto-2'

export interface RecordOptions {
  /** Default `in-toto-1.3`, the generation `layout-studio run` records like. */
  readonly semantics?: RecordingSemantics
  /** `os.walk(followlinks=…)`: true for in-toto-run and -record (the default), false for in-toto-match-products. */
  readonly followSymlinkedDirectories?: boolean
  /** Defaults to in-toto's `["*.link*", ".git", "*.pyc", "*~"]`; `[]` records everything. */
  readonly excludePatterns?: readonly string[]
  /** Prefixes stripped from recorded paths (`--lstrip-paths`). */
  readonly lstripPaths?: readonly string[]
  /** Called after each file is hashed, for progress displays. */
  readonly onFile?: (path: string) => void
  readonly signal?: AbortSignal
}

/** Guards against symlink loops when the file system cannot tell identities. */
export const MAX_WALK_DEPTH = 256

const EXCLUDE_HINT = 'exclude it from recording or remove it'

export async function recordArtifacts(paths: readonly string[], fs: RecordingFs, options: RecordOptions = {}): Promise<Map<string, HashDict>> {
  const artifacts = new Map<string, HashDict>()
  if (paths.length === 0) return artifacts
  const patterns = options.excludePatterns ?? DEFAULT_EXCLUDE_PATTERNS
  const inToto2 = options.semantics === 'in-toto-2'
  const excluded = inToto2 ? compileGitIgnoreSpec(patterns) : compileExcludes(patterns)
  const keep = (names: readonly string[]) => (patterns.length === 0 ? [...names] : [...new Set(names)].filter((name) => !excluded(name)).sort())
  const follow = options.followSymlinkedDirectories ?? true
  const lstrip = options.lstripPaths ?? []
  for (const [i, a] of lstrip.entries()) {
    for (const b of lstrip.slice(i + 1)) {
      if (a.startsWith(b) || b.startsWith(a)) throw new CoreError('format', `'${a}' and '${b}' triggered a left substring error`)
    }
  }
  /** Which path each key came from: two paths must not record as one key (one would be lost). */
  const sources = new Map<string, string>()
  const add = async (path: string) => {
    options.signal?.throwIfAborted()
    if (hasLoneSurrogate(path)) {
      throw new RecordError(
        path,
        `its name is not valid UTF-8, so a link cannot hold it (in-toto 1.3.1 stops here with UnicodeEncodeError); rename it, or ${EXCLUDE_HINT}`,
        'UnicodeEncodeError',
      )
    }
    let key = path.replace(/\\/g, '/')
    if (lstrip.length > 0) {
      const prefix = lstrip.find((candidate) => key.startsWith(candidate))
      if (prefix !== undefined) key = key.slice(prefix.length)
      if (artifacts.has(key)) throw new CoreError('format', `Prefix selection has resulted in non unique dictionary key '${key}'`)
    }
    const earlier = sources.get(key)
    if (earlier !== undefined && earlier !== path) {
      // in-toto turns a backslash into '/' and keeps the last hash: one of the two files would vanish from the link.
      throw new RecordError(path, `it is recorded as '${key}', as '${displayPath(earlier)}' is: one of the two would be left out; rename one`, 'KeyError')
    }
    sources.set(key, path)
    artifacts.set(key, await fs.hash(path))
    options.onFile?.(key)
  }

  const walker: Walker = { fs, keep, add, follow }
  const given = inToto2 ? paths.map(normpath).filter((path) => !excluded(path)) : keep(paths.map(normpath))
  for (const artifact of given) {
    const kind = await fs.kind(artifact)
    if (kind === 'missing') continue // in-toto: "path: … does not exist, skipping.."
    if (kind === 'file') await add(artifact)
    else if (kind === 'directory') await walk(artifact, walker, new Set(), 0)
    else refuse(artifact, kind)
  }
  return artifacts
}

interface Walker {
  readonly fs: RecordingFs
  readonly keep: (names: readonly string[]) => string[]
  readonly add: (path: string) => Promise<void>
  readonly follow: boolean
}

async function walk(root: string, walker: Walker, visiting: Set<string>, depth: number): Promise<void> {
  const { fs, keep, add, follow } = walker
  if (depth > MAX_WALK_DEPTH) {
    throw new RecordError(root, `directories nest deeper than ${MAX_WALK_DEPTH} levels here (a symbolic link loop?)`, 'RecursionError')
  }
  const identity = fs.identity ? await fs.identity(root) : undefined
  if (identity !== undefined) {
    if (visiting.has(identity)) {
      // in-toto follows the loop until the system refuses the path, recording the same files again and again.
      throw new RecordError(root, `it is a symbolic link to a directory that contains it (a loop); ${EXCLUDE_HINT}`, 'RecursionError')
    }
    visiting.add(identity)
  }
  const entries = await fs.list(root)
  const kinds = new Map<string, EntryKind>()
  const directories: string[] = []
  const files: string[] = []
  for (const entry of entries) {
    const path = normpath(joinPosix(root, entry.name))
    kinds.set(path, entry.kind)
    if (entry.kind !== 'directory') files.push(path)
    // os.walk(followlinks=False) lists a symlinked directory but does not descend into it (in-toto-match-products).
    else if (follow || !entry.symlink) directories.push(path)
  }
  for (const file of keep(files)) {
    const kind = kinds.get(file) as EntryKind
    if (kind === 'file') await add(file)
    else refuse(file, kind as Unrecordable)
  }
  for (const directory of keep(directories)) await walk(joinPosix(root, basename(directory)), walker, visiting, depth + 1)
  if (identity !== undefined) visiting.delete(identity)
}

function refuse(path: string, kind: Unrecordable): never {
  const reference = kind.errorType ? `stops here with ${kind.errorType}` : 'leaves it out without a word'
  throw new RecordError(path, `it is ${kind.unrecordable}, which a link cannot record (in-toto 1.3.1 ${reference}); ${EXCLUDE_HINT}`, kind.errorType ?? 'OSError')
}

/** Whether `text` holds a UTF-16 surrogate without its pair (an undecodable byte of a file name, see {@link DirectoryEntry}). */
export function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xd800 || unit > 0xdfff) continue
    if (unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
    }
    return true
  }
  return false
}

/** A path for messages: undecodable bytes (U+DC80–U+DCFF, see {@link DirectoryEntry}) as `\xNN`, other lone surrogates as `\uNNNN`. */
export function displayPath(path: string): string {
  if (!hasLoneSurrogate(path)) return path
  let out = ''
  for (let i = 0; i < path.length; i++) {
    const unit = path.charCodeAt(i)
    const next = path.charCodeAt(i + 1)
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += path.slice(i, i + 2)
      i++
    } else if (unit >= 0xdc80 && unit <= 0xdcff) out += `\\x${(unit - 0xdc00).toString(16).padStart(2, '0')}`
    else if (unit >= 0xd800 && unit <= 0xdfff) out += `\\u${unit.toString(16)}`
    else out += path.charAt(i)
  }
  return out
}

/**
 * The files {@link recordArtifacts} would hash, in order, without hashing them: what a
 * progress display needs to know the total before the first byte is read.
 */
export async function plannedArtifacts(paths: readonly string[], fs: RecordingFs, options: Omit<RecordOptions, 'onFile'> = {}): Promise<string[]> {
  const planned: string[] = []
  const dry: RecordingFs = {
    kind: (path) => fs.kind(path),
    list: (directory) => fs.list(directory),
    identity: fs.identity ? (directory) => (fs.identity as NonNullable<RecordingFs['identity']>)(directory) : undefined,
    hash: async (path) => {
      planned.push(path)
      return new Map()
    },
  }
  await recordArtifacts(paths, dry, options)
  return planned
}
