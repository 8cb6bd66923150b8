import { describe, expect, it } from 'vitest'
import cases from './__fixtures__/gitignore-spec-cases.json' with { type: 'json' }
import { compileGitIgnoreSpec } from './gitignore-spec.ts'
import { compileExcludes } from './gitwildmatch.ts'

type Case = [patterns: string[], path: string | null, expected: boolean | string]

describe('in-toto 2.x exclude patterns (pathspec 1.1.1 GitIgnoreSpec, computed by the reference)', () => {
  const all = (cases as unknown as { cases: Case[] }).cases
  const byPatterns = new Map<string, Case[]>()
  for (const entry of all) byPatterns.set(JSON.stringify(entry[0]), [...(byPatterns.get(JSON.stringify(entry[0])) ?? []), entry])

  it.each([...byPatterns.keys()])('%s', (key) => {
    const entries = byPatterns.get(key) as Case[]
    const patterns = JSON.parse(key) as string[]
    if (entries[0]?.[1] === null) {
      expect(() => compileGitIgnoreSpec(patterns)).toThrow(/invalid exclude pattern/)
      return
    }
    const excluded = compileGitIgnoreSpec(patterns)
    const wrong = entries.filter(([, path, expected]) => excluded(path as string) !== expected).map(([, path, expected]) => `${JSON.stringify(path)}: expected ${expected}`)
    expect(wrong).toEqual([])
  })

  it('differs from in-toto 1.3.1 where pathspec changed: a file pattern outranks a later directory re-include', () => {
    const patterns = ['*.txt', '!src/']
    expect(compileGitIgnoreSpec(patterns)('src/c.txt')).toBe(true)
    expect(compileExcludes(patterns)('src/c.txt')).toBe(false)
  })
})
