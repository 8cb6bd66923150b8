/**
 * Array helpers that never spread an array onto the call stack: `a.push(...b)`,
 * `Math.max(...b)` and `String.fromCharCode(...b)` throw "Maximum call stack size exceeded" at
 * about 100,000 elements, and every array the core handles may be input-sized. The lint rule
 * lint/no-spread-arguments.grit keeps spread arguments out of src/core and src/cli.
 */

/** Appends every item to `target`. */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item)
}

/** The smallest value (`Infinity` for none). */
export function minOf(values: Iterable<number>): number {
  let min = Number.POSITIVE_INFINITY
  for (const value of values) if (value < min) min = value
  return min
}

/** The largest value (`-Infinity` for none). */
export function maxOf(values: Iterable<number>): number {
  let max = Number.NEGATIVE_INFINITY
  for (const value of values) if (value > max) max = value
  return max
}
