/**
 * The Rebuilders workspace in Chromium: a person builds a policy of three rebuilders, drops a
 * package and its attestations, reads the verdict, saves the policy and loads it again; the
 * real reproduce.debian.net attestation passes with its key; a dissent fails until quorum
 * mode; hostile attestations are refused clearly and the page keeps working; the policy opens
 * as a layout in Design, whose lint flags two keys of one rebuilder.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { zipSync } from 'fflate'
import { parsePolicy } from '../src/core/rebuilders/policy.ts'
import { digestsOf, makeRebuilder, rebuilderdAttestation, rebuilderdPem, type GeneratedRebuilder } from '../test/support/rebuilderd-attestations.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const REBUILDERD = join(ROOT, 'test/fixtures/rebuilderd')
const ARTIFACT = 'hello_2.10-3_amd64.deb'
const PACKAGE = Buffer.from('the package as built')

const file = (name: string, data: Uint8Array | string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(data) })

async function openRebuilders(page: Page): Promise<void> {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Rebuilders', exact: true }).click()
  await expect(page.getByRole('tabpanel', { name: 'Rebuilders' })).toBeVisible()
}

async function addRebuilder(page: Page, name: string, keyFile: string, pem: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a trusted rebuilder' })
  await form.getByLabel('Rebuilder name').fill(name)
  await form.getByLabel('Key file for the new rebuilder').setInputFiles(file(keyFile, pem))
  await form.getByRole('button', { name: 'Add rebuilder' }).click()
  await expect(page.getByRole('article', { name: `Rebuilder ${name}` })).toBeVisible()
}

let rebuilders: GeneratedRebuilder[]
let attestations: Record<string, Uint8Array>

test.beforeAll(async () => {
  rebuilders = await Promise.all(['alpha', 'beta', 'gamma'].map(makeRebuilder))
  const good = digestsOf(PACKAGE)
  attestations = {}
  // alpha and beta reproduced the package; gamma published nothing for it.
  for (const rebuilder of rebuilders.slice(0, 2))
    attestations[`${rebuilder.name}/hello.in-toto.link`] = await rebuilderdAttestation(rebuilder, { artifact: ARTIFACT, digests: good })
})

test('a person builds a policy of three rebuilders, checks a package, saves the policy and loads it again', async ({ page }) => {
  await openRebuilders(page)
  for (const rebuilder of rebuilders) await addRebuilder(page, rebuilder.name, `${rebuilder.name}.pub`, rebuilderdPem(rebuilder.daemon))
  await page.getByLabel('Threshold: rebuilders that must agree').fill('2')
  await page.getByLabel('Package files').setInputFiles(file(ARTIFACT, PACKAGE))
  await page.getByLabel('Attestation files or archives').setInputFiles(file('attestations.zip', zipSync(attestations)))

  const result = page.getByRole('article', { name: `Package ${ARTIFACT}` })
  await expect(result).toContainText('2 of 3 trusted rebuilders reproduced this file exactly (2 needed).')
  await expect(result.getByText('pass', { exact: true })).toBeVisible()
  await expect(result).toContainText('Read in rebuilderd mode: "environment" is null, so Python in-toto (1.3.1 and 2.x) refuses to load this link')
  const table = result.getByRole('table', { name: `Rebuilders for ${ARTIFACT}` })
  await expect(table.getByRole('row', { name: /^alpha/ })).toContainText('reproduced')
  await expect(table.getByRole('row', { name: /^alpha/ })).toContainText(/daemon: alpha [0-9a-f]{8} — valid/)
  await expect(table.getByRole('row', { name: /^gamma/ })).toContainText('no attestation')
  const axe = await new AxeBuilder({ page }).include('#panel-rebuilders').analyze()
  expect(axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id)).toEqual([])

  // Save the policy, start over, load it again: the same verdict.
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Save policy' }).click()
  const saved = readFileSync((await (await download).path()) as string, 'utf8')
  expect((await download).suggestedFilename()).toBe('rebuilder-policy.json')
  const policy = await parsePolicy(saved, 'rebuilder-policy.json')
  expect([policy.threshold, policy.rebuilders.map((r) => r.name)]).toEqual([2, ['alpha', 'beta', 'gamma']])

  await page.getByRole('button', { name: 'New policy' }).click()
  await page.getByRole('alertdialog', { name: 'Start a new rebuilder policy?' }).getByRole('button', { name: 'Start a new policy' }).click()
  await expect(page.getByRole('article', { name: 'Rebuilder alpha' })).toHaveCount(0)
  await expect(page.getByRole('list', { name: 'Policy problems' })).toContainText('The policy trusts no rebuilder yet.')
  await expect(result).toHaveCount(0)

  await page.getByLabel('Load policy').setInputFiles(file('rebuilder-policy.json', saved))
  await expect(page.getByRole('status').filter({ hasText: 'Loaded the policy rebuilder-policy.json.' })).toBeVisible()
  await expect(page.getByRole('article', { name: 'Rebuilder gamma' })).toBeVisible()
  await expect(result).toContainText('2 of 3 trusted rebuilders reproduced this file exactly (2 needed).')

  // The policy is remembered on this device across a reload.
  await page.reload()
  await page.getByRole('tab', { name: 'Rebuilders', exact: true }).click()
  await expect(page.getByRole('article', { name: 'Rebuilder beta' })).toBeVisible()
  await expect(page.getByLabel('Threshold: rebuilders that must agree')).toHaveValue('2')
})

test('the real reproduce.debian.net attestation passes with its key; a dissent fails until quorum mode', async ({ page }) => {
  await openRebuilders(page)
  await addRebuilder(page, 'reproduce.debian.net', 'reproduce-debian-net-amd64.pub', readFileSync(join(REBUILDERD, 'reproduce-debian-net-amd64.pub'), 'utf8'))
  const deb = 'librust-as-slice-dev_0.2.1-1+b2_amd64.deb'
  await page.getByLabel('Package files').setInputFiles(join(REBUILDERD, deb))
  await page.getByLabel('Attestation files or archives').setInputFiles(join(REBUILDERD, 'librust-as-slice-dev_0.2.1-1+b2_amd64.in-toto.link'))
  const result = page.getByRole('article', { name: `Package ${deb}` })
  await expect(result).toContainText('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
  await expect(result.getByRole('row', { name: /^reproduce\.debian\.net/ })).toContainText('worker: 70a3c0fb (not a key of the policy)')
  await expect(result.getByRole('row', { name: /^reproduce\.debian\.net/ })).toContainText('daemon: reproduce-debian-net-amd64 2980aa62 — valid')
  await expect(result).toContainText("Not put through in-toto-verify: in-toto-verify refuses rebuilderd's links (environment null).")

  // Two generated rebuilders join; one of them reports different bytes for the file.
  for (const rebuilder of rebuilders.slice(0, 2)) await addRebuilder(page, rebuilder.name, `${rebuilder.name}.pub`, rebuilderdPem(rebuilder.daemon))
  const [alpha, beta] = rebuilders as [GeneratedRebuilder, GeneratedRebuilder]
  const debDigests = digestsOf(readFileSync(join(REBUILDERD, deb)))
  await page
    .getByLabel('Attestation files or archives')
    .setInputFiles([
      file('alpha.link', await rebuilderdAttestation(alpha, { artifact: deb, digests: debDigests })),
      file('beta.link', await rebuilderdAttestation(beta, { artifact: deb, digests: digestsOf('another build') })),
    ])
  await page.getByLabel('Threshold: rebuilders that must agree').fill('2')
  await expect(result).toContainText('2 of 3 trusted rebuilders reproduced this file exactly (2 needed), but beta reported different bytes: rebuilders disagree')
  await expect(result.getByText('fail', { exact: true })).toBeVisible()
  await page.getByRole('checkbox', { name: /Quorum mode/ }).check()
  await expect(result).toContainText('2 of 3 trusted rebuilders reproduced this file exactly (2 needed); beta reported different bytes, outvoted in quorum mode.')
  await expect(result.getByText('pass', { exact: true })).toBeVisible()
  await expect(result.getByRole('row', { name: /^beta/ })).toContainText('different bytes')
})

test('the real reproducible.archlinux.org attestation passes; the INVALID one does not count, and says so', async ({ page }) => {
  await openRebuilders(page)
  await addRebuilder(page, 'reproducible.archlinux.org', 'reproducible-archlinux.pub', readFileSync(join(REBUILDERD, 'reproducible-archlinux.pub'), 'utf8'))
  const pkg = 'filesystem-2025.10.12-1-any.pkg.tar.zst'
  await page.getByLabel('Package files').setInputFiles(join(REBUILDERD, pkg))
  await page.getByLabel('Attestation files or archives').setInputFiles(join(REBUILDERD, 'filesystem-2025.10.12-1-any.INVALID.in-toto.link'))
  const result = page.getByRole('article', { name: `Package ${pkg}` })
  await expect(result).toContainText('0 of 1 trusted rebuilder reproduced this file exactly (1 needed): too few; reproducible.archlinux.org: signature invalid.')
  await expect(result.getByRole('row', { name: /^reproducible\.archlinux\.org/ })).toContainText('daemon: reproducible-archlinux 1ae6d32c — INVALID')
  await page.getByLabel('Attestation files or archives').setInputFiles(join(REBUILDERD, 'filesystem-2025.10.12-1-any.in-toto.link'))
  await expect(result).toContainText('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
  await expect(result.getByRole('row', { name: /^reproducible\.archlinux\.org/ })).toContainText(
    'also filesystem-2025.10.12-1-any.INVALID.in-toto.link: does not count (a signature by its key is invalid)',
  )
})

test('the 2018 design: a policy of the two rebuilders’ GPG keys gives in-toto-verify’s verdicts on the apt-transport-in-toto set', async ({ page }) => {
  const APT = join(ROOT, 'test/fixtures/apt-transport-in-toto')
  const NAME = 'final-product_0.0.0.0-0_all.deb'
  await openRebuilders(page)
  await addRebuilder(page, 'Bobby', 'bobby.asc', readFileSync(join(APT, 'bobby.asc'), 'utf8'))
  await addRebuilder(page, 'Carly', 'carly.asc', readFileSync(join(APT, 'carly.asc'), 'utf8'))
  await expect(page.getByRole('list', { name: 'Keys of Bobby' })).toContainText('OpenPGP RSA 2048 key 5863835e… (Bobby <bobby@bob.com>)')
  await page.getByLabel('Threshold: rebuilders that must agree').fill('2')
  await page.getByLabel('Attestation files or archives').setInputFiles([join(APT, 'rebuild.5863835e.link'), join(APT, 'rebuild.e946fc60.link')])
  // in-toto-verify 1.3.1 passes the good .deb …
  await page.getByLabel('Package files').setInputFiles(join(APT, 'good', NAME))
  const result = page.getByRole('article', { name: `Package ${NAME}` })
  await expect(result).toContainText('2 of 2 trusted rebuilders reproduced this file exactly (2 needed).')
  await expect(result.getByRole('row', { name: /^Bobby/ })).toContainText('bobby 5863835e — valid')
  await expect(result).toContainText('in-toto-verify passes it too, with the layout this policy amounts to.')
  // … fails the bad one …
  await page.getByRole('button', { name: `Remove ${NAME}` }).click()
  await page.getByLabel('Package files').setInputFiles(join(APT, 'bad', NAME))
  await expect(result).toContainText('0 of 2 trusted rebuilders reproduced this file exactly (2 needed): too few; Bobby and Carly reported different bytes')
  // … and fails with one of the two links.
  await page.getByRole('button', { name: `Remove ${NAME}` }).click()
  await page.getByLabel('Package files').setInputFiles(join(APT, 'good', NAME))
  await page.getByRole('button', { name: 'Remove rebuild.e946fc60.link' }).click()
  await expect(result).toContainText('1 of 2 trusted rebuilders reproduced this file exactly (2 needed): too few; Carly: no attestation.')
})

test('a package larger than the hasher’s chunks is hashed as it streams, and passes', async ({ page }) => {
  await openRebuilders(page)
  const [alpha] = rebuilders as [GeneratedRebuilder]
  await addRebuilder(page, 'alpha', 'alpha.pub', rebuilderdPem(alpha.daemon))
  const big = Buffer.alloc(9 * 1024 * 1024 + 17, 0x61)
  const name = 'big_1.0_amd64.deb'
  await page.getByLabel('Package files').setInputFiles(file(name, big))
  await page.getByLabel('Attestation files or archives').setInputFiles(file('big.link', await rebuilderdAttestation(alpha, { artifact: name, digests: digestsOf(big) })))
  const result = page.getByRole('article', { name: `Package ${name}` })
  await expect(result).toContainText('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
  await expect(result).toContainText(`sha256 ${digestsOf(big).sha256}`)
})

test('hostile attestations are refused clearly and the page keeps working', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await openRebuilders(page)
  const [alpha] = rebuilders as [GeneratedRebuilder]
  await addRebuilder(page, 'alpha', 'alpha.pub', rebuilderdPem(alpha.daemon))
  await page.getByLabel('Package files').setInputFiles(file(ARTIFACT, PACKAGE))
  const result = page.getByRole('article', { name: `Package ${ARTIFACT}` })
  const apart = page.getByRole('region', { name: 'Listed apart' })

  // Not JSON, and huge: listed with the reason; the good attestation still counts.
  await page
    .getByLabel('Attestation files or archives')
    .setInputFiles([
      file('notes.link', 'this is not JSON'),
      file('huge.link', Buffer.alloc(17 * 1024 * 1024, 0x20)),
      file('alpha.link', attestations['alpha/hello.in-toto.link'] as Uint8Array),
    ])
  await expect(result).toContainText('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
  await expect(apart.getByRole('alert')).toContainText('huge.link: is 17.0 MiB, larger than the 16.0 MiB one file may have here; refused')
  await expect(apart).toContainText('notes.link: line 1, column 1:')

  // 10,000 files at once: refused as a whole, with one sentence.
  await page.getByRole('button', { name: 'Remove all attestations' }).click()
  const many = Array.from({ length: 10_000 }, (_, i) => file(`a${i}.link`, '{}'))
  await page.getByLabel('Attestation files or archives').setInputFiles(many)
  await expect(apart.getByRole('alert')).toContainText(
    '10,000 files were given as attestations; at most 4,096 are read at once (choose the attestations of the packages you check); nothing was read',
  )
  await expect(result).toContainText('0 of 1 trusted rebuilder reproduced this file exactly (1 needed): too few')

  // An archive of 10,000 files is refused by the unpacking budget, and the page keeps working.
  await page.getByRole('button', { name: 'Remove all attestations' }).click()
  const bomb = zipSync(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x/${i}.link`, new Uint8Array([0x7b, 0x7d])])))
  await page.getByLabel('Attestation files or archives').setInputFiles([file('bomb.zip', bomb), file('alpha.link', attestations['alpha/hello.in-toto.link'] as Uint8Array)])
  await expect(apart.getByRole('alert')).toContainText('more than 4,096 files and directories; refused')
  await page.getByRole('button', { name: 'Remove bomb.zip' }).click()
  await expect(result).toContainText('1 of 1 trusted rebuilder reproduced this file exactly (1 needed).')
  expect(errors).toEqual([])
})

test('the policy opens as a layout in Design, where two keys of one rebuilder are flagged; the templates are there', async ({ page }) => {
  await openRebuilders(page)
  const [alpha] = rebuilders as [GeneratedRebuilder]
  await addRebuilder(page, 'alpha', 'alpha.pub', rebuilderdPem(alpha.daemon))
  await page
    .getByRole('article', { name: 'Rebuilder alpha' })
    .getByLabel('Add key file to alpha')
    .setInputFiles(file('alpha-worker.pub', rebuilderdPem(alpha.worker)))
  await expect(page.getByRole('list', { name: 'Keys of alpha' }).getByRole('listitem')).toHaveCount(2)
  await expect(page.getByRole('list', { name: 'Layout findings' })).toContainText("'alpha' has 2 keys: in-toto would count each as a separate functionary")
  await page.getByRole('button', { name: 'Open the policy as a layout in Design' }).click()
  await expect(page.getByRole('tab', { name: 'Design' })).toHaveAttribute('aria-selected', 'true')
  const lint = page.getByRole('region', { name: 'Lint findings' })
  await expect(lint).toContainText("Step 'rebuild' authorizes 2 keys of rebuilder 'alpha'")
  await expect(page.getByRole('group', { name: 'rebuild', exact: true })).toBeVisible()

  await page.getByRole('button', { name: /Templates/ }).click()
  await expect(page.getByRole('menuitem', { name: /Debian rebuilders, apt-transport-in-toto/ })).toBeVisible()
  await page.getByRole('menuitem', { name: /^rebuilderd/ }).click()
  await expect(page.getByRole('group', { name: 'verify-reprobuilds', exact: true })).toBeVisible()
})
