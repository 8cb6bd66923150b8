/**
 * Authoring from evidence, end to end: links dropped in the Design workspace become a proposed
 * layout that, signed in the page, passes Debian's in-toto-verify on those links; inferred rules
 * for an existing step are accepted one by one as one undo step; a signed layout, once edited,
 * shows its changes in words and on the graph, also against another layout file.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

const DEMO = join(import.meta.dirname, '..', 'test', 'fixtures', 'upstream', 'demo_files')
const LINKS = ['write-code.776a00e2.link', 'package.2f89b927.link'].map((name) => join(DEMO, name))
/** A layout signed by its owner (write-code, package, untar), from the verdict vectors. */
const SIGNED_DIR = join(import.meta.dirname, '..', 'test', 'fixtures', 'vectors', 'keys-owner-rsa-func-rsa', 'layout')

let scratch: string
test.beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'author-e2e-'))
})
test.afterEach(() => {
  rmSync(scratch, { recursive: true, force: true })
})

async function design(page: Page): Promise<Locator> {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Design' }).click()
  return page.getByRole('tabpanel', { name: 'Design' })
}

/** Drops files on `target` as a person dragging them from the file manager would. */
async function dropFiles(target: Locator, paths: readonly string[]): Promise<void> {
  const files = paths.map((path) => ({ name: basename(path), base64: readFileSync(path).toString('base64') }))
  const transfer = await target.page().evaluateHandle((list) => {
    const data = new DataTransfer()
    for (const file of list) data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name))
    return data
  }, files)
  await target.dispatchEvent('dragover', { dataTransfer: transfer })
  await target.dispatchEvent('drop', { dataTransfer: transfer })
}

/** Answers "Replace the unsaved layout?" when it is asked. */
async function replaceIfAsked(page: Page): Promise<void> {
  const replace = page.getByRole('alertdialog').getByRole('button', { name: 'Replace it' })
  if (await replace.isVisible()) await replace.click()
}

