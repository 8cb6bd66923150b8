/**
 * Hostile link directories and files against the verifier, on the sequential decoder and on
 * the worker pool: none may crash, exhaust memory or stack, and each refusal must name the file.
 */
import { closeSync, mkdirSync, openSync, ftruncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DecodingPool, type DirectoryLinksOptions } from '../../src/cli/links/index.ts'
import { DEFAULT_MAX_LINK_BYTES } from '../../src/cli/links/index.ts'
import { MAX_DEPTH } from '../../src/core/json/parse.ts'
import { copyOf, passingVector, timed, HERE } from './helpers.ts'

const vector = passingVector()
const pool = new DecodingPool(2)
afterAll(() => pool.close())

const decoders: Array<[string, DirectoryLinksOptions]> = [
  ['sequential', HERE],
  ['worker pool', { pool, minParallelBytes: 0 }],
]

describe.each(decoders)('hostile link input (%s decoder)', (_, decoder) => {
  it('passes a link directory holding thousands of unrelated files, warning about stray links only', async () => {
    const bundle = copyOf(vector)
    try {
      for (let i = 0; i < 3000; i++) writeFileSync(join(bundle.linksDir, `unrelated-${i}.txt`), 'not a link')
      mkdirSync(join(bundle.linksDir, 'nested', 'deeper'), { recursive: true })
      for (let i = 0; i < 1000; i++) writeFileSync(join(bundle.linksDir, 'nested', 'deeper', `file-${i}.json`), '{}')
      for (let i = 0; i < 500; i++) writeFileSync(join(bundle.linksDir, `stray.${String(i).padStart(8, '0')}.link`), '{ not json')
      const { value: report } = await timed('verify with 4,500 unrelated files', () => bundle.verify(decoder))
      expect(report.failure).toBeUndefined()
      expect(report.verdict).toBe('pass')
      const unused = report.warnings.filter((warning) => warning.kind === 'unused-link')
      expect(unused).toHaveLength(500)
      expect(unused[0]?.message).toMatch(/stray\.\d{8}\.link' is not used/)
    } finally {
      bundle.dispose()
    }
  })

  it('refuses deeply nested JSON in a link with a clear message, without overflowing the stack', async () => {
    const bundle = copyOf(vector)
    try {
      const target = bundle.links[0] as string
      const depth = 200_000
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`
      writeFileSync(join(bundle.linksDir, target), `{"signatures": [], "signed": {"_type": "link", "byproducts": {"x": ${nested}}}}`)
      const { value: report } = await timed(`verify with ${depth} levels of nesting`, () => bundle.verify(decoder))
      expect(report.verdict).toBe('fail')
      expect(report.failure?.stage).toBe('format')
      expect(report.failure?.file).toBe(target)
      expect(report.failure?.message).toContain(`'${target}'`)
      expect(report.failure?.message).toContain(`nesting deeper than ${MAX_DEPTH} levels is not accepted`)
      expect(report.failure?.path).toMatch(/^signed\.byproducts\.x(\[0\])+$/)
    } finally {
      bundle.dispose()
    }
  })

  it('refuses a link file over the size limit without reading it, naming the file', async () => {
    const bundle = copyOf(vector)
    try {
      const target = bundle.links[0] as string
      // A sparse 600 MB file: the size is real, the disk blocks are not written.
      const fd = openSync(join(bundle.linksDir, target), 'w')
      ftruncateSync(fd, 600 * 1024 * 1024)
      closeSync(fd)
      const before = process.memoryUsage().rss
      const { value: report } = await timed('verify with a 600 MB link', () => bundle.verify(decoder))
      expect(report.verdict).toBe('fail')
      expect(report.failure?.stage).toBe('format')
      expect(report.failure?.file).toBe(target)
      expect(report.failure?.message).toContain(`The link file '${target}'`)
      expect(report.failure?.message).toContain(`the file is 600.0 MiB, larger than the ${DEFAULT_MAX_LINK_BYTES / 1024 / 1024}.0 MiB a link file may have here`)
      // Nothing near the file's size was allocated.
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
    } finally {
      bundle.dispose()
    }
  })

  it('refuses a link of binary garbage and one of an unterminated huge string, naming the file', async () => {
    for (const [label, content] of [
      ['binary', Uint8Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)],
      ['unterminated string', `{"signatures": [], "signed": {"name": "${'x'.repeat(8 * 1024 * 1024)}`],
    ] as const) {
      const bundle = copyOf(vector)
      try {
        const target = bundle.links[0] as string
        writeFileSync(join(bundle.linksDir, target), content)
        const report = await bundle.verify(decoder)
        expect(report.failure?.stage, label).toBe('format')
        expect(report.failure?.file, label).toBe(target)
        expect(report.failure?.message, label).toMatch(/not valid UTF-8|unterminated string/)
      } finally {
        bundle.dispose()
      }
    }
  })
})
