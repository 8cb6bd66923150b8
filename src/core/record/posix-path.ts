/** Python's `posixpath.normpath`, which in-toto applies to every recorded artifact path. */
export function normpath(path: string): string {
  if (path === '') return '.'
  const initialSlashes = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts.at(-1) === '..') parts.push(part)
    else if (parts.length > 0) parts.pop()
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/')
  return joined || '.'
}

/** Python's `posixpath.join(a, b)`. */
export function joinPosix(a: string, b: string): string {
  if (b.startsWith('/')) return b
  if (a === '' || a.endsWith('/')) return a + b
  return `${a}/${b}`
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
