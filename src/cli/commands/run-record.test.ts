import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { readEnvelope } from '../../core/envelope/read.ts'
import { verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import { toPlain } from '../../core/json/value.ts'
import { exportPrivateKeyPkcs8Pem, exportPrivateKeySslibJson } from '../../core/keys/export.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import type { Link } from '../../core/model/types.ts'
import { cli, tempWorkdir } from '../../../test/support/cli.ts'

let alice: PrivateKey
let bob: PrivateKey
let work: ReturnType<typeof tempWorkdir>
const prefix = (key: PrivateKey) => key.publicKey.keyid.slice(0, 8)

beforeAll(async () => {
  ;[alice, bob] = await Promise.all([generateKeyPair('ed25519'), generateKeyPair('ecdsa')])
})

beforeEach(async () => {
  work = tempWorkdir('run')
  writeFileSync('alice', await exportPrivateKeyPkcs8Pem(alice))
  writeFileSync('bob.json', await exportPrivateKeySslibJson(bob))
  mkdirSync('src')
  writeFileSync('src/a.txt', 'a\n')
  writeFileSync('src/b.py', 'print(1)\n')
})
afterEach(() => {
  vi.unstubAllEnvs()
  work.dispose()
})

async function readLink(file: string, key: PrivateKey): Promise<{ link: Link; plain: Record<string, unknown>; format: string }> {
  const envelope = readEnvelope(readFileSync(file), file)
  expect(await verifyEnvelopeSignature(envelope, key.publicKey)).toBe('valid')
  if (envelope.content.type !== 'link') throw new Error('not a link')
  const link = envelope.content.link
  return {
    link,
    format: envelope.format,
    plain: { command: toPlain(link.command as never), byproducts: toPlain(link.byproducts), environment: toPlain(link.environment) } as Record<string, unknown>,
  }
}

describe('layout-studio run', () => {
  it('records materials, runs the command, records products and byproducts, and signs the link', async () => {
    const result = await cli(
      'run',
      '-n',
      'build',
      '-k',
      'alice',
      '-m',
      'src',
      '-p',
      'src',
      'out.txt',
      '-s',
      '--',
      'sh',
      '-c',
      'cat src/a.txt > out.txt; echo made; echo warn >&2; exit 3',
    )
    expect(result.code, result.stderr).toBe(0)
    const file = `build.${prefix(alice)}.link`
    expect(result.stderr).toContain(`wrote ${file}`)
    const { link, plain } = await readLink(file, alice)
    expect(link.name).toBe('build')
    expect([...link.materials.keys()]).toEqual(['src/a.txt', 'src/b.py'])
    expect([...link.products.keys()]).toEqual(['out.txt', 'src/a.txt', 'src/b.py'])
    expect(link.products.get('out.txt')?.get('sha256')).toBe(link.materials.get('src/a.txt')?.get('sha256'))
    expect(plain.command).toEqual(['sh', '-c', 'cat src/a.txt > out.txt; echo made; echo warn >&2; exit 3'])
    // The command's exit status is recorded, not passed on (as in-toto-run).
    expect(plain.byproducts).toEqual({ stdout: 'made\n', stderr: 'warn\n', 'return-value': 3 })
    expect(plain.environment).toEqual({})
  })

  it('discards the output without -s and records no byproducts with -x', async () => {
    await cli('run', '-n', 'quiet', '-k', 'alice', '--', 'sh', '-c', 'echo hidden')
    expect((await readLink(`quiet.${prefix(alice)}.link`, alice)).plain.byproducts).toEqual({ stdout: '', stderr: '', 'return-value': 0 })
    const review = await cli('run', '-n', 'review', '-k', 'alice', '-m', 'src/a.txt', '-x')
    expect(review.code).toBe(0)
    const { plain, link } = await readLink(`review.${prefix(alice)}.link`, alice)
    expect(plain).toMatchObject({ command: [], byproducts: {} })
    expect([...link.materials.keys()]).toEqual(['src/a.txt'])
  })

  it('excludes link files, .git and the like by default; --exclude and IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS replace the defaults', async () => {
    writeFileSync('old.abcd1234.link', '{}')
    writeFileSync('src/c.pyc', '')
    await cli('run', '-n', 'all', '-k', 'alice', '-m', '.', '-x')
    expect([...(await readLink(`all.${prefix(alice)}.link`, alice)).link.materials.keys()].sort()).toEqual(['alice', 'bob.json', 'src/a.txt', 'src/b.py'])

    await cli('run', '-n', 'some', '-k', 'alice', '-m', 'src', '-x', '--exclude', '*.py')
    expect([...(await readLink(`some.${prefix(alice)}.link`, alice)).link.materials.keys()]).toEqual(['src/a.txt', 'src/c.pyc'])

    vi.stubEnv('IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS', '*.txt:*.pyc')
    await cli('run', '-n', 'env', '-k', 'alice', '-m', 'src', '-x')
    expect([...(await readLink(`env.${prefix(alice)}.link`, alice)).link.materials.keys()]).toEqual(['src/b.py'])
  })

  it('reads in-toto rcfiles (./.in_totorc), which override the environment', async () => {
    vi.stubEnv('IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS', '*.txt')
    writeFileSync('.in_totorc', '# settings\n[in-toto]\nARTIFACT_EXCLUDE_PATTERNS = *.py:.in_totorc\n')
    await cli('run', '-n', 'rc', '-k', 'alice', '-m', 'src', '-x')
    expect([...(await readLink(`rc.${prefix(alice)}.link`, alice)).link.materials.keys()]).toEqual(['src/a.txt'])
    writeFileSync('.in_totorc', 'ARTIFACT_BASE_PATH = src\n')
    const broken = await cli('run', '-n', 'rc', '-k', 'alice', '-m', 'src', '-x')
    expect(broken.code).toBe(2)
    expect(broken.stderr).toContain('.in_totorc: line 1: expected a [section] header first')
  })

  it('records relative to --base-path, strips --lstrip-paths and writes to --metadata-directory', async () => {
    mkdirSync('links')
    const result = await cli('run', '-n', 'strip', '-k', 'alice', '-m', 'src', '--lstrip-paths', 'src/', '-d', 'links', '-x')
    expect(result.code, result.stderr).toBe(0)
    expect([...(await readLink(join('links', `strip.${prefix(alice)}.link`), alice)).link.materials.keys()]).toEqual(['a.txt', 'b.py'])
    await cli('run', '-n', 'based', '-k', 'alice', '-m', 'a.txt', '--base-path', 'src', '-x')
    expect([...(await readLink(`based.${prefix(alice)}.link`, alice)).link.materials.keys()]).toEqual(['a.txt'])
    const missing = await cli('run', '-n', 'x', '-k', 'alice', '-m', 'a.txt', '--base-path', 'nowhere', '-x')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("'nowhere' as base path")
  })

  it('signs with securesystemslib JSON keys and writes DSSE with --dsse', async () => {
    expect((await cli('run', '-n', 'dsse', '-k', 'bob.json', '-t', 'ecdsa', '--dsse', '-p', 'src', '--', 'true')).code).toBe(0)
    const { format, link } = await readLink(`dsse.${prefix(bob)}.link`, bob)
    expect(format).toBe('dsse')
    expect(link.products.size).toBe(2)
  })

  it('fails with exit code 1 and no link when the command cannot run or times out', async () => {
    const missing = await cli('run', '-n', 'gone', '-k', 'alice', '--', 'no-such-program-here')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("cannot run 'no-such-program-here': no such program")
    const slow = await cli('run', '-n', 'slow', '-k', 'alice', '--timeout', '0.3', '--', 'sleep', '5')
    expect(slow.code).toBe(1)
    expect(slow.stderr).toContain('did not finish within 0.3 seconds')
    expect(existsSync(`slow.${prefix(alice)}.link`)).toBe(false)
  })

  it('rejects usage errors with exit code 2', async () => {
    expect((await cli('run', '-n', 'x', '-k', 'alice')).stderr).toContain('no command given')
    expect((await cli('run', '-k', 'alice', '-x')).code).toBe(2)
    expect((await cli('run', '-n', 'x', '-x')).stderr).toContain('-k/--key')
    expect((await cli('run', '-n', 'x', '-k', 'missing-key', '-x')).stderr).toContain("'missing-key': no such file")
    expect((await cli('run', '-n', 'x', '-k', 'alice', '-t', 'dsa', '-x')).code).toBe(2)
    expect((await cli('run', '-n', 'x', '-k', 'alice', '--timeout', 'soon', '--', 'true')).code).toBe(2)
  })
})

describe('layout-studio record', () => {
  it('start writes a signed preliminary link; stop adds products, writes the link and removes the preliminary one', async () => {
    const unfinished = `.edit.${prefix(alice)}.link-unfinished`
    const started = await cli('record', 'start', '-n', 'edit', '-k', 'alice', '-m', 'src')
    expect(started.code, started.stderr).toBe(0)
    const preliminary = await readLink(unfinished, alice)
    expect([...preliminary.link.materials.keys()]).toEqual(['src/a.txt', 'src/b.py'])
    expect(preliminary.link.products.size).toBe(0)

    writeFileSync('src/a.txt', 'edited\n')
    mkdirSync('out')
    const stopped = await cli('record', 'stop', '-n', 'edit', '-k', 'alice', '-p', 'src', '-d', 'out')
    expect(stopped.code, stopped.stderr).toBe(0)
    expect(existsSync(unfinished)).toBe(false)
    const { link, plain } = await readLink(join('out', `edit.${prefix(alice)}.link`), alice)
    expect(link.materials.get('src/a.txt')?.get('sha256')).not.toBe(link.products.get('src/a.txt')?.get('sha256'))
    expect(plain).toEqual({ command: [], byproducts: {}, environment: {} })
  })

  it('stop fails (exit 1) without a preliminary link, with another key, or when the preliminary link was altered', async () => {
    const none = await cli('record', 'stop', '-n', 'edit', '-k', 'alice', '-p', 'src')
    expect(none.code).toBe(1)
    expect(none.stderr).toContain(`no preliminary link '.edit.${prefix(alice)}.link-unfinished'`)

    await cli('record', 'start', '-n', 'edit', '-k', 'alice', '-m', 'src')
    expect((await cli('record', 'stop', '-n', 'edit', '-k', 'bob.json', '-p', 'src')).code).toBe(1)

    const unfinished = `.edit.${prefix(alice)}.link-unfinished`
    writeFileSync(unfinished, readFileSync(unfinished, 'utf8').replace('src/a.txt', 'src/z.txt'))
    const altered = await cli('record', 'stop', '-n', 'edit', '-k', 'alice', '-p', 'src')
    expect(altered.code).toBe(1)
    expect(altered.stderr).toContain('the signature does not verify')
    expect(existsSync(`edit.${prefix(alice)}.link`)).toBe(false)
  })

  it('keeps DSSE from start to stop', async () => {
    await cli('record', 'start', '-n', 'd', '-k', 'alice', '-m', 'src', '--dsse')
    expect((await cli('record', 'stop', '-n', 'd', '-k', 'alice', '-p', 'src')).code).toBe(0)
    expect((await readLink(`d.${prefix(alice)}.link`, alice)).format).toBe('dsse')
  })
})

describe('hashing progress', () => {
  it('draws a count on a terminal, at most ten times a second, and clears it when done', async () => {
    const { PassThrough } = await import('node:stream')
    const { hashingProgress } = await import('../record-progress.ts')
    const stream = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream
    let written = ''
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()))
    const progress = hashingProgress('materials', stream)
    for (let i = 0; i < 5000; i++) progress.onFile?.(`f${i}`)
    progress.done()
    await new Promise((resolve) => setImmediate(resolve))
    expect(written.startsWith('\r\x1b[2Khashing materials: 1 file…')).toBe(true)
    expect(written.split('hashing').length - 1).toBeLessThan(5)
    expect(written.endsWith('\r\x1b[2K')).toBe(true)
    expect(hashingProgress('x', new PassThrough() as unknown as NodeJS.WriteStream).onFile).toBeUndefined()
  })
})
