/**
 * The Verify workspace in Chromium: every public reference vector dropped as loose files
 * reaches the reference's verdict (or "not run" for inspections a browser cannot emulate,
 * never a pass); a packed bundle gives the same result; hostile bundles are refused with a
 * clear message and the page keeps working; the downloaded report is the CLI's JSON format.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test, type Page } from '@playwright/test'
import { Zip, ZipDeflate, zipSync, strToU8 } from 'fflate'
import { loadVectors, VECTORS, type Vector } from '../test/support/vectors.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const vectors = new Map(loadVectors().map((vector) => [vector.name, vector]))
const vectorNames = [...vectors.keys()]

function vectorNamed(name: string): Vector {
  const vector = vectors.get(name)
  if (vector === undefined) throw new Error(`no vector ${name}`)
  return vector
}

function expectedOf(name: string): Vector['expected'] {
  return vectorNamed(name).expected
}

/** `--layout-keys` files of the reference command, in the vector's work/. */
function ownerKeyFiles(name: string): string[] {
  return vectorNamed(name).layoutKeys.map((path) => join(VECTORS, name, 'work', path))
}

/** Inspections (root layout and sublayouts found among the links) that run a shell: a browser cannot. */
function hasUnemulatedInspection(name: string): boolean {
  const layouts = [join(VECTORS, name, 'layout/root.layout'), ...filesUnder(join(VECTORS, name, 'links'))]
  return layouts.some((file) => {
    try {
      const signed = JSON.parse(readFileSync(file, 'utf8')).signed
      return signed?._type === 'layout' && (signed.inspect ?? []).some((inspection: { run: string[] }) => inspection.run[0] === 'sh')
    } catch {
      return false
    }
  })
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    return statSync(full).isDirectory() ? filesUnder(full) : [full]
  })
}

function hasFiles(dir: string): boolean {
  return filesUnder(dir).some((file) => !file.endsWith('.keep'))
}

async function openVerify(page: Page) {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Verify' }).click()
}

/** The Verify workspace (the other workspaces stay mounted, with their own file inputs). */
function panel(page: Page) {
  return page.getByRole('tabpanel', { name: 'Verify' })
}

async function dropVector(page: Page, name: string, links: 'folder' | { name: string; mimeType: string; buffer: Buffer } = 'folder') {
  const dir = join(VECTORS, name)
  await panel(page).getByLabel('Layout to verify').setInputFiles(join(dir, 'layout/root.layout'))
  await panel(page).getByLabel('Owner public keys').setInputFiles(ownerKeyFiles(name))
  if (links === 'folder') await panel(page).getByLabel('Link folder').setInputFiles(join(dir, 'links'))
  else await panel(page).getByLabel('Link files or archives').setInputFiles(links)
  if (hasFiles(join(dir, 'work'))) await panel(page).getByLabel('Product folder').setInputFiles(join(dir, 'work'))
  const parameters = expectedOf(name).runner === 'api' ? expectedOf(name).substitution_parameters : undefined
  if (parameters) {
    await panel(page)
      .getByLabel('Substitution parameters (KEY=VALUE, one per line)')
      .fill(
        Object.entries(parameters)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      )
  }
}

async function verdictOf(page: Page): Promise<{ title: string; sentence: string; details: string }> {
  await panel(page).getByRole('button', { name: 'Verify', exact: true }).click()
  const verdict = page.locator('.verify-verdict')
  await expect(verdict.getByRole('heading')).toBeVisible({ timeout: 30_000 })
  return {
    title: (await verdict.getByRole('heading').textContent()) ?? '',
    sentence: (await verdict.locator('.verify-sentence').textContent()) ?? '',
    details: (await verdict.textContent()) ?? '',
  }
}

test.describe('every public vector, dropped as loose files', () => {
  for (const name of vectorNames) {
    const expected = expectedOf(name)
    test(`${name}: ${expected.verdict}${expected.stage !== 'none' ? ` at ${expected.stage}` : ''}`, async ({ page }) => {
      await openVerify(page)
      await dropVector(page, name)
      const result = await verdictOf(page)
      if (expected.verdict === 'fail') {
        expect(result.title).toBe('Verification failed')
        expect(result.details).toContain(`Stage: ${expected.stage} (`)
      } else if (hasUnemulatedInspection(name)) {
        expect(result.title).toBe('Not fully verified')
        expect(result.sentence).toMatch(/^Rules and signatures pass; inspection '.+' not run\./)
        await expect(
          page
            .getByRole('table', { name: 'Inspections' })
            .or(page.getByRole('table', { name: 'Steps' }))
            .first(),
        ).toBeVisible()
      } else {
        expect(result.title).toBe('Verification passed')
      }
    })
  }
})

