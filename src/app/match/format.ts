/** Sizes and speeds as the check shows them. */
export function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}

export function throughput(bytes: number, ms: number): string {
  if (ms <= 0 || bytes === 0) return ''
  return `${Math.round(bytes / (1024 * 1024) / (ms / 1000))} MiB/s`
}

/** A digest pair list as `sha256 0123…cdef`, the algorithms in the order recorded. */
export function shortDigests(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([algorithm, hex]) => `${algorithm} ${hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : hex}`).join(', ') || '(no hashes)'
}
