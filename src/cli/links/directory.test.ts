/**
 * A link directory decoded on worker threads gives exactly what it gives decoded on this
 * thread: on every link file of every reference vector (with and without the key that must
 * have signed it), and for whole verifications, whose reports must be identical.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { importVerifyKeyFile } from '../../core/keys/import.ts'
import { JsonFloat } from '../../core/json/value.ts'
import { LinkReader, type LinkRequest, type Links } from '../../core/links/index.ts'
import { verifyLayoutFile } from '../../core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../inspection-runner.ts'
import { DirectoryLinks } from './directory.ts'
import { DecodingPool } from './pool.ts'
import { freshCopy, loadVectors } from '../../../test/support/vectors.ts'

const vectors = loadVectors()
const pool = new DecodingPool(2)
afterAll(() => pool.close())
// minParallelBytes 0: use the workers even for the vectors' small files.
const threaded = (directory: string) => new DirectoryLinks(directory, { pool, minParallelBytes: 0 })
const here = (directory: string) => new DirectoryLinks(directory, { minParallelBytes: Number.POSITIVE_INFINITY })

/** A deep, comparable copy: Maps (packed ones included) as entry lists, bytes as arrays. */
function snapshot(value: unknown): unknown {
  if (value instanceof Map) return { map: [...value.entries()].map(([k, v]) => [k, snapshot(v)]) }
  if (Array.isArray(value)) return value.map(snapshot)
  if (typeof value === 'bigint') return { bigint: value.toString() }
  if (value instanceof Uint8Array) return { bytes: [...value] }
  if (value instanceof JsonFloat) return { float: value.lexeme }
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, snapshot(v)]),
    )
  return value
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

describe('a link directory on decoding threads', () => {
  it('decodes every vector link file exactly as on this thread', async () => {
    let compared = 0
    for (const vector of vectors) {
      const linksDir = join(vector.dir, 'links')
      const keys = vector.layoutKeys.map((path, index) => {
        const file = resolve(vector.dir, 'work', path)
        return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
      })
      const paths = filesUnder(linksDir).map((file) => relative(linksDir, file))
      // Each file without a key, with the owner key (usually the wrong one), and one that does not exist.
      const requests: LinkRequest[] = [...paths.map((path) => ({ path })), ...paths.flatMap((path) => keys.map((key) => ({ path, key }))), { path: 'missing.link' }]
      const [expected, actual] = await Promise.all([here(linksDir).load(requests), threaded(linksDir).load(requests)])
      expect(snapshot(actual), vector.name).toEqual(snapshot(expected))
      compared += requests.length
    }
    expect(compared).toBeGreaterThan(100)
  })

  it('sends links packed, and they read back as the same maps', async () => {
    const vector = vectors.find((v) => v.expected.verdict === 'pass' && filesUnder(join(v.dir, 'links')).length > 0)!
    const linksDir = join(vector.dir, 'links')
    const path = relative(linksDir, filesUnder(linksDir)[0]!)
    const [result] = await threaded(linksDir).load([{ path }, { path }])
    expect(result?.status).toBe('loaded')
    const envelope = result!.status === 'loaded' ? result!.envelope : undefined
    const direct = new LinkReader().read(readFileSync(join(linksDir, path)), path)
    expect(envelope?.content.type).toBe('link')
    if (envelope?.content.type !== 'link' || direct.content.type !== 'link') return
    expect(envelope.content.link.materials.constructor.name).toBe('PackedArtifactMap')
    expect(snapshot(envelope.content.link)).toEqual(snapshot(direct.content.link))
    for (const [artifact, hashes] of direct.content.link.products) expect(snapshot(envelope.content.link.products.get(artifact))).toEqual(snapshot(hashes))
  })

  const reportOf = async (vectorIndex: number, linksIn: (directory: string) => Links) => {
    const vector = vectors[vectorIndex]!
    const copy = freshCopy(vector)
    try {
      const keys = vector.layoutKeys.map((path, index) => {
        const file = resolve(copy.work, path)
        return importVerifyKeyFile(readFileSync(file, 'utf8'), vector.keyTypes[index] ?? 'rsa', file)
      })
      const parameters = vector.expected.runner === 'api' && vector.expected.substitution_parameters ? new Map(Object.entries(vector.expected.substitution_parameters)) : undefined
      const report = await verifyLayoutFile(readFileSync(join(copy.root, 'layout', 'root.layout')), 'root.layout', {
        layoutKeys: keys,
        links: linksIn(join(copy.root, 'links')),
        inspections: new SubprocessInspectionRunner({ cwd: copy.work }),
        parameters,
        now: new Date('2030-01-01T00:00:00Z'),
      })
      return { ...report, timings: {} }
    } finally {
      copy.dispose()
    }
  }

  it('gives identical verification reports on every vector', async () => {
    for (const [index, vector] of vectors.entries()) {
      const sequential = await reportOf(index, here)
      const parallel = await reportOf(index, threaded)
      expect(parallel, vector.name).toEqual(sequential)
    }
  }, 60_000)

  it('gives the same reports whether or not step rules are evaluated while links arrive', async () => {
    // No listener: the verifier evaluates every rule after loading (early-rules.ts is never fed).
    const withoutEarlyRules = (directory: string): Links => {
      const links = here(directory)
      return { load: (requests, options) => links.load(requests, { signal: options?.signal }), read: (path) => links.read(path), list: () => links.list() }
    }
    // Results told in reverse order once all are known: guesses are made in another order.
    const reversed = (directory: string): Links => {
      const links = here(directory)
      return {
        async load(requests, options) {
          const results = await links.load(requests, { signal: options?.signal })
          for (let index = results.length - 1; index >= 0; index--) options?.onResult?.(index, results[index]!)
          return results
        },
        read: (path) => links.read(path),
        list: () => links.list(),
      }
    }
    for (const [index, vector] of vectors.entries()) {
      const plain = await reportOf(index, withoutEarlyRules)
      expect(await reportOf(index, here), vector.name).toEqual(plain)
      expect(await reportOf(index, reversed), vector.name).toEqual(plain)
    }
  }, 90_000)
})

