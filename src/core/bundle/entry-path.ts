/**
 * Paths of archive members and dropped files, made safe: everything lands inside the bundle.
 * An entry that would escape (`../x`, `/etc/passwd`, `C:\x`) is refused outright rather than
 * silently rewritten, so a hostile archive is noticed.
 */
import { BundleError } from './limits.ts'

/**
 * The entry's path relative to the bundle root (`a/b.link`), or `undefined` for the root
 * itself (`./`). Throws `unsafe-path` for absolute paths, drive letters, `..` segments,
 * backslashes and NUL characters.
 */
export function safeEntryPath(name: string, file: string): string | undefined {
  const unsafe = (why: string) => new BundleError('unsafe-path', file, `${why}; refused`, name)
  if (name.includes('\0')) throw unsafe('the entry name contains a NUL character')
  if (name.includes('\\')) throw unsafe('the entry name contains a backslash (a Windows path?)')
  if (name.startsWith('/')) throw unsafe('the entry has an absolute path')
  if (/^[A-Za-z]:/.test(name)) throw unsafe('the entry has a drive-letter path')
  const parts: string[] = []
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') throw unsafe("the entry's path climbs out of the archive with '..'")
    parts.push(part)
  }
  return parts.length === 0 ? undefined : parts.join('/')
}

/** `a/b/c` → `['a', 'a/b']`: the directories a file path implies. */
export function parentDirectories(path: string): string[] {
  const parts = path.split('/')
  const result: string[] = []
  for (let i = 1; i < parts.length; i++) result.push(parts.slice(0, i).join('/'))
  return result
}
