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
  return JSON.stringify([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/** `path` + its hash dict: the identity of one version of one file. */
export function versionKey(path: string, hashes: HashDict): string {
  return `${path}\u0000${hashKey(hashes)}`
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
  const parts = path.split('/')
  const out: string[] = []
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'))
  return out
}
