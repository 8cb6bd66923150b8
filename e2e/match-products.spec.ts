/**
 * Checking files against a link in the Verify workspace (in-toto-match-products in the
 * browser): files and a folder are hashed in the worker and compared with a link file's
 * products, or with the products of a step of the verification on display.
 */
import { mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Locator, type Page } from '@playwright/test'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const DEMO = join(ROOT, 'test/fixtures/upstream/demo_files')
const VECTOR = join(ROOT, 'test/fixtures/vectors/keys-owner-rsa-func-rsa')

async function openVerify(page: Page) {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Verify' }).click()
  return page.getByRole('tabpanel', { name: 'Verify' })
}

const check = (scope: Page | Locator) => scope.getByRole('region', { name: 'Check files against a link' })

test('files dropped next to a link file: match, then an extra and a changed file', async ({ page }) => {
  const panel = check(await openVerify(page))
  await panel.getByLabel('Link to check against').setInputFiles(join(DEMO, 'package.2f89b927.link'))
  await panel.getByRole('button', { name: 'Files to check', exact: true }).setInputFiles(join(DEMO, 'foo.tar.gz'))
  await panel.getByRole('button', { name: 'Check files' }).click()
  const result = panel.getByRole('region', { name: 'Match result' })
  await expect(result.getByRole('heading', { level: 4 })).toHaveText('match The files match the products of package.2f89b927.link')
  await expect(result).toContainText('1 file recorded, 1 with the same hashes as in link “package”')

  // A changed copy of the product and a file the link does not list.
  await panel.getByRole('button', { name: 'Files to check', exact: true }).setInputFiles([
    { name: 'foo.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from('not the tarball') },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('extra') },
  ])
  await expect(result).toBeHidden()
  await panel.getByRole('button', { name: 'Check files' }).click()
  await expect(result.getByRole('heading', { level: 4 })).toHaveText('differ The files do not match the products of package.2f89b927.link: 2 differences')
  await expect(result.getByRole('region', { name: 'Not in products (1)' })).toContainText('notes.txt')
  const differ = result.getByRole('region', { name: 'Hashes differ (1)' })
  await expect(differ.getByRole('row').nth(1)).toContainText('foo.tar.gz')
  await expect(differ.getByRole('row').nth(1)).toContainText('sha256 52947cb7…')
})

test('a folder keeps its name in the paths; excludes and left-strip prefixes apply', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'match-e2e-'))
  mkdirSync(join(dir, 'dist/sub'), { recursive: true })
  writeFileSync(join(dir, 'dist/foo.tar.gz'), 'x')
  writeFileSync(join(dir, 'dist/sub/extra.pyc'), 'bytecode')
  writeFileSync(join(dir, 'dist/sub/readme.txt'), 'readme')
  const panel = check(await openVerify(page))
  await panel.getByLabel('Link to check against').setInputFiles(join(DEMO, 'package.2f89b927.link'))
  await panel.getByLabel('Folder to check').setInputFiles(join(dir, 'dist'))
  await expect(panel.getByRole('list', { name: 'Local artifacts: chosen files' })).toContainText('dist/sub/readme.txt')
  await panel.getByRole('button', { name: 'Check files' }).click()
  const result = panel.getByRole('region', { name: 'Match result' })
  // *.pyc is excluded by default; the link's product is foo.tar.gz, not dist/foo.tar.gz.
  await expect(result.getByRole('region', { name: 'Only in products (1)' })).toContainText('foo.tar.gz')
  await expect(result.getByRole('region', { name: 'Not in products (2)' })).toContainText('dist/foo.tar.gz')

  await panel.getByText('Options (as in-toto-match-products)').click()
  await panel.getByLabel('Exclude patterns (-e), one per line; they replace the defaults').fill('sub/')
  await panel.getByLabel('Left-strip prefixes (--lstrip-paths), one per line').fill('dist/')
  await panel.getByRole('button', { name: 'Check files' }).click()
  await expect(result.getByRole('heading', { level: 4 })).toHaveText('differ The files do not match the products of package.2f89b927.link: 1 difference')
  await expect(result.getByRole('region', { name: 'Hashes differ (1)' })).toContainText('foo.tar.gz')
})

test('after a verification, files are checked against the link of its last step', async ({ page }) => {
  const verify = await openVerify(page)
  await verify.getByLabel('Layout to verify').setInputFiles(join(VECTOR, 'layout/root.layout'))
  await verify.getByLabel('Owner public keys').setInputFiles(join(VECTOR, 'keys/owner.pub'))
  await verify.getByLabel('Link files or archives').setInputFiles(readdirSync(join(VECTOR, 'links')).map((name) => join(VECTOR, 'links', name)))
  await verify.getByRole('button', { name: 'Product files' }).setInputFiles(join(VECTOR, 'work/foo.tar.gz'))
  await verify.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(verify.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed', { timeout: 30_000 })
  const panel = check(page)
  await expect(panel.getByLabel('Verified step')).toHaveValue('package')
  await panel.getByRole('button', { name: 'Files to check', exact: true }).setInputFiles(join(VECTOR, 'work/foo.tar.gz'))
  await panel.getByRole('button', { name: 'Check files' }).click()
  // The package step also kept foo.py among its products; only the tarball was dropped.
  const result = panel.getByRole('region', { name: 'Match result' })
  await expect(result.getByRole('heading', { level: 4 })).toHaveText('differ The files do not match the products of step package: 1 difference')
  await expect(result.getByRole('region', { name: 'Only in products (1)' })).toContainText('foo.py')
  await expect(result).toContainText('1 file recorded, 1 with the same hashes as in link “package”')
})
