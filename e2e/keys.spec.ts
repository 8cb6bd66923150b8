/**
 * The Keys workspace end to end: keys made and imported in the page sign layouts that Debian's
 * in-toto 1.3.1 (`in-toto-verify`) accepts, with the upstream demo chain (links by bob and carl,
 * foo.tar.gz) in the working directory.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEnvelope } from '../src/core/envelope/read.ts'
import { verifyEnvelopeSignature } from '../src/core/envelope/verify.ts'
import { importPublicKey } from '../src/core/keys/import.ts'

const DEMO = join(import.meta.dirname, '..', 'test', 'fixtures', 'upstream', 'demo_files')
const ALICE_KEYID = '556caebdc0877eed53d419b60eddb1e57fa773e4e31d70698b588f3e9cc48b35'

let scratch: string
test.beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'keys-e2e-'))
})
test.afterEach(() => {
  rmSync(scratch, { recursive: true, force: true })
})

async function openKeys(page: Page): Promise<Locator> {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Keys' }).click()
  return page.getByRole('tabpanel', { name: 'Keys' })
}

async function generate(panel: Locator, type: 'ed25519' | 'ECDSA P-256' | 'RSA 3072', name: string): Promise<Locator> {
  await panel.getByLabel('Key type').selectOption({ label: type })
  await panel.getByLabel('Name of the new key').fill(name)
  await panel.getByRole('button', { name: 'Generate key' }).click()
  const card = panel.getByRole('article', { name: `Key ${name}` })
  await expect(card).toBeVisible({ timeout: 30_000 })
  return card
}

/** Runs `action`, which starts a download, and saves the file in the scratch directory. */
async function download(page: Page, action: () => Promise<void>): Promise<{ path: string; name: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), action()])
  const path = join(scratch, `${Date.now()}-${file.suggestedFilename()}`)
  await file.saveAs(path)
  return { path, name: file.suggestedFilename() }
}

/** Opens the in-toto demo chain (bob writes code, carl packages it) from the editor's templates, then returns to Keys. */
async function useDemoLayout(panel: Locator): Promise<void> {
  const page = panel.page()
  await page.getByRole('tab', { name: 'Design' }).click()
  await page.getByRole('tabpanel', { name: 'Design' }).getByRole('button', { name: 'Templates' }).click()
  await page.getByRole('menuitem', { name: 'in-toto demo chain' }).click()
  await page.getByRole('tab', { name: 'Keys' }).click()
  await expect(panel.getByRole('listitem', { name: 'Functionary bob' })).toBeVisible()
}

/** Signs with the named keys (only those), confirming lint warnings; waits for the result. */
async function sign(panel: Locator, signers: readonly string[], options: { append?: boolean; format?: 'Metablock' | 'DSSE' } = {}): Promise<void> {
  for (const checkbox of await panel.getByRole('checkbox', { name: /^Sign with / }).all()) {
    const label = (await checkbox.getAttribute('aria-label')) ?? (await checkbox.locator('xpath=..').innerText())
    const wanted = signers.some((name) => label.startsWith(`Sign with ${name} (`))
    if ((await checkbox.isEnabled()) && (await checkbox.isChecked()) !== wanted) await checkbox.setChecked(wanted)
  }
  const append = panel.getByRole('checkbox', { name: /^Keep the \d+ existing signature/ })
  if (options.append !== undefined && (await append.count()) > 0) await append.setChecked(options.append)
  if (options.format) await panel.getByRole('radio', { name: new RegExp(`^${options.format}`) }).check()
  await panel.getByRole('button', { name: 'Sign layout' }).click()
  const despite = panel.getByRole('button', { name: /^Sign despite \d+ warnings?$/ })
  const done = panel.getByRole('status').filter({ hasText: /^(Signed by|Added signatures by) / })
  await expect(despite.or(done)).toBeVisible()
  if (await despite.isVisible()) await despite.click()
  await expect(done).toBeVisible({ timeout: 30_000 })
}

async function downloadLayout(page: Page, panel: Locator): Promise<string> {
  const file = await download(page, () => panel.getByRole('button', { name: 'Download root.layout' }).click())
  expect(file.name).toBe('root.layout')
  return file.path
}