test('inspections a browser cannot run show the CLI command, and never pass', async ({ page }) => {
  await openVerify(page)
  await dropVector(page, 'misc-inspection-only-layout')
  const result = await verdictOf(page)
  expect(result.title).toBe('Not fully verified')
  const row = page.getByRole('table', { name: 'Inspections' }).getByRole('row').nth(1)
  await expect(row).toContainText('not run')
  await expect(row).toContainText('the links in links/, and run there: layout-studio verify -l root.layout -k owner.pub --link-dir links')
})

test('emulated inspections and the rule trace with hashes on both sides', async ({ page }) => {
  await openVerify(page)
  await dropVector(page, 'inspection-tarball-replaced')
  const result = await verdictOf(page)
  expect(result.title).toBe('Verification failed')
  expect(result.sentence).toMatch(/^Inspection '.+', (material|product) rule \d+ '.+'/)
  const inspections = page.getByRole('table', { name: 'Inspections' })
  await expect(inspections).toContainText('emulated in the browser')
  const name = (await inspections.getByRole('row').nth(1).getByRole('button').textContent()) ?? ''
  await inspections.getByRole('button', { name: `Show rule trace of inspection ${name}` }).click()
  const trace = page.getByRole('region', { name: `Rule trace of ${name}` })
  await expect(trace).toContainText('Queue before')
  await expect(trace).toContainText('Consumed')
  const match = trace.getByRole('table', { name: /MATCH details of rule/ }).first()
  await expect(match).toContainText('hash differs')
  await expect(match.locator('.verify-hash').first()).toHaveText(/^[0-9a-f]{64}$/)
})

