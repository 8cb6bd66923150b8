/**
 * A first-time owner's whole job, done only with what the app shows: draw clone → build (2 of 2) → package with
 * an untar inspection, generate the functionaries' keys from "Add functionary", sign, hand out the run sheet, and
 * verify. The run sheet's commands are copied into a shell as they are and run with the reference tools
 * (in-toto-run, in-toto-verify 1.3.1); each functionary has their own home directory, as on their own machine.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Locator, type Page, test } from '@playwright/test'

let scratch: string
test.beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'journey-e2e-'))
})
test.afterEach(() => {
  rmSync(scratch, { recursive: true, force: true })
})

async function commit(page: Page, label: string, value: string): Promise<void> {
  const field = page.getByLabel(label, { exact: true })
  await field.fill(value)
  await field.press('Enter')
}

async function download(page: Page, into: string, action: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), action()])
  mkdirSync(into, { recursive: true })
  const path = join(into, file.suggestedFilename())
  await file.saveAs(path)
  return path
}

async function addFunctionary(page: Page, name: string, type: 'ed25519' | 'RSA 3072'): Promise<void> {
  await page.getByRole('button', { name: 'Add functionary' }).click()
  await page.getByRole('menuitem', { name: 'Generate a new key…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Generate a key for a functionary' })
  await dialog.getByLabel('Functionary name').fill(name)
  await dialog.getByLabel('Key type').selectOption({ label: type })
  await dialog.getByRole('button', { name: 'Generate and add' }).click()
  await expect(dialog).toBeHidden({ timeout: 30_000 })
  await expect(page.getByRole('group', { name: `Functionary ${name}` })).toBeVisible()
}

async function exportPrivateKey(page: Page, keys: Locator, name: string, into: string, format: 'PKCS#8' | 'securesystemslib', password?: string): Promise<string> {
  const card = keys.getByRole('article', { name: `Key ${name}` })
  await card.getByRole('button', { name: 'Export private key…' }).click()
  await card.getByRole('radio', { name: new RegExp(`^${format.replace('#', '\\#')}`) }).check()
  if (password === undefined) await card.getByLabel('Export without a password').check()
  else {
    await card.getByLabel('Export password', { exact: true }).fill(password)
    await card.getByLabel('Repeat the export password').fill(password)
  }
  return download(page, into, () => card.getByRole('button', { name: 'Download private key' }).click())
}

/** Runs a copied command line as a functionary: their own HOME, no terminal (so -P reads the password from stdin). */
function shell(line: string, options: { cwd: string; home: string; password?: string }): string {
  const result = spawnSync('setsid', ['bash', '-euo', 'pipefail', '-c', line], {
    cwd: options.cwd,
    env: { ...process.env, HOME: options.home },
    input: `${options.password ?? ''}\n`,
    encoding: 'utf8',
    timeout: 60_000,
  })
  expect(result.status, `${line}\n${result.stdout}${result.stderr}`).toBe(0)
  return `${result.stdout}${result.stderr}`
}

