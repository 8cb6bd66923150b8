/**
 * Recording materials and products (in-toto 1.3.1 `runlib.record_artifacts_as_dict`; in-toto
 * 2.x `resolver/_resolver.py: FileResolver.hash_artifacts` with `semantics: 'in-toto-2'`),
 * over an abstract file system: the CLI walks the disk, the browser walks files in memory.
 *
 * Paths are `normpath`'d (no leading `./`), directories are walked top-down with exclude
 * patterns applied to directories (pruning the walk) and files, symlinked directories are
 * followed (as `in-toto-run` does; `in-toto-match-products` does not), broken symlinks are
 * skipped, and each file gets `{"sha256": hex}`.
 */
import { CoreError } from '../errors.ts'
import type { HashDict } from '../model/types.ts'
import { compileGitIgnoreSpec } from './gitignore-spec.ts'
import { compileExcludes, DEFAULT_EXCLUDE_PATTERNS } from './gitwildmatch.ts'
import { basename, joinPosix, normpath } from './posix-path.ts'

export interface RecordingFs {
  /** What `path` is, following symlinks: a broken symlink is `missing`. */
  kind(path: string): Promise<'file' | 'directory' | 'missing'>
  /** Entry names of a directory; `directory` follows symlinks, as `os.walk` classifies them. */
  list(directory: string): Promise<readonly { readonly name: string; readonly directory: boolean; readonly symlink?: boolean }[]>
  /** The file's hashes (`{"sha256": hex}` unless told otherwise). */
  hash(path: string): Promise<HashDict>
  /** A stable identity of a directory (its real path), to stop at symlink loops; optional. */
  identity?(directory: string): Promise<string>
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
const MAX_WALK_DEPTH = 256

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
  const add = async (path: string) => {
    options.signal?.throwIfAborted()
    let key = path.replace(/\\/g, '/')
    if (lstrip.length > 0) {
      const prefix = lstrip.find((candidate) => key.startsWith(candidate))
      if (prefix !== undefined) key = key.slice(prefix.length)
      if (artifacts.has(key)) throw new CoreError('format', `Prefix selection has resulted in non unique dictionary key '${key}'`)
    }
    artifacts.set(key, await fs.hash(path))
    options.onFile?.(key)
  }

  const walker: Walker = { fs, keep, add, follow }
  const given = inToto2 ? paths.map(normpath).filter((path) => !excluded(path)) : keep(paths.map(normpath))
  for (const artifact of given) {
    const kind = await fs.kind(artifact)
    if (kind === 'file') await add(artifact)
    else if (kind === 'directory') await walk(artifact, walker, new Set(), 0)
  }
  return artifacts
}

interface Walker {
  readonly fs: RecordingFs
  readonly keep: (names: readonly string[]) => string[]
  readonly add: (path: string) => Promise<void>
  readonly follow: boolean
}

async function walk(root: string, { fs, keep, add, follow }: Walker, visiting: Set<string>, depth: number): Promise<void> {
  if (depth > MAX_WALK_DEPTH) throw new CoreError('format', `directories nest deeper than ${MAX_WALK_DEPTH} levels under '${root}' (a symlink loop?)`)
  const identity = fs.identity ? await fs.identity(root) : undefined
  if (identity !== undefined) {
    if (visiting.has(identity)) return
    visiting.add(identity)
  }
  const entries = await fs.list(root)
  // os.walk(followlinks=False) lists a symlinked directory but does not descend into it.
  const directories = keep(entries.filter((entry) => entry.directory && (follow || !entry.symlink)).map((entry) => normpath(joinPosix(root, entry.name))))
  const candidates = entries.filter((entry) => !entry.directory).map((entry) => normpath(joinPosix(root, entry.name)))
  const files: string[] = []
  for (const file of candidates) if ((await fs.kind(file)) === 'file') files.push(file)
  for (const file of keep(files)) await add(file)
  for (const directory of directories) await walk(joinPosix(root, basename(directory)), { fs, keep, add, follow }, visiting, depth + 1)
  if (identity !== undefined) visiting.delete(identity)
}
