/**
 * One placement rule for tests (test/README.md): a test sits beside the module it tests, and
 * what tests several parts together is a suite folder of test/ that the README describes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? [`${path}/`, ...walk(path)] : [path]
  })
}

describe('where tests live', () => {
  const src = walk(join(ROOT, 'src'))

  it('beside their module in src: no test folders, and a module in the same folder', () => {
    const folders = src.filter((path) => /\/__tests__\/$|\/tests?\/$/.test(path)).map((path) => relative(ROOT, path))
    expect(folders).toEqual([])
    const tests = src.filter((path) => /\.test\.tsx?$/.test(path))
    expect(tests.length).toBeGreaterThan(50)
    const alone = tests.filter((test) => {
      const dir = join(test, '..')
      return !readdirSync(dir).some((name) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name))
    })
    expect(alone.map((path) => relative(ROOT, path))).toEqual([])
  })

  it('in a suite of test/ that test/README.md describes', () => {
    const readme = readFileSync(join(ROOT, 'test/README.md'), 'utf8')
    const suites = readdirSync(join(ROOT, 'test')).filter((name) => statSync(join(ROOT, 'test', name)).isDirectory())
    expect(suites.filter((suite) => !readme.includes(`\`${suite}/\``))).toEqual([])
    const loose = readdirSync(join(ROOT, 'test')).filter((name) => /\.tsx?$/.test(name))
    expect(loose).toEqual([])
  })
})
