import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { Deflate, gzipSync, zipSync, strToU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { assembleBundle, containerDirectory, type BundleInput } from './assemble.ts'
import { safeEntryPath } from './entry-path.ts'
import { Budget, BundleError, DEFAULT_BUNDLE_LIMITS } from './limits.ts'
import { looksLikeTar, readTar } from './tar.ts'
import { detectArchive, unpackArchive } from './unpack.ts'
import { paxPath, writeTar } from '../../../test/support/tar-writer.ts'

const VECTORS = join(import.meta.dirname, '../../../test/fixtures/vectors')
/** The demo's release tarball, as a vector's working directory holds it. */
const FOO_TARBALL = join(VECTORS, 'keys-owner-rsa-func-rsa', 'work', 'foo.tar.gz')

function input(path: string, data: Uint8Array | string): BundleInput {
  const bytes = typeof data === 'string' ? strToU8(data) : data
  return { path, size: bytes.length, read: async () => bytes }
}

function refusal(run: () => unknown): BundleError {
  try {
    run()
  } catch (error) {
    if (error instanceof BundleError) return error
    throw error
  }
  throw new Error('expected a BundleError')
}

describe('entry paths', () => {
  it('normalizes harmless forms and refuses escapes', () => {
    expect(safeEntryPath('./a//b/./c.link', 'x.zip')).toBe('a/b/c.link')
    expect(safeEntryPath('./', 'x.zip')).toBeUndefined()
    for (const name of ['../evil.link', 'a/../../evil', '/etc/passwd', 'C:/x', 'a\\b', 'a\0b']) {
      expect(() => safeEntryPath(name, 'x.zip'), name).toThrow(BundleError)
    }
    expect(refusal(() => safeEntryPath('../evil.link', 'x.zip')).message).toBe("x.zip (entry '../evil.link'): the entry's path climbs out of the archive with '..'; refused")
  })
})

describe('tar reader', () => {
  it('reads a GNU tar.gz written by the reference vectors, as tar lists it', async () => {
    const bytes = readFileSync(FOO_TARBALL)
    const tar = unpackArchive(bytes, 'foo.tar.gz', 'gzip', new Budget(), { special: 'refuse' })
    const listed = execFileSync('tar', ['tzf', FOO_TARBALL], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line && !line.endsWith('/'))
      .map((line) => line.replace(/^\.\//, ''))
    expect(tar.format).toBe('tar.gz')
    expect(tar.files.map((file) => file.path).sort()).toEqual(listed.sort())
  })

  it('handles ustar prefixes, pax paths, directories and links', () => {
    const long = `${'d'.repeat(120)}/file.txt`
    const bytes = writeTar([
      { name: 'dir/', type: '5' },
      { name: 'dir/a.txt', data: 'A' },
      paxPath(long),
      { name: 'truncated', data: 'L' },
      { name: 'ln', type: '2', linkName: 'dir/a.txt' },
    ])
    expect(looksLikeTar(bytes)).toBe(true)
    const seen: string[] = []
    readTar(bytes, 't.tar', (entry) => seen.push(`${entry.type}:${entry.name}:${new TextDecoder().decode(entry.data)}`))
    expect(seen).toEqual(['directory:dir/::', 'file:dir/a.txt:A', `file:${long}:L`, 'symlink:ln:'].map((line) => line.replace('::', ':')))
    const skipped = unpackArchive(bytes, 't.tar', 'tar', new Budget(), { special: 'skip' })
    expect(skipped.skipped).toEqual([{ entry: 'ln', reason: "a symbolic link (to 'dir/a.txt') left out" }])
    expect(refusal(() => unpackArchive(bytes, 't.tar', 'tar', new Budget(), { special: 'refuse' })).code).toBe('unsupported')
  })

  it('refuses a bad checksum and a truncated member', () => {
    const bytes = writeTar([{ name: 'a', data: 'x'.repeat(2000) }])
    const broken = bytes.slice()
    broken[0] = 0x62
    expect(refusal(() => readTar(broken, 'b.tar', () => {})).code).toBe('corrupt-archive')
    expect(refusal(() => readTar(bytes.subarray(0, 1024), 'b.tar', () => {})).message).toMatch(/truncated/)
  })

  it('refuses ../ and absolute member names', () => {
    for (const name of ['../../etc/cron.d/x', '/etc/passwd']) {
      const error = refusal(() => unpackArchive(writeTar([{ name, data: 'x' }]), 'evil.tar', 'tar', new Budget(), { special: 'skip' }))
      expect(error.code).toBe('unsafe-path')
      expect(error.entry).toBe(name)
    }
  })
})

describe('zip and gzip', () => {
  it('detects formats by content', () => {
    expect(detectArchive(zipSync({ a: strToU8('x') }))).toBe('zip')
    expect(detectArchive(gzipSync(strToU8('x')))).toBe('gzip')
    expect(detectArchive(writeTar([{ name: 'a', data: 'x' }]))).toBe('tar')
    expect(detectArchive(strToU8('{"signed": {}}'))).toBeUndefined()
  })

  it('refuses zip entries with ../ and absolute paths', () => {
    for (const name of ['../evil.link', '/abs.link']) {
      const error = refusal(() => unpackArchive(zipSync({ [name]: strToU8('x') }), 'evil.zip', 'zip', new Budget(), { special: 'skip' }))
      expect(error.code).toBe('unsafe-path')
    }
  })

  it('stops a zip bomb at the size limit while inflating, whatever the headers claim', () => {
    const limits = { ...DEFAULT_BUNDLE_LIMITS, maxTotalBytes: 4 << 20, maxFileBytes: 64 << 20 }
    const bomb = zipSync({ 'zeros.link': new Uint8Array(32 << 20) }, { level: 9 })
    expect(bomb.length).toBeLessThan(64 << 10)
    const error = refusal(() => unpackArchive(bomb, 'bomb.zip', 'zip', new Budget(limits), { special: 'skip' }))
    expect(error.code).toBe('too-large')
    expect(error.message).toMatch(/bomb\.zip \(entry 'zeros\.link'\): the bundle expands to more than 4\.0 MiB/)
  })

  it('stops a gzip bomb at the per-file limit', () => {
    const deflate = new Deflate({ level: 9 })
    const chunks: Uint8Array[] = []
    deflate.ondata = (chunk) => chunks.push(chunk)
    const zeros = new Uint8Array(1 << 20)
    for (let i = 0; i < 40; i++) deflate.push(zeros)
    deflate.push(new Uint8Array(), true)
    const raw = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    chunks.reduce((at, c) => (raw.set(c, at), at + c.length), 0)
    // Wrap the raw deflate stream as gzip (header, data, wrong trailer: the limit hits first).
    const gz = new Uint8Array(10 + raw.length + 8)
    gz.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])
    gz.set(raw, 10)
    const error = refusal(() => unpackArchive(gz, 'bomb.tar.gz', 'gzip', new Budget({ ...DEFAULT_BUNDLE_LIMITS, maxFileBytes: 8 << 20 }), { special: 'skip' }))
    expect(error.code).toBe('too-large')
  })

  it('refuses 100,000 tiny files at the entry limit', () => {
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < 100_000; i++) files[`f${i}.link`] = new Uint8Array([0x7b])
    const error = refusal(() => unpackArchive(zipSync(files, { level: 0 }), 'many.zip', 'zip', new Budget(), { special: 'skip' }))
    expect(error.code).toBe('too-many-entries')
    expect(error.message).toMatch(/more than 20,000 files/)
  })
})

