/**
 * Nothing is lost, nothing is silent: signed work survives New and a reload, an opened signed layout is for
 * review until the person chooses to edit, and files dropped on the wrong zone go where they belong.
 */
import { join } from 'node:path'
import { expect, type Page, test } from '@playwright/test'

const DEMO = join(import.meta.dirname, '..', 'test', 'fixtures', 'upstream', 'demo_files')

async function signDemoAsOwner(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Keys' }).click()
  const keys = page.getByRole('tabpanel', { name: 'Keys' })
  await keys.getByLabel('Key type').selectOption({ label: 'ed25519' })
  await keys.getByLabel('Name of the new key').fill('owner')
  await keys.getByRole('button', { name: 'Generate key' }).click()
  await expect(keys.getByRole('article', { name: 'Key owner' })).toBeVisible({ timeout: 30_000 })
  await keys.getByRole('checkbox', { name: /^Sign with owner / }).check()
  await keys.getByRole('button', { name: 'Sign layout' }).click()
  const despite = keys.getByRole('button', { name: /^Sign despite \d+ warnings?$/ })
  const done = keys.getByRole('status').filter({ hasText: /^Signed by / })
  await expect(despite.or(done)).toBeVisible()
  if (await despite.isVisible()) await despite.click()
  await expect(done).toBeVisible({ timeout: 30_000 })
  await page.getByRole('tab', { name: 'Design' }).click()
}

test.beforeEach(async ({ page }) => {
  await page.goto('/')
  await page.evaluate(() => localStorage.clear())
  await page.goto('/')
  await expect(page.getByRole('group', { name: 'write-code', exact: true })).toBeVisible()
})

test('cannot lose a signed layout by clicking New', async ({ page }) => {
  await signDemoAsOwner(page)
  const signatures = page.getByRole('status', { name: 'Signatures' })
  await expect(signatures).toContainText('Signed metablock')

  await page.getByRole('button', { name: 'New layout' }).click()
  const question = page.getByRole('alertdialog', { name: 'Replace the signed layout?' })
  await expect(question).toContainText('a signature you have not downloaded')
  await question.getByRole('button', { name: 'Cancel' }).click()
  await expect(question).toBeHidden()
  await expect(page.getByRole('group', { name: 'write-code', exact: true })).toBeVisible()
  await expect(signatures).toContainText('Signed metablock')
  // Escape is Cancel too, and focus returns to the button.
  await page.getByRole('button', { name: 'New layout' }).click()
  await page.keyboard.press('Escape')
  await expect(question).toBeHidden()
  await expect(page.getByRole('button', { name: 'New layout' })).toBeFocused()

  await page.getByRole('button', { name: 'New layout' }).click()
  const [download] = await Promise.all([page.waitForEvent('download'), question.getByRole('button', { name: 'Download, then replace' }).click()])
  expect(download.suggestedFilename()).toBe('root.layout')
  await expect(page.getByRole('group', { name: 'write-code', exact: true })).toHaveCount(0)
  // What was downloaded is safe on disk: New now asks nothing.
  await page.getByRole('button', { name: 'Templates' }).click()
  await page.getByRole('menuitem', { name: 'in-toto demo chain' }).click()
  await expect(page.getByRole('group', { name: 'write-code', exact: true })).toBeVisible()
})

test('a reload brings back the signed draft with its key names and signatures, still for review', async ({ page }) => {
  await page.getByRole('group', { name: 'Functionary bob' }).click()
  const name = page.getByLabel('Display name', { exact: true })
  await name.fill('Bob the Builder')
  await name.press('Enter')
  await signDemoAsOwner(page)
  await page.waitForTimeout(1200)
  await page.reload()
  await expect(page.getByRole('status', { name: 'Signatures' })).toContainText('Signed metablock')
  await expect(page.getByRole('group', { name: 'Functionary Bob the Builder' })).toBeVisible()
  await page.getByRole('button', { name: 'Add step' }).click()
  await expect(page.getByRole('alertdialog', { name: 'Edit the signed layout?' })).toBeVisible()
  await page.getByRole('button', { name: 'Keep reviewing' }).click()
  await expect(page.getByRole('group', { name: 'step', exact: true })).toHaveCount(0)
})

test('files dropped on the wrong zone are routed by what they are', async ({ page }) => {
  await page.getByRole('tab', { name: 'Verify' }).click()
  const verify = page.getByRole('tabpanel', { name: 'Verify' })
  await verify.getByLabel('Layout to verify').setInputFiles(join(DEMO, 'write-code.776a00e2.link'))
  await expect(verify.getByRole('status').filter({ hasText: 'write-code.776a00e2.link went to Links (a link)' })).toBeVisible()
  await expect(verify.getByRole('list', { name: 'Links: chosen files' })).toContainText('write-code.776a00e2.link')
  await verify.getByLabel('Link files or archives').setInputFiles([join(DEMO, 'alice.pub'), join(DEMO, 'package.2f89b927.link')])
  await expect(verify.getByRole('status').filter({ hasText: 'alice.pub went to Owner keys (a key)' })).toBeVisible()
  await expect(verify.getByRole('list', { name: 'Owner keys: chosen files' })).toContainText('alice.pub')
  await expect(verify.getByRole('list', { name: 'Links: chosen files' })).toContainText('package.2f89b927.link')

  // A public key dropped on the graph becomes a functionary; a link goes to Verify.
  await page.getByRole('tab', { name: 'Design' }).click()
  const canvas = page.locator('.editor-canvas')
  const drop = async (file: string, bytes: string) => {
    const transfer = await page.evaluateHandle(
      ([fileName, text]) => {
        const data = new DataTransfer()
        data.items.add(new File([text], fileName))
        return data
      },
      [file, bytes] as const,
    )
    await canvas.dispatchEvent('drop', { dataTransfer: transfer })
  }
  const { readFileSync } = await import('node:fs')
  await drop('danny.pub', readFileSync(join(DEMO, 'danny.pub'), 'utf8'))
  await expect(page.getByRole('group', { name: 'Functionary danny' })).toBeVisible()
})
