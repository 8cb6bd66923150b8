import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { bytesSource, createArtifactHasher, nobleEngine } from '../hashing/artifact-hasher.ts'
import { artifactMap } from '../model/link.ts'
import { SourceTreeFs } from '../record/source-tree-fs.ts'
import { compareWithProducts, isMatch, matchProducts, type MatchOptions } from './match-products.ts'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const hasher = createArtifactHasher(nobleEngine, { chunkSize: 3 })

/** Dropped files, as the browser has them: a tree of sources. */
function dropped(files: Record<string, string>, onBytes?: (n: number) => void): SourceTreeFs {
  return new SourceTreeFs(new Map(Object.entries(files).map(([path, text]) => [path, bytesSource(new TextEncoder().encode(text))])), hasher, { onBytes })
}

const files = { 'dist/app.tar.gz': 'app', 'dist/pkg/readme.txt': 'readme', 'dist/app.pyc': 'bytecode', 'package.link': '{}' }
const productRecord = { 'dist/app.tar.gz': { sha256: sha256('app') }, 'dist/pkg/readme.txt': { sha256: sha256('readme') } }
const products = artifactMap(productRecord)

async function lists(fs: SourceTreeFs, expected: ReturnType<typeof artifactMap>, options?: MatchOptions) {
  const { onlyInProducts, notInProducts, differ, matching } = await matchProducts(expected, fs, options)
  return { onlyInProducts, notInProducts, differ, matching }
}

describe('matchProducts (in-toto-match-products over dropped files)', () => {
  it('matches: the default path is "." and the default excludes drop *.pyc and *.link*', async () => {
    expect(await lists(dropped(files), products)).toEqual({ onlyInProducts: [], notInProducts: [], differ: [], matching: 2 })
  })

  it('extra, missing and changed files land in the three lists, sorted', async () => {
    const changed = { ...files, 'dist/app.tar.gz': 'tampered', 'dist/zz.txt': 'new', 'dist/aa.txt': 'new' }
    const expected = artifactMap({ ...productRecord, 'dist/gone': { sha256: '00' } })
    expect(await lists(dropped(changed), expected)).toEqual({
      onlyInProducts: ['dist/gone'],
      notInProducts: ['dist/aa.txt', 'dist/zz.txt'],
      differ: ['dist/app.tar.gz'],
      matching: 1,
    })
  })

  it('honours paths, excludes (replacing the defaults) and left-strip prefixes', async () => {
    expect((await lists(dropped(files), products, { paths: ['dist'], excludePatterns: ['*.pyc'] })).notInProducts).toEqual([])
    expect((await lists(dropped(files), products, { paths: ['dist'], excludePatterns: ['pkg/'] })).notInProducts).toEqual(['dist/app.pyc'])
    const stripped = artifactMap({ 'app.tar.gz': { sha256: sha256('app') }, 'pkg/readme.txt': { sha256: sha256('readme') } })
    expect(await lists(dropped(files), stripped, { paths: ['dist'], lstripPaths: ['dist/'] })).toEqual({ onlyInProducts: [], notInProducts: [], differ: [], matching: 2 })
    await expect(matchProducts(stripped, dropped(files), { lstripPaths: ['dist/', 'dist/pkg/'] })).rejects.toThrow("'dist/' and 'dist/pkg/' triggered a left substring error")
  })

  it('compares whole hash dicts, as Python dict equality does', () => {
    const local = artifactMap({ a: { sha256: '0a' }, b: { sha256: '0b' }, c: { sha256: '0c' } })
    const link = artifactMap({ a: { sha256: '0a' }, b: { sha256: '0b', sha512: '0b' }, c: { sha256: '0C' } })
    const comparison = compareWithProducts(link, local)
    expect(comparison).toEqual({ onlyInProducts: [], notInProducts: [], differ: ['b', 'c'], matching: 1 })
    expect(isMatch(comparison)).toBe(false)
  })

  it('reports progress in bytes as each file is hashed', async () => {
    let bytes = 0
    await matchProducts(
      products,
      dropped(files, (n) => (bytes += n)),
      { paths: ['dist'] },
    )
    expect(bytes).toBe('app'.length + 'readme'.length)
  })
})

describe('SourceTreeFs.hashAhead', () => {
  it('reads the next planned files while the walk waits for one, with the same results', async () => {
    const reads: string[] = []
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    const tree = new SourceTreeFs(
      new Map(
        Object.entries(files).map(([path, text]) => {
          const bytes = new TextEncoder().encode(text)
          const read = async (offset: number, length: number) => {
            reads.push(path)
            // The first file's bytes are slow to come.
            if (path === 'dist/app.tar.gz') await held
            return bytes.slice(offset, offset + length)
          }
          return [path, { size: bytes.length, read }]
        }),
      ),
      createArtifactHasher(nobleEngine),
    )
    const pending = matchProducts(products, tree, { paths: ['dist'], onPlan: (paths) => tree.hashAhead(paths, 8) })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(reads).toEqual(['dist/app.tar.gz', 'dist/pkg/readme.txt'])
    release()
    expect((await pending).matching).toBe(2)
  })
})