test('links dropped in Design → proposed layout → opened → signed in Keys → in-toto-verify passes', async ({ page }) => {
  test.setTimeout(120_000)
  const panel = await design(page)
  await dropFiles(panel.getByTestId('layout-graph'), [...LINKS, join(DEMO, 'bob.pub'), join(DEMO, 'carl.pub')])
  const dialog = page.getByRole('dialog', { name: 'Layout inferred from links' })
  await expect(dialog.getByText('From 2 links and 2 key files')).toBeVisible()
  const pack = dialog.getByRole('region', { name: 'Proposed step package' })
  await expect(pack.getByText('1 of 1 must sign: carl.')).toBeVisible()
  await expect(pack.getByText('MATCH foo.py WITH PRODUCTS FROM write-code')).toBeVisible()
  await expect(pack.getByText("“foo.py” in “package”'s materials is exactly what “write-code” produced")).toBeVisible()
  await pack.getByText('Rests on 2 link artifacts').first().click()
  await expect(pack.getByText('materials of package.2f89b927.link')).toBeVisible()
  await expect(dialog.getByRole('region', { name: 'Proposed inspection untar' }).getByText('Runs tar xzf foo.tar.gz where the layout is verified.')).toBeVisible()

  await dialog.getByRole('button', { name: 'Open as new layout' }).click()
  await replaceIfAsked(page)
  await expect(dialog).toBeHidden()
  await expect(panel.getByRole('status').filter({ hasText: 'Opened the layout inferred from 2 links' })).toBeVisible()
  const graph = panel.getByTestId('layout-graph')
  for (const name of ['write-code', 'package', 'untar']) await expect(graph.getByRole('group', { name, exact: true }).or(graph.getByLabel(name, { exact: true }))).toBeVisible()

  // Sign with alice (the demo's project owner) in the Keys workspace and check the file with the reference.
  await page.getByRole('tab', { name: 'Keys' }).click()
  const keys = page.getByRole('tabpanel', { name: 'Keys' })
  await keys.getByLabel('Import key file').setInputFiles(join(DEMO, 'alice'))
  await expect(keys.getByRole('article', { name: 'Key alice' })).toBeVisible()
  await keys.getByRole('checkbox', { name: /^Sign with alice \(/ }).check()
  await keys.getByRole('button', { name: 'Sign layout' }).click()
  const despite = keys.getByRole('button', { name: /^Sign despite \d+ warnings?$/ })
  const done = keys.getByRole('status').filter({ hasText: /^Signed by / })
  await expect(despite.or(done)).toBeVisible()
  if (await despite.isVisible()) await despite.click()
  await expect(done).toBeVisible({ timeout: 30_000 })
  const [file] = await Promise.all([page.waitForEvent('download'), keys.getByRole('button', { name: 'Download root.layout' }).click()])
  const work = mkdtempSync(join(scratch, 'verify-'))
  await file.saveAs(join(work, 'root.layout'))
  for (const name of ['package.2f89b927.link', 'write-code.776a00e2.link', 'foo.tar.gz']) copyFileSync(join(DEMO, name), join(work, name))
  const verify = (cwd: string) => spawnSync('in-toto-verify', ['-l', 'root.layout', '-k', join(DEMO, 'alice.pub')], { cwd, encoding: 'utf8', timeout: 60_000 })
  const passed = verify(work)
  expect(passed.status, `${passed.stdout}${passed.stderr}`).toBe(0)
  // A foo.tar.gz that is not the one carl packaged fails the inferred untar inspection.
  writeFileSync(join(work, 'foo.tar.gz'), 'not the package')
  expect(verify(work).status).toBe(1)
})

test('inferred rules for an existing step: a diff against its rules, accepted one by one, one undo step', async ({ page }) => {
  const panel = await design(page)
  await panel.getByRole('button', { name: 'Templates' }).click()
  await page.getByRole('menuitem', { name: 'in-toto demo chain' }).click()
  await replaceIfAsked(page)
  await panel.getByTestId('infer-links-input').setInputFiles(LINKS)
  const dialog = page.getByRole('dialog', { name: 'Layout inferred from links' })
  await dialog.getByRole('tab', { name: "Rules for this layout's steps" }).click()
  const changes = dialog.getByRole('region', { name: 'Proposed rule changes for package' })
  // The template's package step: MATCH foo.py …; products CREATE foo.tar.gz, ALLOW foo.py. The links say more.
  const disallowMaterials = changes.getByRole('checkbox', { name: 'Add DISALLOW * (package materials)' })
  const removeAllow = changes.getByRole('checkbox', { name: 'Remove ALLOW foo.py (package products)' })
  const disallowProducts = changes.getByRole('checkbox', { name: 'Add DISALLOW * (package products)' })
  for (const change of [disallowMaterials, removeAllow, disallowProducts]) await expect(change).toBeChecked()
  await removeAllow.uncheck()
  await disallowProducts.uncheck()
  await dialog.getByRole('checkbox', { name: /^step write-code/ }).uncheck()
  await dialog.getByRole('checkbox', { name: /^inspection untar/ }).uncheck()
  await dialog.getByRole('button', { name: 'Apply 1 change' }).click()
  await expect(dialog).toBeHidden()
  await expect(panel.getByRole('button', { name: 'Undo' })).toHaveAttribute('title', 'Undo Apply 1 inferred rule change (Ctrl+Z)')

  await panel.getByRole('tab', { name: 'JSON' }).click()
  await panel.getByRole('tab', { name: 'Reviewer' }).click()
  const reviewer = panel.getByRole('article', { name: 'Layout in plain words' })
  await expect(reviewer.getByText(/Its materials, in order: files matching “foo.py” must be exactly the products of “write-code”; nothing else is allowed\./)).toBeVisible()
  await expect(
    reviewer.getByText(/Its products, in order: files matching “foo.tar.gz” must be newly created; files matching “foo.py” are allowed; anything else is accepted\./),
  ).toBeVisible()
  await panel.getByRole('button', { name: 'Undo' }).click()
  await expect(reviewer.getByText(/Its materials, in order: files matching “foo.py” must be exactly the products of “write-code”; anything else is accepted\./)).toBeVisible()
})

test('a signed layout, edited: its changes in words and on the graph, and against another file', async ({ page }) => {
  const panel = await design(page)
  await panel.getByTestId('open-layout-input').setInputFiles(join(SIGNED_DIR, 'root.layout'))
  await expect(panel.getByRole('status').filter({ hasText: /Opened root\.layout \(1 signature\)/ })).toBeVisible()

  // Edit: a new step, and a changed threshold would need keys; add a step and change the expiry.
  await panel.getByRole('button', { name: 'Add step' }).click()
  // An opened signed layout is for review: the first edit asks before it drops the signature.
  await page.getByRole('alertdialog', { name: 'Edit the signed layout?' }).getByRole('button', { name: 'Edit and drop signatures' }).click()
  await panel.getByRole('button', { name: 'Compare' }).click()
  await page.getByRole('menuitem', { name: 'The last signed version' }).click()
  const changes = panel.getByRole('article', { name: /^Changes since / })
  await expect(changes.getByRole('heading', { name: 'Changes since root.layout' })).toBeVisible()
  await expect(changes.getByText('New step “step”: nobody may sign it yet; 0 materials rules, 0 products rules.', { exact: true })).toBeVisible()
  await expect(changes.getByText(/Any change to a layout invalidates its signatures/)).toBeVisible()
  const graph = panel.getByTestId('layout-graph')
  await expect(graph.getByLabel('step (added)', { exact: true })).toBeVisible()

  // Against a file: the upstream demo template has the same steps, signed for by other keys.
  await panel.getByTestId('compare-layout-input').setInputFiles(join(DEMO, 'demo.layout.template'))
  await expect(changes.getByRole('heading', { name: 'Changes since demo.layout.template' })).toBeVisible()
  await expect(changes.getByText(/^A functionary key was rotated: 2f89b927… is replaced by [0-9a-f]{8}… \(for “package”\)\.$/)).toBeVisible()
  await expect(graph.getByLabel(/^Functionary [0-9a-f]{8}… \(rotated from 2f89b927…\)$/)).toBeVisible()
  await expect(graph.getByLabel('Functionary 2f89b927… (rotated out)')).toBeVisible()
  await changes.getByRole('button', { name: 'Stop comparing' }).click()
  await expect(changes).toBeHidden()
})
