/**
 * `layout-studio match-products` against the lists and exit codes of in-toto 2.x
 * `in-toto-match-products` (cross-checked during development with in-toto 2.2's
 * `FileResolver` and pathspec 1.1.1, which Debian does not ship), on a matrix of local trees;
 * and against links the reference `in-toto-run` recorded.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEnvelope, serializeEnvelope } from '../../core/envelope/sign.ts'
import { exportPrivateKeySslibJson } from '../../core/keys/export.ts'
import { generateKeyPair } from '../../core/keys/generate.ts'
import { artifactMap, createLink } from '../../core/model/link.ts'
import { cli, reference, referenceAvailable, tempWorkdir } from '../../../test/support/cli.ts'

let work: ReturnType<typeof tempWorkdir>
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A link whose products are these files with these contents (or digests). */
function writeLink(file: string, products: Record<string, Record<string, string>>, format: 'metablock' | 'dsse' = 'metablock'): void {
  const link = createLink('package', { products: artifactMap(products) })
  writeFileSync(file, serializeEnvelope(createEnvelope({ type: 'link', link }, format)))
}

function tree(): void {
  mkdirSync('dist/pkg', { recursive: true })
  writeFileSync('dist/app.tar.gz', 'app')
  writeFileSync('dist/pkg/readme.txt', 'readme')
  writeFileSync('dist/app.pyc', 'bytecode')
}

const products = () => ({
  'dist/app.tar.gz': { sha256: sha256('app') },
  'dist/pkg/readme.txt': { sha256: sha256('readme') },
})

beforeEach(() => {
  work = tempWorkdir('match')
  tree()
})
afterEach(() => work.dispose())