describe('decoding threads on links that share artifact maps', () => {
  // A synthetic chain (bench/lib/make-bundle.ts): each step's three functionaries sign identical
  // links, and each step's materials are mostly the previous step's products.
  const root = mkdtempSync(join(tmpdir(), 'decode-pool-shared-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const bundle = join(root, 'bundle')
  const made = spawnSync(process.execPath, ['--import', 'tsx', 'bench/lib/make-bundle.ts', bundle, '--steps', '4', '--artifacts', '300', '--threshold', '3'], { encoding: 'utf8' })
  const linkNames = made.status === 0 ? readdirSync(join(bundle, 'links')).sort() : []

  /** The bundle's links with one digest of `name`'s products changed (its signature no longer holds). */
  function tamperedLinks(name: string): string {
    const dir = join(root, `tampered-${name}`)
    cpSync(join(bundle, 'links'), dir, { recursive: true })
    const text = readFileSync(join(dir, name), 'utf8')
    const at = text.lastIndexOf('"sha256": "') + '"sha256": "'.length
    writeFileSync(join(dir, name), text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1))
    return dir
  }

  const verifyWith = async (linksIn: (directory: string) => Links, links: string) => {
    const key = importVerifyKeyFile(readFileSync(join(bundle, 'owner.pub'), 'utf8'), 'ed25519', 'owner.pub')
    const report = await verifyLayoutFile(readFileSync(join(bundle, 'root.layout')), 'root.layout', {
      layoutKeys: [key],
      links: linksIn(links),
      inspections: new SubprocessInspectionRunner({ cwd: root }),
      now: new Date('2030-01-01T00:00:00Z'),
    })
    return { ...report, timings: {} }
  }

  it("gives the sequential decoder's reports, on the chain and on tampered copies", async () => {
    expect(made.status, made.stderr).toBe(0)
    expect(linkNames).toHaveLength(12)
    const passing = await verifyWith(threaded, join(bundle, 'links'))
    expect(passing.verdict).toBe('pass')
    expect(passing).toEqual(await verifyWith(here, join(bundle, 'links')))
    // The first, middle and last link of the threshold-3 steps: each read after others with the same maps but one.
    for (const name of [linkNames[3], linkNames[4], linkNames[5], linkNames[11]] as string[]) {
      const links = tamperedLinks(name)
      const parallel = await verifyWith(threaded, links)
      expect(parallel.verdict, name).toBe('fail')
      expect(parallel, name).toEqual(await verifyWith(here, links))
    }
  }, 60_000)

  it("reads the maps a step's links share once, and hands them back as the same maps", async () => {
    const requests = linkNames.map((path) => ({ path, group: Number(path.slice(1, 4)) }))
    // One thread: with two, an idle thread may take a file of the other's step (schedule.ts).
    const single = new DirectoryLinks(join(bundle, 'links'), { threads: 1, minParallelBytes: 0 })
    const results = await single.load(requests).finally(() => single.close())
    const links = results.map((result) => (result.status === 'loaded' && result.envelope.content.type === 'link' ? result.envelope.content.link : undefined))
    const direct = linkNames.map((name) => new LinkReader().read(readFileSync(join(bundle, 'links', name)), name))
    for (const [index, link] of links.entries()) {
      expect(link).toBeDefined()
      expect(snapshot(link), linkNames[index]).toEqual(snapshot((direct[index]?.content as { link: unknown }).link))
    }
    for (let step = 0; step < 4; step++) {
      const [first, second, third] = links.slice(step * 3, step * 3 + 3)
      expect(second?.products).toBe(first?.products)
      expect(third?.products).toBe(first?.products)
      // The first step has no materials (an empty map is not worth remembering).
      if (step > 0) expect(third?.materials).toBe(first?.materials)
    }
  })
})
