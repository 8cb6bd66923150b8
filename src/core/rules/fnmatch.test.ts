import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { compilePattern, filterNames, fnmatch } from './fnmatch.ts'

/** Generated once by `generate-fnmatch-cases.py` with Python 3.11's `fnmatch.fnmatchcase`. */
const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/fnmatch-cases.json', import.meta.url), 'utf8')) as {
  python: string
  cases: Array<[string, string, boolean]>
}

describe('fnmatch against Python fnmatch.fnmatchcase', () => {
  it(`agrees on all ${fixture.cases.length} recorded cases`, () => {
    expect(fixture.cases.length).toBeGreaterThan(5000)
    const disagreements = fixture.cases.filter(([pattern, name, expected]) => fnmatch(name, pattern) !== expected)
    expect(disagreements).toEqual([])
  })
})

describe('fnmatch semantics (verifier-semantics §5.3)', () => {
  const table: Array<[pattern: string, name: string, expected: boolean]> = [
    ['*', '', true],
    ['*', 'a/b/c.txt', true],
    ['a*', 'a/b/c.txt', true],
    ['a*', 'a\nb', true],
    ['**', 'x/y', true],
    ['?', '/', true],
    ['?', '\n', true],
    ['?', '😀', true],
    ['??', '😀', false],
    ['a?c', 'a😀c', true],
    ['[😀-😂]', '😁', true],
    ['[😂-😀]', '😁', false],
    ['X', 'x', false],
    ['å', 'Å', false],
    ['[^a]', 'b', false],
    ['[^a]', '^', true],
    ['[^a]', 'a', true],
    ['[!a]', 'b', true],
    ['[!a]', 'a', false],
    ['[]]', ']', true],
    ['[!]]', ']', false],
    ['[!]]', 'x', true],
    ['[z-a]', 'm', false],
    ['[z-a]', 'z', false],
    ['[!z-a]', 'm', true],
    ['[a-]', '-', true],
    ['[-a]', '-', true],
    ['[a-c-e]', 'b', true],
    ['[a-c-e]', '-', true],
    ['[a-c-e]', 'e', true],
    ['[a-c-e]', 'd', false],
    ['[z-ab-c]', 'b', true],
    ['[z-ab-c]', 'z', false],
    ['a[', 'a[', true],
    ['[!]', '[!]', true],
    ['[', '[', true],
    ['a\\*', 'a\\xyz', true],
    ['a\\*', 'a*', false],
    ['[\\]]', '\\]', true],
    ['\\', '\\', true],
    ['[*]', '*', true],
    ['[*]', 'x', false],
    ['.', 'x', false],
    ['a|b', 'a', false],
    ['(a)', '(a)', true],
    ['*.py', 'src/x.py', true],
    ['*[!/]', 'a/', false],
  ]
  it.each(table)('%j vs %j → %s', (pattern, name, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected)
  })

  it('filters in input order, keeping duplicates', () => {
    expect(filterNames(['b.py', 'a.txt', 'a.py', 'b.py'], '*.py')).toEqual(['b.py', 'a.py', 'b.py'])
    expect(filterNames(new Set(['x', 'y']), '[!x]')).toEqual(['y'])
  })

  it('compiles once and caches', () => {
    expect(compilePattern('*.c')).toBe(compilePattern('*.c'))
    expect(compilePattern('*.c').pattern).toBe('*.c')
  })
})

describe('fnmatch performance', () => {
  it('matches *a*a*a*a*a*a*b against a 1 MB name without backtracking', () => {
    const name = 'a'.repeat(1 << 20)
    const start = performance.now()
    expect(fnmatch(name, '*a*a*a*a*a*a*b')).toBe(false)
    expect(fnmatch(`${name}b`, '*a*a*a*a*a*a*b')).toBe(true)
    expect(fnmatch(name, '*a?a[ab]*[!b]a*a')).toBe(true)
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('handles many stars and a long segment quickly', () => {
    const name = `${'ab'.repeat(200_000)}c`
    const start = performance.now()
    expect(fnmatch(name, `${'*ab'.repeat(50)}*c`)).toBe(true)
    expect(fnmatch(name, `*${'ab'.repeat(20)}d*`)).toBe(false)
    expect(performance.now() - start).toBeLessThan(1000)
  })
})

describe('fnmatch properties', () => {
  const special = /[*?[]/
  const plain = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((text) => !special.test(text))

  it('a pattern without special characters matches only itself', () => {
    fc.assert(
      fc.property(plain, fc.string({ unit: 'grapheme', maxLength: 12 }), (pattern, other) => {
        expect(fnmatch(pattern, pattern)).toBe(true)
        expect(fnmatch(other, pattern)).toBe(other === pattern)
      }),
    )
  })

  it('* matches every name', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => fnmatch(name, '*')))
  })

  it('? matches exactly the names of one code point', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 4 }), (name) => fnmatch(name, '?') === ([...name].length === 1)))
  })

  it('prefix* matches exactly the names starting with the prefix', () => {
    fc.assert(
      fc.property(plain, fc.string({ unit: 'grapheme', maxLength: 12 }), (prefix, rest) => {
        expect(fnmatch(prefix + rest, `${prefix}*`)).toBe(true)
        expect(fnmatch(rest, `${prefix}*`)).toBe(rest.startsWith(prefix))
      }),
    )
  })

  it('*infix* matches exactly the names containing the infix', () => {
    fc.assert(
      fc.property(plain, fc.string({ unit: 'grapheme', maxLength: 16 }), (infix, name) => {
        expect(fnmatch(name, `*${infix}*`)).toBe(name.includes(infix))
      }),
    )
  })
})

describe('patterns of literal segments and stars (matched on the UTF-16 text)', () => {
  /** The pattern as a regular expression over code points: `*` is any sequence, the rest literal. */
  const asRegExp = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('[\\s\\S]*')}$`,
      'u',
    )
  // Few distinct characters, so that segments do occur in names; astral ones and a lone surrogate too.
  const alphabet = fc.constantFrom('a', 'b', '/', '.', '😀', '\ud800', 'é')
  const text = (maxLength: number) => fc.array(alphabet, { maxLength }).map((chars) => chars.join(''))
  const pattern = fc.array(fc.oneof(text(3), fc.constant('*')), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''))

  it('agree with a regular expression on random names', () => {
    fc.assert(
      fc.property(pattern, text(10), (p, name) => fnmatch(name, p) === asRegExp(p).test(name)),
      { numRuns: 5000 },
    )
  })

  it.each([
    ['src/*.py', 'src/a/b.py', true],
    ['src/*.py', 'src/.p', false],
    ['*.py', '.py', true],
    ['a*a', 'a', false],
    ['a*b*a', 'aba', true],
    ['a*b*a', 'ab', false],
    ['😀*', '😀x', true],
    ['*\ud800', '😀', false],
    ['\ud83d*', '😀', false],
  ])('%s on %s: %s', (p, name, expected) => {
    expect(fnmatch(name, p)).toBe(expected)
  })
})