test('a first-time owner follows the run sheet for a 2-of-2 build step and the chain verifies with in-toto', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('/')
  await page.getByRole('button', { name: 'New layout' }).click()

  // Draw: three functionaries, generated from "Add functionary".
  await addFunctionary(page, 'alice', 'ed25519')
  await addFunctionary(page, 'bob', 'RSA 3072')
  await addFunctionary(page, 'carl', 'ed25519')

  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'clone')
  await commit(page, 'Expected command', 'sh -c "echo hello > hello.txt"')
  await page.getByRole('checkbox', { name: 'alice' }).check()
  await commit(page, 'New product rule', 'CREATE hello.txt')
  await commit(page, 'New product rule', 'DISALLOW *')

  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'build')
  await commit(page, 'Expected command', 'sh -c "tr a-z A-Z < hello.txt > HELLO.txt"')
  await page.getByRole('checkbox', { name: 'bob' }).check()
  await page.getByRole('checkbox', { name: 'carl' }).check()
  await commit(page, 'Threshold', '2')
  await commit(page, 'New material rule', 'MATCH * WITH PRODUCTS FROM clone')
  await commit(page, 'New material rule', 'DISALLOW *')
  await commit(page, 'New product rule', 'MATCH hello.txt WITH PRODUCTS FROM clone')
  await commit(page, 'New product rule', 'CREATE HELLO.txt')
  await commit(page, 'New product rule', 'DISALLOW *')

  await page.getByRole('button', { name: 'Add step' }).click()
  await commit(page, 'Name', 'package')
  await commit(page, 'Expected command', 'tar czf hello.tar.gz HELLO.txt')
  await page.getByRole('checkbox', { name: 'alice' }).check()
  await commit(page, 'New material rule', 'MATCH HELLO.txt WITH PRODUCTS FROM build')
  await commit(page, 'New material rule', 'DISALLOW *')
  await commit(page, 'New product rule', 'CREATE hello.tar.gz')
  await commit(page, 'New product rule', 'ALLOW HELLO.txt')
  await commit(page, 'New product rule', 'DISALLOW *')

  await page.getByRole('button', { name: 'Add inspection' }).click()
  await commit(page, 'Name', 'untar')
  await commit(page, 'Run', 'tar xzf hello.tar.gz')
  await commit(page, 'New material rule', 'MATCH hello.tar.gz WITH PRODUCTS FROM package')
  await commit(page, 'New material rule', 'DISALLOW *')
  await commit(page, 'New product rule', 'MATCH hello.tar.gz WITH PRODUCTS FROM package')
  await commit(page, 'New product rule', 'MATCH HELLO.txt WITH PRODUCTS FROM build')
  await commit(page, 'New product rule', 'DISALLOW *')

  // Keys: the owner's key; lint now knows the verifier's directory holds root.layout and owner.pub and says so.
  await page.getByRole('tab', { name: 'Keys' }).click()
  const keys = page.getByRole('tabpanel', { name: 'Keys' })
  await keys.getByLabel('Key type').selectOption({ label: 'ed25519' })
  await keys.getByLabel('Name of the new key').fill('owner')
  await keys.getByRole('button', { name: 'Generate key' }).click()
  await expect(keys.getByRole('article', { name: 'Key owner' })).toBeVisible({ timeout: 30_000 })

  await page.getByRole('tab', { name: 'Design' }).click()
  const lint = page.getByRole('region', { name: 'Lint findings' })
  const seesMetadata = lint.locator('[data-code="inspection-sees-metadata"]')
  await expect(seesMetadata).toHaveCount(2)
  await expect(seesMetadata.first()).toContainText("Inspection 'untar' runs in the verifier's directory, which holds root.layout, owner.pub.pem, owner.pub")
  await seesMetadata.first().getByRole('button', { name: 'Add ALLOW root.layout, ALLOW owner.pub.pem, ALLOW owner.pub' }).click()
  await seesMetadata.first().getByRole('button', { name: 'Add ALLOW root.layout, ALLOW owner.pub.pem, ALLOW owner.pub' }).click()
  await expect(seesMetadata).toHaveCount(0)

  // Sign with the owner key only, and keep the files the owner will need.
  await page.getByRole('tab', { name: 'Keys' }).click()
  for (const checkbox of await keys.getByRole('checkbox', { name: /^Sign with / }).all()) {
    const label = (await checkbox.getAttribute('aria-label')) ?? (await checkbox.locator('xpath=..').innerText())
    if ((await checkbox.isEnabled()) && (await checkbox.isChecked()) !== label.startsWith('Sign with owner (')) await checkbox.setChecked(label.startsWith('Sign with owner ('))
  }
  await keys.getByRole('button', { name: 'Sign layout' }).click()
  const despite = keys.getByRole('button', { name: /^Sign despite \d+ warnings?$/ })
  const done = keys.getByRole('status').filter({ hasText: /^Signed by / })
  await expect(despite.or(done)).toBeVisible()
  if (await despite.isVisible()) await despite.click()
  await expect(done).toBeVisible({ timeout: 30_000 })

  const ownerDir = join(scratch, 'owner')
  await download(page, ownerDir, () => keys.getByRole('button', { name: 'Download root.layout' }).click())
  await download(page, ownerDir, () => keys.getByRole('article', { name: 'Key owner' }).getByRole('button', { name: 'Download public key (securesystemslib JSON)' }).click())

  // Each functionary gets their private key as the run sheet names it (ed25519 for in-toto 1.x as securesystemslib JSON).
  const downloads = (name: string) => join(scratch, `${name}-downloads`)
  const home = (name: string) => join(scratch, `${name}-home`)
  expect(await exportPrivateKey(page, keys, 'alice', downloads('alice'), 'securesystemslib')).toMatch(/alice$/)
  expect(await exportPrivateKey(page, keys, 'bob', downloads('bob'), 'PKCS#8', 'bob password')).toMatch(/bob\.pem$/)
  expect(await exportPrivateKey(page, keys, 'carl', downloads('carl'), 'securesystemslib')).toMatch(/carl$/)

  const sheet = (name: string) => keys.getByRole('article', { name: `Run sheet for ${name}` })
  const copied = async (name: string, context: string, tool = 'in-toto 1.x') =>
    (await sheet(name).getByLabel(`${tool} command for ${name}, ${context}`, { exact: true }).innerText()).trim()
  for (const name of ['alice', 'bob', 'carl']) {
    mkdirSync(home(name))
    shell(await copied(name, 'setup', 'Setup'), { cwd: downloads(name), home: home(name) })
    expect(readdirSync(downloads(name))).toEqual([])
  }
  await expect(sheet('bob').getByText('2 of 2 must agree')).toBeVisible()

  // clone: alice in an empty directory.
  const clone = join(scratch, 'clone')
  mkdirSync(clone)
  shell(await copied('alice', 'step clone'), { cwd: clone, home: home('alice') })
  // build: bob and carl, each in a fresh copy of clone's products.
  for (const [name, password] of [
    ['bob', 'bob password'],
    ['carl', ''],
  ] as const) {
    const tree = join(scratch, `build-${name}`)
    cpSync(clone, tree, { recursive: true })
    shell(await copied(name, 'step build'), { cwd: tree, home: home(name), password })
  }
  // package: alice, from build's products.
  const pack = join(scratch, 'package')
  cpSync(join(scratch, 'build-bob'), pack, { recursive: true })
  shell(await copied('alice', 'step package'), { cwd: pack, home: home('alice') })

  // The owner collects the links and runs the run sheet's verify command in one folder.
  const linkDir = join(ownerDir, 'links')
  mkdirSync(linkDir)
  for (const name of ['alice', 'bob', 'carl']) {
    for (const link of readdirSync(join(home(name), '.in-toto', 'links'))) copyFileSync(join(home(name), '.in-toto', 'links', link), join(linkDir, link))
  }
  expect(readdirSync(linkDir)).toHaveLength(4)
  for (const name of ['alice', 'bob', 'carl']) {
    for (const step of await sheet(name)
      .getByLabel(new RegExp(`^Link file for ${name}, step `))
      .allInnerTexts())
      expect(readdirSync(linkDir)).toContain(step.trim())
  }
  copyFileSync(join(pack, 'hello.tar.gz'), join(ownerDir, 'hello.tar.gz'))
  const verify = (await keys.getByRole('article', { name: 'Verify command' }).getByLabel('in-toto 1.x command for verification', { exact: true }).innerText()).trim()
  expect(verify).toBe('in-toto-verify -l root.layout -k owner.pub -t ed25519 --link-dir links')
  shell(verify, { cwd: ownerDir, home: home('alice') })
})