/**
 * `in-toto-verify -l LAYOUT -k KEYS -t TYPES` in a fresh directory holding the demo's links and
 * foo.tar.gz (the inspection untars it there).
 */
function inTotoVerify(layout: string, keys: readonly [path: string, type: string][]): { status: number | null; output: string } {
  const work = mkdtempSync(join(scratch, 'verify-'))
  for (const name of ['package.2f89b927.link', 'write-code.776a00e2.link', 'foo.tar.gz']) copyFileSync(join(DEMO, name), join(work, name))
  copyFileSync(layout, join(work, 'root.layout'))
  const result = spawnSync('in-toto-verify', ['-l', 'root.layout', '-k', ...keys.map(([path]) => path), '-t', ...keys.map(([, type]) => type)], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

async function publicKeyFile(page: Page, card: Locator, type: string): Promise<string> {
  // in-toto-verify -t rsa reads PEM; -t ed25519/ecdsa read the securesystemslib JSON `.pub`.
  const button = type === 'rsa' ? 'Download public key (PEM)' : 'Download public key (securesystemslib JSON)'
  return (await download(page, () => card.getByRole('button', { name: button }).click())).path
}

test('each generated key type signs the demo layout, and in-toto-verify accepts the downloaded file', async ({ page }) => {
  test.setTimeout(120_000)
  const panel = await openKeys(page)
  await useDemoLayout(panel)
  const owners = [
    ['ed25519', 'owner-ed', 'ed25519'],
    ['ECDSA P-256', 'owner-ec', 'ecdsa'],
    ['RSA 3072', 'owner-rsa', 'rsa'],
  ] as const
  const keys: [string, string][] = []
  for (const [type, name, keytype] of owners) {
    const card = await generate(panel, type, name)
    const keyid = (await card.getByLabel('Keyid', { exact: true }).innerText()).trim()
    expect(keyid).toMatch(/^[0-9a-f]{64}$/)
    await expect(card.getByLabel('Keyid prefix')).toHaveText(keyid.slice(0, 8))
    await expect(card.getByText(keytype === 'ecdsa' ? 'ecdsa-sha2-nistp256' : keytype === 'rsa' ? 'rsassa-pss-sha256' : 'ed25519', { exact: true })).toHaveCount(
      keytype === 'ed25519' ? 2 : 1,
    )
    keys.push([await publicKeyFile(page, card, keytype), keytype])
  }
  await sign(
    panel,
    owners.map(([, name]) => name),
  )
  const table = panel.getByRole('table', { name: 'Signatures on the layout' })
  await expect(table.getByRole('row')).toHaveCount(4)
  for (const [, name] of owners) await expect(table.getByRole('row', { name: new RegExp(`^${name} [0-9a-f]{8} valid$`) })).toBeVisible()

  const layout = await downloadLayout(page, panel)
  for (const key of keys) {
    const result = inTotoVerify(layout, [key])
    expect(result.status, result.output).toBe(0)
  }
  expect(inTotoVerify(layout, keys).status).toBe(0)
})

test("alice's upstream private key signs a layout that the reference verifies with alice.pub", async ({ page }) => {
  const panel = await openKeys(page)
  await panel.getByLabel('Import key file').setInputFiles(join(DEMO, 'alice'))
  const card = panel.getByRole('article', { name: 'Key alice' })
  await expect(card.getByLabel('Keyid', { exact: true })).toHaveText(ALICE_KEYID)
  await expect(card.getByText('private key in memory')).toBeVisible()
  await useDemoLayout(panel)
  await sign(panel, ['alice'])
  const layout = await downloadLayout(page, panel)
  const result = inTotoVerify(layout, [[join(DEMO, 'alice.pub'), 'rsa']])
  expect(result.status, result.output).toBe(0)
  // Another owner's key does not verify it.
  expect(inTotoVerify(layout, [[join(DEMO, 'bob.pub'), 'rsa']]).status).toBe(1)
})

test('a dropped public key joins the keyring as public only and can be authorized', async ({ page }) => {
  const panel = await openKeys(page)
  const text = readFileSync(join(DEMO, 'danny.pub'), 'utf8')
  const transfer = await page.evaluateHandle((content) => {
    const data = new DataTransfer()
    data.items.add(new File([content], 'danny.pub', { type: 'application/json' }))
    return data
  }, text)
  const keyring = panel.getByRole('region', { name: 'Keyring' })
  await keyring.dispatchEvent('dragover', { dataTransfer: transfer })
  await keyring.dispatchEvent('drop', { dataTransfer: transfer })
  const card = panel.getByRole('article', { name: 'Key danny' })
  await expect(card.getByText('public key only')).toBeVisible()
  await expect(card.getByText('ed25519', { exact: true })).toHaveCount(2)
  await expect(card.getByRole('button', { name: 'Export private key…' })).toHaveCount(0)
  await expect(panel.getByRole('checkbox', { name: /^Sign with danny / })).toBeDisabled()
  await card.getByRole('button', { name: 'Add as functionary' }).click()
  await expect(panel.getByRole('listitem', { name: 'Functionary danny' })).toBeVisible()
})

test('a layout signed by two owners verifies only with both signatures', async ({ page }) => {
  test.setTimeout(120_000)
  const panel = await openKeys(page)
  await panel.getByLabel('Paste a key').fill(readFileSync(join(DEMO, 'alice'), 'utf8'))
  await panel.getByLabel('Name of the imported key').fill('alice')
  await panel.getByRole('button', { name: 'Import pasted key' }).click()
  await expect(panel.getByRole('article', { name: 'Key alice' })).toBeVisible()
  const second = await generate(panel, 'ed25519', 'second-owner')
  const secondPub = await publicKeyFile(page, second, 'ed25519')
  const bothKeys: [string, string][] = [
    [join(DEMO, 'alice.pub'), 'rsa'],
    [secondPub, 'ed25519'],
  ]
  await useDemoLayout(panel)

  await sign(panel, ['alice'])
  const aliceOnly = await downloadLayout(page, panel)
  expect(inTotoVerify(aliceOnly, [bothKeys[0]!]).status).toBe(0)
  const missing = inTotoVerify(aliceOnly, bothKeys)
  expect(missing.status).toBe(1)
  expect(missing.output).toMatch(/SignatureVerificationError/)

  // The second owner appends a signature (in-toto-sign --append).
  await sign(panel, ['second-owner'], { append: true })
  await expect(panel.getByRole('table', { name: 'Signatures on the layout' }).getByRole('row')).toHaveCount(3)
  const both = await downloadLayout(page, panel)
  const result = inTotoVerify(both, bothKeys)
  expect(result.status, result.output).toBe(0)

  // DSSE, for in-toto 2.x (1.3.1 cannot read it): checked with the core verifier.
  await sign(panel, ['alice', 'second-owner'], { append: false, format: 'DSSE' })
  const dsse = readEnvelope(new Uint8Array(readFileSync(await downloadLayout(page, panel))), 'root.layout')
  expect(dsse.format).toBe('dsse')
  expect(await verifyEnvelopeSignature(dsse, importPublicKey(readFileSync(join(DEMO, 'alice.pub'), 'utf8')))).toBe('valid')
  expect(await verifyEnvelopeSignature(dsse, importPublicKey(readFileSync(secondPub, 'utf8')))).toBe('valid')
})

test('an encrypted private key export re-imports with its password and is refused with a wrong one', async ({ page }) => {
  const panel = await openKeys(page)
  const card = await generate(panel, 'ECDSA P-256', 'carol')
  const keyid = (await card.getByLabel('Keyid', { exact: true }).innerText()).trim()

  await card.getByRole('button', { name: 'Export private key…' }).click()
  await card.getByLabel('Export password', { exact: true }).fill('export secret 1')
  await card.getByLabel('Repeat the export password').fill('export secret 2')
  await card.getByRole('button', { name: 'Download private key' }).click()
  await expect(card.getByRole('alert')).toHaveText('The two passwords differ.')
  await card.getByLabel('Repeat the export password').fill('export secret 1')
  const encrypted = await download(page, () => card.getByRole('button', { name: 'Download private key' }).click())
  expect(encrypted.name).toBe('carol.pem')
  const pem = readFileSync(encrypted.path, 'utf8')
  expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/)
  // Standard encrypted PKCS#8: OpenSSL reads it with the password.
  const openssl = spawnSync('openssl', ['pkey', '-in', encrypted.path, '-passin', 'pass:export secret 1', '-noout', '-text'], { encoding: 'utf8' })
  expect(openssl.status, openssl.stderr).toBe(0)
  expect(openssl.stdout).toContain('NIST CURVE: P-256')

  // An explicit unencrypted export; its material never appears in the page.
  await card.getByRole('button', { name: 'Export private key…' }).click()
  await card.getByLabel('Export without a password').check()
  const plain = readFileSync((await download(page, () => card.getByRole('button', { name: 'Download private key' }).click())).path, 'utf8')
  expect(plain).toMatch(/^-----BEGIN PRIVATE KEY-----\n/)
  const body = plain.split('\n').filter((line) => line && !line.startsWith('-----'))
  const html = await page.content()
  for (const line of body) expect(html).not.toContain(line)

  await panel.getByRole('button', { name: 'Forget all keys' }).click()
  await panel.getByRole('button', { name: 'Yes, forget all keys' }).click()
  await expect(panel.getByRole('article', { name: 'Key carol' })).toHaveCount(0)

  await panel.getByLabel('Import key file').setInputFiles(encrypted.path)
  const password = panel.getByLabel(/^Password for .*carol\.pem$/)
  await expect(password).toBeVisible()
  await password.fill('not the password')
  await panel.getByRole('button', { name: 'Decrypt and import' }).click()
  await expect(panel.getByRole('alert').filter({ hasText: /wrong password/ })).toBeVisible()
  await expect(panel.getByRole('article', { name: /^Key / })).toHaveCount(0)
  await password.fill('export secret 1')
  await panel.getByRole('button', { name: 'Decrypt and import' }).click()
  const reimported = panel.getByRole('article', { name: /^Key .*carol/ })
  await expect(reimported.getByLabel('Keyid', { exact: true })).toHaveText(keyid)
  await expect(reimported.getByText('private key in memory')).toBeVisible()
})

test('functionaries: add, see their steps, rotate; the run sheet names commands and link files', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const panel = await openKeys(page)
  await useDemoLayout(panel)
  const bob = panel.getByRole('listitem', { name: 'Functionary bob' })
  await expect(bob).toContainText('May sign: write-code')
  const sheet = panel.getByRole('article', { name: 'Run sheet for bob' })
  await expect(sheet.getByLabel('Link file for bob, step write-code')).toHaveText('write-code.776a00e2.link')
  await expect(sheet.getByLabel('in-toto 1.x command for bob, step write-code', { exact: true })).toHaveText(
    'in-toto-run -k "$HOME/.in-toto/keys/bob.pem" -t rsa -P -n write-code -p foo.py -d "$HOME/.in-toto/links" -x',
  )
  await panel.getByLabel('Functionaries run').selectOption({ label: 'in-toto 2.2+ / 3.x' })
  await expect(panel.getByRole('article', { name: 'Run sheet for carl' }).getByLabel('in-toto 2.2+ / 3.x command for carl, step package', { exact: true })).toHaveText(
    'in-toto-run --signing-key "$HOME/.in-toto/keys/carl.pem" -P -n package -m foo.py -p foo.tar.gz foo.py -d "$HOME/.in-toto/links" -- tar zcvf foo.tar.gz foo.py',
  )
  // in-toto 2.2+ signs with another keyid than the one this (1.x) layout lists: the sheet says so.
  await expect(sheet.getByRole('note')).toContainText('the verifier will not count the link')
  await panel.getByLabel('Functionaries run').selectOption({ label: 'in-toto 1.x' })
  await expect(sheet.getByRole('note')).toHaveCount(0)
  await sheet.getByRole('button', { name: 'Copy Layout Studio command for bob, step write-code' }).click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'layout-studio run -k "$HOME/.in-toto/keys/bob.pem" -P -n write-code -p foo.py -d "$HOME/.in-toto/links" -x',
  )

  const dave = await generate(panel, 'ed25519', 'dave')
  const daveId = (await dave.getByLabel('Keyid', { exact: true }).innerText()).trim()
  await dave.getByRole('button', { name: 'Add as functionary' }).click()
  await expect(panel.getByRole('listitem', { name: 'Functionary dave' })).toContainText('No step authorizes this key yet.')
  await expect(dave.getByRole('button', { name: 'Add as functionary' })).toHaveCount(0)

  // Rotate bob's key to a new one: the step now authorizes it, and link files carry its keyid.
  const erin = await generate(panel, 'ed25519', 'erin')
  const erinId = (await erin.getByLabel('Keyid', { exact: true }).innerText()).trim()
  await bob.getByLabel("Replace bob's key with").selectOption({ label: `erin (ed25519, ${erinId.slice(0, 8)})` })
  await bob.getByRole('button', { name: 'Rotate key' }).click()
  await expect(panel.getByRole('listitem', { name: 'Functionary bob' })).toContainText(erinId)
  await expect(panel.getByRole('listitem', { name: 'Functionary bob' })).toContainText('May sign: write-code')
  await expect(panel.getByText('776a00e29f3559e0141b3b096f696abc6cfb0c657ab40f441132b345b08453f5')).toHaveCount(0)
  await expect(panel.getByLabel('Link file for bob, step write-code')).toHaveText(`write-code.${erinId.slice(0, 8)}.link`)
  await expect(erin.getByText('functionary; may sign write-code')).toBeVisible()
  expect(daveId).not.toBe(erinId)
})

