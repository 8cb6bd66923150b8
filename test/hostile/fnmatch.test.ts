/**
 * Pathological patterns against huge names: the matcher (src/core/rules/fnmatch.ts) must stay
 * linear. The bound of 5 s only catches catastrophic backtracking (which would take hours);
 * the measured times are printed.
 */
import { describe, expect, it } from 'vitest'
import { compilePattern, fnmatch } from '../../src/core/rules/fnmatch.ts'
import { timed } from './helpers.ts'

const MB = 1024 * 1024
const BOUND_MS = 5000

describe('fnmatch on a 1 MB artifact name', () => {
  const as = 'a'.repeat(MB)

  it.each([
    ['*a*a*a*a*a*a*b', as, false],
    ['*a*a*a*a*a*a*b', `${as}b`, true],
    ['*a*a*a*a*a*a*b', `b${as}`, false],
    ['*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*c', as, false],
    ['*?*?*?*?*?*?*?*?*b', as, false],
    ['*[ab]*[ab]*[ab]*[!a]', as, false],
    ['*[ab]*[ab]*[ab]*[!a]', `${as}c`, true],
    ['a*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab*a', as, false],
    ['*aaaaaaaaaaaaaaaaaaaaaaaab*', `${as}b${as}`, true],
    ['***************************b', as, false],
    ['*', as, true],
    ['*/*', `${'x/'.repeat(MB / 2)}`, true],
  ])('%s', async (pattern, name, expected) => {
    const { value, ms } = await timed(`${pattern} on ${(name.length / MB).toFixed(1)} MB`, () => fnmatch(name, pattern))
    expect(value).toBe(expected)
    expect(ms).toBeLessThan(BOUND_MS)
  })

  it('filters thousands of long names with one compiled pattern', async () => {
    const names = Array.from({ length: 2000 }, (_, i) => `${'a'.repeat(500 + i)}${i % 2 === 0 ? 'b' : 'c'}`)
    const matcher = compilePattern('*a*a*a*a*a*a*b')
    const { value, ms } = await timed('2,000 names of ~1.5 KB', () => names.filter((name) => matcher.test(name)).length)
    expect(value).toBe(1000)
    expect(ms).toBeLessThan(BOUND_MS)
  })
})