describe('assembling a bundle', () => {
  it('expands archives in place, strips a container folder, keeps sublayout folders', async () => {
    const zip = zipSync({ 'links/a.12345678.link': strToU8('{}'), 'links/b.12345678/c.abcdef01.link': strToU8('{}') })
    const bundle = await assembleBundle([input('x/links.zip', zip), input('loose.link', '{}')], { expand: true })
    expect([...bundle.files.keys()].sort()).toEqual(['loose.link', 'x/a.12345678.link', 'x/b.12345678/c.abcdef01.link'])
    expect(containerDirectory(['b.12345678/c.link'])).toBeUndefined()
    expect(bundle.refusals).toEqual([])
  })

  it('keeps the rest of the bundle when one archive is refused, and refuses huge files unread', async () => {
    let read = false
    const huge: BundleInput = { path: 'huge.link', size: 1 << 30, read: async () => ((read = true), new Uint8Array()) }
    const evil = zipSync({ '../evil.link': strToU8('{}') })
    const bundle = await assembleBundle([huge, input('evil.zip', evil), input('ok.link', '{}')], { expand: true })
    expect(read).toBe(false)
    expect([...bundle.files.keys()]).toEqual(['ok.link'])
    expect(bundle.refusals.map((r) => r.code)).toEqual(['too-large', 'unsafe-path'])
    expect(bundle.refusals[0]?.message).toBe('huge.link: is 1.0 GiB, larger than the 256.0 MiB one file may have here; refused')
  })

  it('reads a few files ahead, in order, never a file too large to keep, and tells each file as it joins', async () => {
    const log: string[] = []
    let reading = 0
    let mostAtOnce = 0
    const slow = (path: string, size = 10): BundleInput => ({
      path,
      size,
      read: async () => {
        if (size > DEFAULT_BUNDLE_LIMITS.maxFileBytes) throw new Error(`${path} must not be read`)
        log.push(`read ${path}`)
        mostAtOnce = Math.max(mostAtOnce, ++reading)
        await new Promise((resolve) => setTimeout(resolve, 5))
        reading--
        return strToU8('{}')
      },
    })
    const inputs = [slow('a.link'), slow('b.link'), slow('huge.link', 1 << 30), slow('c.link'), slow('d.link'), slow('e.link'), slow('f.link')]
    const bundle = await assembleBundle(inputs, { expand: true, onFile: (file) => log.push(`file ${file.path}`) })
    expect([...bundle.files.keys()]).toEqual(['a.link', 'b.link', 'c.link', 'd.link', 'e.link', 'f.link'])
    expect(bundle.refusals.map((r) => r.code)).toEqual(['too-large'])
    // Reads start in order, and overlap: b is read while a is being processed.
    expect(log.filter((line) => line.startsWith('read'))).toEqual(['read a.link', 'read b.link', 'read c.link', 'read d.link', 'read e.link', 'read f.link'])
    expect(log.indexOf('read b.link')).toBeLessThan(log.indexOf('file a.link'))
    expect(mostAtOnce).toBeGreaterThan(1)
    expect(mostAtOnce).toBeLessThanOrEqual(4)
    expect(log.filter((line) => line.startsWith('file'))).toEqual(['a.link', 'b.link', 'c.link', 'd.link', 'e.link', 'f.link'].map((path) => `file ${path}`))
  })

  it('keeps product files as they are (no expansion)', async () => {
    const gz = readFileSync(FOO_TARBALL)
    const bundle = await assembleBundle([input('foo.tar.gz', gz)], { expand: false })
    expect([...bundle.files.keys()]).toEqual(['foo.tar.gz'])
  })
})