test('signing is refused while lint finds errors', async ({ page }) => {
  const panel = await openKeys(page)
  await generate(panel, 'ed25519', 'owner')
  await useDemoLayout(panel)
  // The demo layout expires in a year; two years on, lint reports it expired, an error.
  await page.clock.install({ time: new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000) })
  await panel.getByRole('checkbox', { name: /^Sign with owner / }).check()
  await panel.getByRole('button', { name: 'Sign layout' }).click()
  const alert = panel.getByRole('alert').filter({ hasText: 'Signing refused' })
  await expect(alert).toContainText('The layout expired on')
  await expect(panel.getByRole('button', { name: 'Download root.layout' })).toHaveCount(0)
})

test('a whole session (generate, sign, remember, reload, unlock, forget) makes no request off the page origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin
  const foreign: string[] = []
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(`${origin}/`) && !url.startsWith(`blob:${origin}/`) && !url.startsWith('data:')) foreign.push(url)
  })
  // The editor asks before leaving a draft that was never exported; the reloads below mean to leave.
  page.on('dialog', (dialog) => void dialog.accept())
  let panel = await openKeys(page)
  await generate(panel, 'ed25519', 'session-owner')
  await useDemoLayout(panel)
  await sign(panel, ['session-owner'])
  await downloadLayout(page, panel)

  await panel.getByLabel('Passphrase').fill('a device passphrase')
  await panel.getByRole('button', { name: 'Remember on this device' }).click()
  await expect(panel.getByRole('status').filter({ hasText: '1 key remembered on this device' })).toBeVisible({ timeout: 30_000 })

  await page.reload()
  await page.getByRole('tab', { name: 'Keys' }).click()
  panel = page.getByRole('tabpanel', { name: 'Keys' })
  const card = panel.getByRole('article', { name: 'Key session-owner' })
  await expect(card.getByText('private key locked on this device, remembered on this device')).toBeVisible()
  await panel.getByLabel('Passphrase').fill('the wrong passphrase')
  await panel.getByRole('button', { name: 'Unlock remembered keys' }).click()
  await expect(panel.getByRole('alert').filter({ hasText: 'wrong passphrase' })).toBeVisible({ timeout: 30_000 })
  await panel.getByLabel('Passphrase').fill('a device passphrase')
  await panel.getByRole('button', { name: 'Unlock remembered keys' }).click()
  await expect(card.getByText('private key in memory, remembered on this device')).toBeVisible({ timeout: 30_000 })

  await panel.getByRole('button', { name: 'Forget all keys' }).click()
  await panel.getByRole('button', { name: 'Yes, forget all keys' }).click()
  await expect(card).toHaveCount(0)
  await page.reload()
  await page.getByRole('tab', { name: 'Keys' }).click()
  await expect(page.getByText('No keys yet: generate one or import one.')).toBeVisible()
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toContain('layout-studio-keyring')
  const stored = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('layout-studio-keyring')
        request.onsuccess = () => {
          const count = request.result.transaction('keys').objectStore('keys').count()
          count.onsuccess = () => resolve(count.result)
          count.onerror = () => reject(count.error)
        }
        request.onerror = () => reject(request.error)
      }),
  )
  expect(stored).toBe(0)
  expect(foreign).toEqual([])
})
