/**
 * Small facts about recorded artifacts that inference needs: when two recordings of a file
 * are the same (the reference's MATCH compares whole hash dicts, verifier-semantics.md §5.2),
 * how a path becomes an fnmatch pattern that matches only itself, and which directory
 * prefixes a MATCH `IN` clause can use without the reference's path rebuild failing.
 */
import type { HashDict } from '../model/types.ts'
import { joinArtifactPath } from '../verify/rules.ts'

/**
 * One key per distinct hash dict: equal keys exactly when in-toto's `!=` on the two dicts is
 * false (same algorithms, identical digest strings).
 */
export function hashKey(hashes: HashDict): string {
  let key = keyCache.get(hashes)
  if (key !== undefined) return key
  // Algorithm names and digests are schema-checked strings; the separators keep pairs apart.
  if (hashes.size === 1) {
    const [algorithm, digest] = hashes.entries().next().value as [string, string]
    key = `${algorithm}\u0001${digest}`
  } else {
    key = [...hashes]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([algorithm, digest]) => `${algorithm}\u0001${digest}`)
      .join('\u0002')
  }
  keyCache.set(hashes, key)
  return key
}

/** Links share no hash dicts, but one dict is keyed many times while a layout is inferred. */
const keyCache = new WeakMap<HashDict, string>()

/** Values by file version (a path with its hash dict), without building a key string per lookup. */
export class VersionMap<T> {
  private readonly byPath = new Map<string, Map<string, T>>()

  get(path: string, hashes: HashDict): T | undefined {
    return this.byPath.get(path)?.get(hashKey(hashes))
  }

  set(path: string, hashes: HashDict, value: T): void {
    let versions = this.byPath.get(path)
    if (versions === undefined) {
      versions = new Map()
      this.byPath.set(path, versions)
    }
    versions.set(hashKey(hashes), value)
  }
}

/** Two recordings of one path are the same version (in-toto's `==` on hash dicts). */
export function sameVersion(a: HashDict, b: HashDict): boolean {
  return a === b || hashKey(a) === hashKey(b)
}

/** `sha256:74dc3727…`: a digest as people read it in a rule's provenance. */
export function shortDigest(hashes: HashDict): string {
  const [algorithm, digest] = hashes.has('sha256') ? ['sha256', hashes.get('sha256') as string] : ([...hashes][0] ?? ['', ''])
  if (algorithm === '') return '(no hash)'
  return `${algorithm}:${digest.length > 12 ? `${digest.slice(0, 12)}…` : digest}`
}

/**
 * An fnmatch pattern matching exactly `path` (Python `fnmatch`: `*`, `?` and `[` are special,
 * a backslash is not an escape; a one-member class such as `[*]` is the literal character).
 */
export function literalPattern(path: string): string {
  return path.replace(/[*?[]/g, (special) => `[${special}]`)
}

/**
 * Whether `MATCH * IN <directory> …` finds `path` again after stripping the prefix: the
 * reference rebuilds the source path with `os.path.join` and `\` → `/` and looks it up
 * unguarded (a KeyError ends verification), so paths like `dir//x` or `dir/a\b` must keep
 * their own rules.
 */
export function rebuildsUnder(directory: string, path: string): boolean {
  const prefix = `${directory}/`
  if (!path.startsWith(prefix)) return false
  const rest = path.slice(prefix.length)
  return rest !== '' && joinArtifactPath(directory, rest) === path
}

/** The directories a path lies in, outermost first: `a/b/c.txt` → `a`, `a/b`. */
export function directoriesOf(path: string): string[] {
  const out: string[] = []
  for (let at = path.indexOf('/'); at >= 0; at = path.indexOf('/', at + 1)) out.push(path.slice(0, at))
  return out
}