describe('layout-studio match-products', () => {
  it('exits 0 when the files match, silently unless -v', async () => {
    writeLink('package.link', products())
    expect(await cli('match-products', '-l', 'package.link', '-p', 'dist')).toEqual({ code: 0, stdout: '', stderr: '' })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '-v')).stdout).toBe('Local artifacts match products in passed link.\n')
  })

  it('records the working directory by default, with the default excludes (*.link*, *.pyc)', async () => {
    writeLink('package.link', products())
    expect((await cli('match-products', '-l', 'package.link', '-v')).code).toBe(0)
  })

  it('lists a file the link does not have as "Not in products" (exit 1)', async () => {
    writeLink('package.link', products())
    writeFileSync('dist/extra.txt', 'extra')
    const result = await cli('match-products', '-l', 'package.link', '-p', 'dist', '-v')
    expect(result).toEqual({ code: 1, stdout: "Local artifacts don't match products in passed link.\nNot in products: dist/extra.txt\n", stderr: '' })
    expect(await cli('match-products', '-l', 'package.link', '-p', 'dist')).toEqual({ code: 1, stdout: '', stderr: '' })
  })

  it('lists a product that is not there as "Only in products"', async () => {
    writeLink('package.link', { ...products(), 'dist/gone.txt': { sha256: sha256('gone') } })
    const result = await cli('match-products', '-l', 'package.link', '-p', 'dist', '-v')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("Local artifacts don't match products in passed link.\nOnly in products: dist/gone.txt\n")
  })

  it('lists a changed file as "Hashes differ", and a hash dict with other algorithms too', async () => {
    writeLink('package.link', { ...products(), 'dist/pkg/readme.txt': { sha256: sha256('readme'), sha512: 'ab' } })
    writeFileSync('dist/app.tar.gz', 'tampered')
    const result = await cli('match-products', '-l', 'package.link', '-p', 'dist', '-v')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("Local artifacts don't match products in passed link.\nHashes differ: dist/app.tar.gz\nHashes differ: dist/pkg/readme.txt\n")
  })

  it('prints the three kinds in the reference order, each sorted', async () => {
    writeLink('package.link', { 'dist/z.txt': { sha256: '00' }, 'dist/b.txt': { sha256: '00' }, 'dist/app.tar.gz': { sha256: '00' } })
    const result = await cli('match-products', '-l', 'package.link', '-p', 'dist', '-v')
    expect(result.stdout.split('\n')).toEqual([
      "Local artifacts don't match products in passed link.",
      'Only in products: dist/b.txt',
      'Only in products: dist/z.txt',
      'Not in products: dist/pkg/readme.txt',
      'Hashes differ: dist/app.tar.gz',
      '',
    ])
  })

  it('excludes with gitignore patterns (-e replaces the defaults), including re-includes', async () => {
    writeLink('package.link', { 'dist/app.tar.gz': { sha256: sha256('app') } })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '-e', 'pkg/', '*.pyc')).code).toBe(0)
    // -e replaces the defaults: the .pyc file now counts.
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '-e', 'pkg/', '-v')).stdout).toContain('Not in products: dist/app.pyc\n')
    // gitignore semantics of in-toto 2.x: the file pattern outranks the later directory re-include.
    writeLink('package.link', { 'dist/app.tar.gz': { sha256: sha256('app') }, 'dist/app.pyc': { sha256: sha256('bytecode') } })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '-e', '*.txt', '!pkg/', '-v')).stdout).toBe('Local artifacts match products in passed link.\n')
  })

  it('left-strips prefixes (--lstrip-paths) and refuses prefixes of each other (exit 1)', async () => {
    writeLink('package.link', { 'app.tar.gz': { sha256: sha256('app') }, 'pkg/readme.txt': { sha256: sha256('readme') } })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '--lstrip-paths', 'dist/', '-v')).stdout).toBe('Local artifacts match products in passed link.\n')
    writeLink('package.link', { 'app.tar.gz': { sha256: sha256('app') }, 'readme.txt': { sha256: sha256('readme') } })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', '--lstrip-paths', 'dist/pkg/', 'dist/', '-v')).stderr).toBe(
      "layout-studio: 'dist/pkg/' and 'dist/' triggered a left substring error\n",
    )
    const duplicate = await cli('match-products', '-l', 'package.link', '-p', 'dist/app.tar.gz', './dist/app.tar.gz', '--lstrip-paths', 'x/')
    expect(duplicate).toEqual({ code: 1, stdout: '', stderr: "layout-studio: Prefix selection has resulted in non unique dictionary key 'dist/app.tar.gz'\n" })
  })

  it('does not follow symlinked directories (in-toto-run does), but walks one given as a path', async () => {
    mkdirSync('elsewhere')
    writeFileSync('elsewhere/inside.txt', 'inside')
    symlinkSync(join('..', 'elsewhere'), 'dist/linked')
    writeLink('package.link', products())
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist')).code).toBe(0)
    writeLink('package.link', { 'dist/linked/inside.txt': { sha256: sha256('inside') } })
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist/linked')).code).toBe(0)
  })

  it('reads DSSE links, and skips paths that do not exist', async () => {
    writeLink('package.link', products(), 'dsse')
    expect((await cli('match-products', '-l', 'package.link', '-p', 'dist', 'no-such-dir', '-v')).stdout).toBe('Local artifacts match products in passed link.\n')
  })

  it('exits 1 with one line when the file is not usable link metadata, 2 on usage errors and unreadable files', async () => {
    writeFileSync('root.layout', JSON.stringify({ signed: { _type: 'layout', steps: [], inspect: [], keys: {}, expires: '2030-01-01T00:00:00Z', readme: '' }, signatures: [] }))
    expect(await cli('match-products', '-l', 'root.layout')).toMatchObject({ code: 1, stderr: 'layout-studio: root.layout: holds a layout, not link metadata\n' })
    writeFileSync('broken.link', '{"signed": {"_type": "link", "products": {"a": {"sha256": "xyz"}}}}')
    expect(await cli('match-products', '-l', 'broken.link')).toMatchObject({ code: 1, stderr: expect.stringContaining('signed.products.a.sha256') })
    expect(await cli('match-products', '-l', 'missing.link')).toMatchObject({ code: 2, stderr: "layout-studio: cannot read the link 'missing.link': no such file\n" })
    expect((await cli('match-products', '-p', 'dist')).code).toBe(2)
    expect((await cli('match-products', '-l', 'x', '--frobnicate')).code).toBe(2)
  })
})

describe('layout-studio match-products on links recorded by the reference in-toto-run', async () => {
  const available = await referenceAvailable()
  it.skipIf(!available)('matches the files in-toto-run recorded, and names the one changed afterwards', async () => {
    const key = await generateKeyPair('ed25519')
    writeFileSync('alice.json', await exportPrivateKeySslibJson(key))
    // in-toto 1.3.1 reads ed25519 keys in securesystemslib JSON with -t ed25519.
    const run = await reference('in-toto-run', ['-n', 'package', '--key', 'alice.json', '-t', 'ed25519', '-p', 'dist', '--', 'true'], work.dir)
    expect(run.code, run.stderr).toBe(0)
    const link = `package.${key.publicKey.keyid.slice(0, 8)}.link`
    expect(await cli('match-products', '-l', link, '-p', 'dist', '-v')).toEqual({ code: 0, stdout: 'Local artifacts match products in passed link.\n', stderr: '' })
    writeFileSync('dist/pkg/readme.txt', 'changed')
    expect((await cli('match-products', '-l', link, '-p', 'dist', '-v')).stdout).toBe("Local artifacts don't match products in passed link.\nHashes differ: dist/pkg/readme.txt\n")
  })
})
