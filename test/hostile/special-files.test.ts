/**
 * Special files where the CLI expects a file: a FIFO (opening it for reading would wait for a
 * writer forever), a socket, a character device that never ends (`/dev/zero`), a directory.
 * Every reader goes through src/cli/safe-read.ts: each is refused before a byte is read,
 * naming the file, without hanging (a hang fails the test by its timeout) or growing memory.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DecodingPool, type DirectoryLinksOptions } from '../../src/cli/links/index.ts'
import { copyOf, expectNoCrash, jsonReport, mkfifo, passingVector, unixSocket, verifyCli, type Bundle, HERE } from './helpers.ts'

const vector = passingVector()
const pool = new DecodingPool(2)
afterAll(() => pool.close())

type Kind = 'FIFO' | 'socket' | 'endless device' | 'directory'

/** Puts a special file of `kind` at `path`; returns what undoes it. */
async function make(kind: Kind, path: string): Promise<() => Promise<void>> {
  rmSync(path, { force: true, recursive: true })
  switch (kind) {
    case 'FIFO':
      mkfifo(path)
      return async () => undefined
    case 'socket': {
      const socket = await unixSocket(path)
      return () => socket.close()
    }
    case 'endless device':
      symlinkSync('/dev/zero', path)
      return async () => undefined
    case 'directory':
      mkdirSync(path)
      return async () => undefined
  }
}

const described: Record<Kind, RegExp> = {
  FIFO: /it is a FIFO \(named pipe\), not a regular file/,
  socket: /it is a socket, not a regular file/,
  'endless device': /it is a character device, not a regular file/,
  directory: /it is a directory/,
}

const kinds: Kind[] = ['FIFO', 'socket', 'endless device', 'directory']

/** Where the CLI reads a file named on its command line. */
const inputs: Array<{ what: string; place: (bundle: Bundle, path: string) => Parameters<typeof verifyCli>[2]; extra?: (path: string) => string[] }> = [
  { what: 'layout', place: (_, path) => ({ layout: path }) },
  { what: 'owner key', place: (_, path) => ({ keys: [path] }) },
  { what: 'substitution parameters file', place: () => ({}), extra: (path) => ['--substitution-parameters', path] },
]

describe.each(inputs)('a special file as the $what', ({ what, place, extra }) => {
  it.each(kinds)('%s: refused before reading, exit 2, named, in text and JSON', async (kind) => {
    const bundle = copyOf(vector)
    const path = join(bundle.root, `special-${what.replace(/ /g, '-')}`)
    const undo = await make(kind, path)
    try {
      const before = process.memoryUsage().rss
      for (const format of ['text', 'json']) {
        const result = await verifyCli(vector, bundle, place(bundle, path), ...(extra?.(path) ?? []), '--format', format)
        expectNoCrash(result)
        expect(result.code, format).toBe(2)
        if (format === 'json') {
          const report = jsonReport(result)
          expect(report.verdict).toBe('fail')
          expect(report.failure?.stage).toBe('usage')
          expect(report.failure?.message).toContain(`'${path}'`)
          expect(report.failure?.message).toMatch(described[kind])
        } else {
          expect(result.stderr).toContain(`'${path}'`)
          expect(result.stderr).toMatch(described[kind])
        }
      }
      // /dev/zero read to its end would need all the memory there is.
      expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024)
    } finally {
      await undo()
      bundle.dispose()
    }
  })
})

const decoders: Array<[string, DirectoryLinksOptions]> = [
  ['sequential', HERE],
  ['worker pool', { pool, minParallelBytes: 0 }],
]

describe.each(decoders)('a special file as a link file (%s decoder)', (_, decoder) => {
  it.each(kinds.filter((kind) => kind !== 'directory'))('%s: refused at stage format, naming the file', async (kind) => {
    const bundle = copyOf(vector)
    const target = bundle.links[0] as string
    const undo = await make(kind, join(bundle.linksDir, target))
    try {
      // The pool reads files of more than one request on its threads: give it a second file.
      writeFileSync(join(bundle.linksDir, 'other.link'), '{}')
      const report = await bundle.verify(decoder)
      expect(report.verdict).toBe('fail')
      expect(report.failure?.stage).toBe('format')
      expect(report.failure?.file).toBe(target)
      expect(report.failure?.message).toContain(`The link file '${target}'`)
      expect(report.failure?.message).toMatch(described[kind])
    } finally {
      await undo()
      bundle.dispose()
    }
  })

  it('a directory where a link file should be: not there, as in the reference (it swallows the OSError)', async () => {
    const bundle = copyOf(vector)
    const target = bundle.links[0] as string
    await make('directory', join(bundle.linksDir, target))
    try {
      const report = await bundle.verify(decoder)
      expect(report.verdict).toBe('fail')
      expect(report.failure?.stage).toBe('link-threshold')
      expect(report.failure?.errorType).toBe('LinkNotFoundError')
    } finally {
      bundle.dispose()
    }
  })
})

describe('a special file as a link file, through the CLI', () => {
  it.each(kinds.filter((kind) => kind !== 'directory'))('%s: exit 1, stage format, in text and JSON', async (kind) => {
    const bundle = copyOf(vector)
    const target = bundle.links[0] as string
    const undo = await make(kind, join(bundle.linksDir, target))
    try {
      const text = await verifyCli(vector, bundle)
      expectNoCrash(text)
      expect(text.code).toBe(1)
      expect(text.stderr).toContain(`'${target}'`)
      expect(text.stderr).toMatch(described[kind])
      const json = await verifyCli(vector, bundle, {}, '--format', 'json')
      expect(json.code).toBe(1)
      const report = jsonReport(json)
      expect(report.failure?.stage).toBe('format')
      expect(report.failure?.file).toBe(target)
    } finally {
      await undo()
      bundle.dispose()
    }
  })
})
