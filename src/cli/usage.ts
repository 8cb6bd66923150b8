/** Errors in how the command was called: exit code 2, like in-toto's tools. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** `KEY=VALUE` pairs into a map. */
export function collect(values: readonly string[], what: string): Map<string, string> {
  const pairs = new Map<string, string>()
  for (const value of values) {
    const at = value.indexOf('=')
    if (at <= 0) throw new UsageError(`${what} '${value}' must look like KEY=VALUE`)
    pairs.set(value.slice(0, at), value.slice(at + 1))
  }
  return pairs
}