test('a running verification can be cancelled, and the page verifies again afterwards', async ({ page }) => {
  await openVerify(page)
  await dropVector(page, 'rule-allow-pass')
  // 200 MiB of zeros to inflate keeps the worker busy long enough to cancel it.
  const files = { 'padding.bin': new Uint8Array(200 << 20) }
  await panel(page)
    .getByLabel('Link files or archives')
    .setInputFiles({ name: 'padding.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files, { level: 1 })) })
  await panel(page).getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(panel(page).getByRole('status', { name: 'Verification progress' })).not.toBeEmpty()
  await panel(page).getByRole('button', { name: 'Cancel' }).click()
  await expect(panel(page).getByRole('status', { name: 'Verification progress' })).toHaveText('Verification cancelled.')
  await expect(page.locator('.verify-verdict')).toHaveCount(0)
  await panel(page).getByRole('button', { name: 'Remove padding.zip', exact: true }).click()
  expect((await verdictOf(page)).title).toBe('Verification passed')
})

test("a failing rule opens in the editor's JSON view, selected", async ({ page }) => {
  await openVerify(page)
  await dropVector(page, 'rule-disallow-fail')
  expect((await verdictOf(page)).title).toBe('Verification failed')
  const path = (await page.locator('.verify-verdict code').textContent()) ?? ''
  expect(path).toMatch(/^steps\[\d+\]\.expected_(materials|products)\[\d+\]$/)
  await page.getByRole('button', { name: 'Open the layout in the editor at this rule' }).click()
  await expect(page.getByRole('tab', { name: 'Design' })).toHaveAttribute('aria-selected', 'true')
  const json = page.getByTestId('json-editor')
  await expect(json).toHaveAttribute('data-revealed-path', path)
  await expect(json).toHaveAttribute('data-revealed-text', /^\[\s*"DISALLOW",\s*"\*\.exe"\s*\]$/)
})

test('steps show their threshold as valid links, on the graph and in the table', async ({ page }) => {
  await openVerify(page)
  await dropVector(page, 'threshold-3-of-4-authorized')
  expect((await verdictOf(page)).title).toBe('Verification passed')
  await expect(page.getByRole('table', { name: 'Steps' })).toContainText('3 of 3 valid links')
  await expect(page.locator('.verify-graph')).toContainText('3 of 3 valid links')
})

test.describe('packed bundles', () => {
  const name = 'sublayout-summary-mismatch'
  const linksDir = join(VECTORS, name, 'links')

  test('a .zip and a .tar.gz of the links give the same result as the folder', async ({ page }) => {
    await openVerify(page)
    await dropVector(page, name)
    const loose = await verdictOf(page)

    const files: Record<string, Uint8Array> = {}
    for (const file of filesUnder(linksDir)) files[`links/${relative(linksDir, file)}`] = new Uint8Array(readFileSync(file))
    await openVerify(page)
    await dropVector(page, name, { name: 'links.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) })
    expect(await verdictOf(page)).toEqual(loose)

    const tarball = join(mkdtempSync(join(tmpdir(), 'h6-links-')), 'links.tar.gz')
    execFileSync('tar', ['czf', tarball, '-C', linksDir, '.'])
    await openVerify(page)
    await dropVector(page, name, { name: 'links.tar.gz', mimeType: 'application/gzip', buffer: readFileSync(tarball) })
    expect(await verdictOf(page)).toEqual(loose)
  })
})

test("a folder dragged onto the links zone, sublayout directory included, gives the folder picker's result", async ({ page }) => {
  const name = 'sublayout-summary-mismatch'
  const linksDir = join(VECTORS, name, 'links')
  await openVerify(page)
  await dropVector(page, name)
  const picked = await verdictOf(page)

  await openVerify(page)
  const dir = join(VECTORS, name)
  await panel(page).getByLabel('Layout to verify').setInputFiles(join(dir, 'layout/root.layout'))
  await panel(page).getByLabel('Owner public keys').setInputFiles(ownerKeyFiles(name))
  const files = filesUnder(linksDir).map((file) => ({ path: relative(linksDir, file).split('\\').join('/'), base64: readFileSync(file).toString('base64') }))
  expect(files.some((file) => file.path.includes('/'))).toBe(true)
  // Playwright cannot drag a folder from the OS: the drop event carries a DataTransfer whose one
  // item is a directory entry, as Chromium's File and Directory Entries API gives it (readEntries
  // answering in batches until it answers none).
  await page.getByTestId('verify-links-zone').evaluate(
    (zone, { files }) => {
      type Entry = { isFile: boolean; isDirectory: boolean; name: string; [k: string]: unknown }
      const directory = (dirName: string, children: Entry[]): Entry => ({
        isFile: false,
        isDirectory: true,
        name: dirName,
        createReader() {
          let at = 0
          return {
            readEntries(success: (entries: Entry[]) => void) {
              const batch = children.slice(at, at + 2)
              at += batch.length
              setTimeout(() => success(batch))
            },
          }
        },
      })
      const tree = new Map<string, Entry[]>([['', []]])
      for (const { path, base64 } of files) {
        const parts = path.split('/')
        const fileName = parts.pop() as string
        const parent = parts.join('/')
        if (!tree.has(parent)) {
          tree.set(parent, [])
          tree.get('')?.push(directory(parent, tree.get(parent) as Entry[]))
        }
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
        const file = new File([bytes], fileName)
        tree.get(parent)?.push({ isFile: true, isDirectory: false, name: fileName, file: (success: (f: File) => void) => setTimeout(() => success(file)) })
      }
      const root = directory('links', tree.get('') as Entry[])
      const transfer = { items: [{ kind: 'file', webkitGetAsEntry: () => root }], files: [], types: ['Files'] }
      const drop = new DragEvent('drop', { bubbles: true, cancelable: true })
      Object.defineProperty(drop, 'dataTransfer', { value: transfer })
      zone.dispatchEvent(drop)
    },
    { files },
  )
  for (const file of files) await expect(page.getByTestId('verify-links-zone')).toContainText(file.path)
  expect(await verdictOf(page)).toEqual(picked)
})

test.describe('hostile bundles are refused and the page keeps working', () => {
  /** A zip whose one member inflates to `size` bytes of zeros, built without holding them. */
  function zipBomb(size: number): Buffer {
    const chunks: Uint8Array[] = []
    const zip = new Zip((error, chunk) => {
      if (error) throw error
      chunks.push(chunk)
    })
    const member = new ZipDeflate('zeros.link', { level: 9 })
    zip.add(member)
    const zeros = new Uint8Array(1 << 20)
    for (let i = 0; i < size >> 20; i++) member.push(zeros)
    member.push(new Uint8Array(), true)
    zip.end()
    return Buffer.concat(chunks)
  }

  async function expectRefused(page: Page, message: RegExp) {
    await expect(page.getByRole('list', { name: 'Refused files' })).toContainText(message)
  }

  /** Removes the refused files and verifies a good vector on the same page. */
  async function stillWorks(page: Page, refused: readonly string[]) {
    for (const file of refused) await page.getByRole('button', { name: `Remove ${file}`, exact: true }).click()
    await expect(page.getByRole('list', { name: 'Refused files' })).toBeHidden()
    await dropVector(page, 'rule-allow-pass')
    expect((await verdictOf(page)).title).toBe('Verification passed')
  }

  test('a zip bomb', async ({ page }) => {
    const bomb = zipBomb(600 << 20)
    expect(bomb.length).toBeLessThan(1 << 20)
    await openVerify(page)
    await panel(page).getByLabel('Link files or archives').setInputFiles({ name: 'bomb.zip', mimeType: 'application/zip', buffer: bomb })
    await expectRefused(page, /bomb\.zip \(entry 'zeros\.link'\): expands to more than 256\.0 MiB/)
    await stillWorks(page, ['bomb.zip'])
  })

  test('entries with ../ and absolute paths', async ({ page }) => {
    await openVerify(page)
    await panel(page)
      .getByLabel('Link files or archives')
      .setInputFiles([
        { name: 'climb.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ '../../evil.link': strToU8('{}') })) },
        { name: 'absolute.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ '/etc/evil.link': strToU8('{}') })) },
      ])
    await expectRefused(page, /climb\.zip \(entry '\.\.\/\.\.\/evil\.link'\): the entry's path climbs out of the archive/)
    await expectRefused(page, /absolute\.zip \(entry '\/etc\/evil\.link'\): the entry has an absolute path/)
    await stillWorks(page, ['climb.zip', 'absolute.zip'])
  })

  test('100,000 tiny files', async ({ page }) => {
    const files: Record<string, Uint8Array> = {}
    for (let i = 0; i < 100_000; i++) files[`f${i}.link`] = new Uint8Array([0x7b])
    await openVerify(page)
    await panel(page)
      .getByLabel('Link files or archives')
      .setInputFiles({ name: 'many.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files, { level: 0 })) })
    await expectRefused(page, /many\.zip .*more than 20,000 files and directories/)
    await stillWorks(page, ['many.zip'])
  })

  test('a 1 GB file (a lazy Blob, never written out)', async ({ page }) => {
    await openVerify(page)
    await panel(page)
      .getByLabel('Link files or archives')
      .evaluate((input: HTMLInputElement) => {
        const mebibyte = new Blob([new Uint8Array(1 << 20)])
        const huge = new File(
          Array.from({ length: 1024 }, () => mebibyte),
          'huge.link',
        )
        const transfer = new DataTransfer()
        transfer.items.add(huge)
        input.files = transfer.files
        input.dispatchEvent(new Event('change', { bubbles: true }))
      })
    await expectRefused(page, /huge\.link: is 1\.0 GiB, larger than the 256\.0 MiB one file may have here/)
    await stillWorks(page, ['huge.link'])
  })

  test('a link that is not JSON', async ({ page }) => {
    await openVerify(page)
    await dropVector(page, 'rule-allow-pass')
    const linkName = readdirSync(join(VECTORS, 'rule-allow-pass/links')).find((file) => file.endsWith('.link')) as string
    await panel(page)
      .getByLabel('Link files or archives')
      .setInputFiles({ name: linkName, mimeType: 'text/plain', buffer: Buffer.from('this is not JSON\n') })
    const row = page.getByRole('table', { name: 'Dropped link files' }).getByRole('row', { name: new RegExp(linkName.replace(/\./g, '\\.')) })
    await expect(row).toContainText('unreadable')
    await expect(row).toContainText(new RegExp(`${linkName.replace(/\./g, '\\.')}: .*line 1`))
    const result = await verdictOf(page)
    expect(result.title).toBe('Verification failed')
    expect(result.details).toContain('Stage: format')
    expect(result.sentence).toContain(linkName)
    await page
      .getByRole('button', { name: `Remove ${linkName}` })
      .first()
      .click()
    await panel(page).getByLabel('Link folder').setInputFiles(join(VECTORS, 'rule-allow-pass/links'))
    expect((await verdictOf(page)).title).toBe('Verification passed')
  })
})

test('the downloaded report is the CLI JSON report, and the summary prints', async ({ page }) => {
  const name = 'rule-match-products-fail'
  await openVerify(page)
  await dropVector(page, name)
  expect((await verdictOf(page)).title).toBe('Verification failed')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download report (JSON)' }).click()
  const saved = await (await download).path()
  const browser = JSON.parse(readFileSync(saved, 'utf8'))
  const cli = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    [
      join(ROOT, 'src/cli/main.ts'),
      'verify',
      '--layout',
      join(VECTORS, name, 'layout/root.layout'),
      '--verification-keys',
      ...ownerKeyFiles(name),
      '--link-dir',
      join(VECTORS, name, 'links'),
      '--format',
      'json',
    ],
    { cwd: join(VECTORS, name, 'work'), encoding: 'utf8' },
  )
  const node = JSON.parse(cli.stdout)
  const comparable = (report: Record<string, unknown>) => ({ ...report, verifiedAt: undefined, timings: undefined, layout: { ...(report.layout as object), file: undefined } })
  expect(comparable(browser)).toEqual(comparable(node))

  await page.evaluate(() => {
    ;(window as unknown as { printed: number }).printed = 0
    window.print = () => void ((window as unknown as { printed: number }).printed += 1)
  })
  await page.getByRole('button', { name: 'Print summary' }).click()
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1)
  await page.emulateMedia({ media: 'print' })
  await expect(page.locator('.verify-verdict')).toBeVisible()
  await expect(panel(page).getByLabel('Layout to verify')).toBeHidden()
  await expect(page.locator('.verify-print-only')).toBeVisible()
})
