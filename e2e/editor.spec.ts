/**
 * The layout editor in Chromium: building the in-toto demo chain through the UI only, opening
 * and re-exporting every public vector's layout, the JSON view, lint, undo/redo and drafts.
 * Expected bytes come from the reference implementation (Python in-toto), not from our core.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { loadVectors, VECTORS } from '../test/support/vectors.ts'

const DEMO = path.resolve('test/fixtures/upstream/demo_files')

const PYTHON = '/usr/bin/python3'

interface Reference {
  /** The canonical bytes in-toto 1.3.1 signs for the layout (`signable_bytes`). */
  signable: string
  /** The unsigned file `Metablock.dump` writes for it. */
  unsignedFile: string
}

/** What the reference makes of each layout file, with `expires` optionally overridden. */
function reference(files: readonly string[], expires?: string): Reference[] {
  const script = `
import json, sys
from in_toto.models.metadata import Metablock
out = []
for path in json.loads(sys.argv[1]):
    m = Metablock.load(path)
    if sys.argv[2]:
        m.signed.expires = sys.argv[2]
    m.signatures = []
    out.append({"signable": m.signed.signable_bytes.decode("utf-8"), "unsignedFile": "{}".format(m)})
sys.stdout.write(json.dumps(out))
`
  return JSON.parse(execFileSync(PYTHON, ['-c', script, JSON.stringify(files), expires ?? ''], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Reference[]
}

/** Fails the test on console errors/warnings and on any request off the page's origin. */
function watchPage(page: Page, baseURL: string | undefined): { problems: string[]; foreign: string[] } {
  const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin
  const seen = { problems: [] as string[], foreign: [] as string[] }
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.problems.push(`${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => seen.problems.push(`pageerror: ${e.message}`))
  page.on('request', (r) => {
    const url = r.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) seen.foreign.push(url)
  })
  // Leaving with unexported changes asks first; tests that reload accept.
  page.on('dialog', (dialog) => void dialog.accept())
  return seen
}

/** Replaces the JSON view's text the way a person pastes it (typing would auto-indent and auto-close brackets). */
async function pasteJson(page: Page, value: unknown): Promise<void> {
  await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(value, null, 2))
  await page.locator('.monaco-editor .view-lines').click()
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.press('ControlOrMeta+V')
}

const node = (page: Page, name: string) => page.getByRole('group', { name, exact: true })

/** Clicks "Export layout"; returns the downloaded file's path and text. */
async function exportLayout(page: Page): Promise<{ file: string; text: string }> {
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export layout' }).click()
  const file = await (await download).path()
  return { file, text: readFileSync(file, 'utf8') }
}

async function commit(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true })
  await field.fill(value)
  await field.press('Enter')
}

test.beforeEach(async ({ page }) => {
  await page.goto('/')
  await page.evaluate(() => localStorage.clear())
  await page.goto('/')
})

test('builds the in-toto demo chain from an empty layout, byte for byte as the reference', async ({ page, baseURL }) => {
  const seen = watchPage(page, baseURL)
  await expect(node(page, 'write-code')).toBeVisible()
  await page.getByRole('button', { name: 'New layout' }).click()
  await expect(node(page, 'write-code')).toHaveCount(0)

  await page.getByRole('button', { name: 'Add functionary' }).click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('menuitem', { name: 'Import public key files…' }).click()
  await (await chooser).setFiles([path.join(DEMO, 'bob.pub'), path.join(DEMO, 'carl.pub')])
  await expect(page.getByRole('group', { name: 'Functionary carl' })).toBeVisible()

  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'write-code')
  await expect(node(page, 'write-code')).toBeVisible()
  await page.getByRole('checkbox', { name: 'bob' }).check()
  await commit(page, 'New product rule', 'CREATE foo.py')

  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'package')
  await commit(page, 'Expected command', 'tar zcvf foo.tar.gz foo.py')
  await page.getByRole('checkbox', { name: 'carl' }).check()
  await commit(page, 'New material rule', 'MATCH foo.py WITH PRODUCTS FROM write-code')
  await commit(page, 'New product rule', 'CREATE foo.tar.gz')
  await commit(page, 'New product rule', 'ALLOW foo.py')

  await page.getByRole('button', { name: 'Add inspection' }).click()
  await commit(page, 'Name', 'untar')
  await commit(page, 'Run', 'python ./scripts/tar xfz foo.tar.gz')
  await commit(page, 'New material rule', 'MATCH foo.tar.gz WITH PRODUCTS FROM package')
  await commit(page, 'New product rule', 'MATCH foo.py WITH PRODUCTS FROM write-code')
  await expect(page.getByRole('group', { name: 'foo.tar.gz from package to untar' })).toBeAttached()
  await page.screenshot({ path: 'test-results/editor-inspector.png' })

  await page.getByRole('button', { name: '← Layout settings' }).click()
  await commit(page, 'Expires', '2030-01-01T00:00:00Z')

  const [expected] = reference([path.join(DEMO, 'demo.layout.template')], '2030-01-01T00:00:00Z')
  const exported = await exportLayout(page)
  // The file is what in-toto writes, and in-toto reads it back to the same signed bytes.
  expect(exported.text).toBe(expected?.unsignedFile)
  expect(reference([exported.file])[0]?.signable).toBe(expected?.signable)
  await page.screenshot({ path: 'test-results/editor-demo-built.png' })

  await page.getByRole('tab', { name: 'Reviewer' }).click()
  await expect(page.getByRole('article', { name: 'Layout in plain words' })).toContainText('It must be signed by carl')
  await page.screenshot({ path: 'test-results/editor-reviewer.png' })
  expect(seen.problems).toEqual([])
  expect(seen.foreign).toEqual([])
})

test("opens every public vector's root.layout and re-exports its signed part unchanged", async ({ page, baseURL }) => {
  test.setTimeout(240_000)
  const seen = watchPage(page, baseURL)
  const files = loadVectors().map((vector) => path.join(vector.dir, 'layout', 'root.layout'))
  expect(files.length).toBeGreaterThanOrEqual(60)
  const expected = reference(files)
  const exportedFiles: string[] = []
  for (const file of files) {
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open layout' }).click()
    await (await chooser).setFiles(file)
    await expect(page.getByRole('status').filter({ hasText: 'Opened root.layout' })).toBeVisible()
    exportedFiles.push((await exportLayout(page)).file)
  }
  const reread = reference(exportedFiles)
  files.forEach((file, index) => expect(reread[index]?.signable, file).toBe(expected[index]?.signable))
  expect(seen.problems).toEqual([])
})

test('shows signatures of a signed layout as valid, invalid or unknown, and that edits void them', async ({ page }) => {
  const open = async (vector: string) => {
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Open layout' }).click()
    await (await chooser).setFiles(path.join(VECTORS, vector, 'layout', 'root.layout'))
  }
  const checkWith = async (vector: string, key: string) => {
    const chooser = page.waitForEvent('filechooser')
    await page.getByRole('button', { name: 'Check with public key' }).click()
    await (await chooser).setFiles(path.join(VECTORS, vector, 'keys', key))
  }
  const signatures = page.getByRole('status', { name: 'Signatures' })
  await open('layout-sig-two-owners-in-toto-sign')
  await expect(signatures).toContainText('unknown (key not loaded)')
  await checkWith('layout-sig-two-owners-in-toto-sign', 'owner1.pub')
  await expect(signatures.locator('.editor-signature-valid')).toHaveCount(1)
  await expect(signatures.locator('.editor-signature-unknown-key')).toHaveCount(1)

  // A key that signed nothing here says so.
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Check with public key' }).click()
  await (await chooser).setFiles(path.join(DEMO, 'danny.pub'))
  await expect(signatures.getByRole('alert')).toContainText('danny.pub (keyid')
  await expect(signatures.getByRole('alert')).toContainText('did not sign this layout')

  await open('layout-sig-tampered-readme-ed25519')
  // A readme changed after signing: the owner's signature no longer verifies, and lint does not claim all is well.
  await checkWith('layout-sig-tampered-readme-ed25519', 'owner.pub')
  await expect(signatures.locator('.editor-signature-invalid')).toHaveCount(1)
  await expect(page.getByRole('region', { name: 'Lint findings' })).not.toContainText('No problems found')

  // The signed layout is for review: an edit asks, and undo brings the signatures back.
  await page.getByRole('button', { name: 'Add step' }).click()
  const edit = page.getByRole('alertdialog', { name: 'Edit the signed layout?' })
  await edit.getByRole('button', { name: 'Keep reviewing' }).click()
  await expect(node(page, 'step')).toHaveCount(0)
  await page.getByRole('button', { name: 'Add step' }).click()
  await edit.getByRole('button', { name: 'Edit and drop signatures' }).click()
  await expect(node(page, 'step')).toBeVisible()
  await expect(page.getByText('You edited a signed layout: its signatures no longer apply')).toBeVisible()
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(node(page, 'step')).toHaveCount(0)
  await expect(signatures.locator('.editor-signature-invalid')).toHaveCount(1)
})

test('editing the JSON changes the graph, and errors are marked at their path', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const seen = watchPage(page, baseURL)
  await expect(node(page, 'untar')).toBeVisible()
  await page.getByRole('tab', { name: 'JSON' }).click()
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('"untar"')
  const signed = (JSON.parse((await exportLayout(page)).text) as { signed: Record<string, unknown> }).signed

  // Replace the whole text: rename the inspection.
  await pasteJson(page, JSON.parse(JSON.stringify(signed).replaceAll('"untar"', '"unpack"')))
  await expect(node(page, 'unpack')).toBeVisible()
  await expect(node(page, 'untar')).toHaveCount(0)
  await page.screenshot({ path: 'test-results/editor-json.png' })

  // An invalid threshold: the graph keeps the last valid layout, the problem is listed and marked.
  await pasteJson(page, { ...signed, steps: [{ _type: 'step', name: 'only', threshold: 'two' }] })
  await expect(page.getByRole('status').filter({ hasText: 'steps[0].threshold' })).toBeVisible()
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeAttached()
  await expect(node(page, 'write-code')).toBeVisible()
  await page.screenshot({ path: 'test-results/editor-json-error.png' })
  expect(seen.problems).toEqual([])
  expect(seen.foreign).toEqual([])
})

test('lint findings appear and clear, linked to the node', async ({ page }) => {
  await page.getByRole('button', { name: 'New layout' }).click()
  await page.getByRole('button', { name: 'Add step' }).click()
  const lint = page.getByRole('region', { name: 'Lint findings' })
  await expect(lint.locator('[data-code="no-functionary"]')).toBeVisible()
  await commit(page, 'Threshold', '2')
  await expect(node(page, 'step')).toContainText('⚠')

  await page.getByRole('button', { name: 'Add functionary' }).click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('menuitem', { name: 'Import public key files…' }).click()
  await (await chooser).setFiles(path.join(DEMO, 'bob.pub'))
  await expect(lint.locator('[data-code="unused-key"]')).toBeVisible()
  await lint.locator('[data-code="no-functionary"]').getByRole('button', { name: 'show step' }).click()
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('step')
  await page.getByRole('checkbox', { name: 'bob' }).check()
  await expect(lint.locator('[data-code="no-functionary"]')).toHaveCount(0)
  await expect(lint.locator('[data-code="unused-key"]')).toHaveCount(0)
  await expect(lint.locator('[data-code="threshold-too-high"]')).toBeVisible()
  await commit(page, 'Threshold', '1')
  await expect(lint.locator('[data-code="threshold-too-high"]')).toHaveCount(0)
})

test('undo and redo, by button and by keyboard', async ({ page }) => {
  await page.getByRole('button', { name: 'New layout' }).click()
  await page.getByRole('button', { name: 'Add step' }).click()
  await page.getByRole('button', { name: 'Add step' }).click()
  await expect(node(page, 'step-2')).toBeVisible()
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(node(page, 'step-2')).toHaveCount(0)
  await page.getByRole('button', { name: 'Redo' }).click()
  await expect(node(page, 'step-2')).toBeVisible()
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('Control+Z')
  await page.keyboard.press('Control+Z')
  await expect(node(page, 'step')).toHaveCount(0)
  await page.keyboard.press('Control+Shift+Z')
  await expect(node(page, 'step')).toBeVisible()
  await expect(node(page, 'step-2')).toHaveCount(0)
})

test('reordering rules with the move buttons', async ({ page }) => {
  await node(page, 'package').click()
  await expect(page.getByLabel('package product rule 1', { exact: true })).toHaveValue('CREATE foo.tar.gz')
  await page.getByRole('button', { name: 'Move product rule 1 down' }).click()
  await expect(page.getByLabel('package product rule 1', { exact: true })).toHaveValue('ALLOW foo.py')
  await expect(page.getByLabel('package product rule 2', { exact: true })).toHaveValue('CREATE foo.tar.gz')
})

test('reordering rules by dragging', async ({ page }) => {
  await node(page, 'package').click()
  const rule = (n: number) => page.getByLabel(`package product rule ${n}`, { exact: true })
  const row = (n: number) => page.locator('li.editor-rule').filter({ has: rule(n) })
  await page.getByLabel('New product rule', { exact: true }).fill('DISALLOW *')
  await page.getByRole('button', { name: 'Add new product rule' }).click()
  const before = await Promise.all([1, 2, 3].map((n) => rule(n).inputValue()))
  expect(before[2]).toBe('DISALLOW *')
  // By the grip, as a person drags a row (a press on the text field would only focus it).
  await row(3).locator('.editor-rule-grip').dragTo(row(1))
  await expect(rule(1)).toHaveValue(before[2] as string)
  await expect(rule(2)).toHaveValue(before[0] as string)
  await expect(rule(3)).toHaveValue(before[1] as string)
  // A drag is one edit, undone as one.
  await page.keyboard.press('Control+Z')
  await expect(rule(1)).toHaveValue(before[0] as string)
  await expect(rule(3)).toHaveValue(before[2] as string)
})

test('a reload keeps the draft', async ({ page }) => {
  await page.getByRole('button', { name: 'New layout' }).click()
  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'kept-across-reload')
  await expect(node(page, 'kept-across-reload')).toBeVisible()
  await page.waitForTimeout(1200)
  await page.reload()
  await expect(node(page, 'kept-across-reload')).toBeVisible()
  await expect(node(page, 'write-code')).toHaveCount(0)
})
