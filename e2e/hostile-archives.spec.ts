/**
 * Archive tricks (test/hostile/archive-tricks.ts) as the input of an inspection in the Verify
 * workspace: one test per trick. The emulated `unzip` / `tar x` refuses each, the inspection
 * shows "not run" with the reason, and the verdict is never a pass.
 */
import { expect, test, type Page } from '@playwright/test'
import { serializeEnvelope, signDocument } from '../src/core/envelope/sign.ts'
import { parseJson } from '../src/core/json/parse.ts'
import { exportPublicKeyPem } from '../src/core/keys/export.ts'
import { generateKeyPair } from '../src/core/keys/generate.ts'
import type { PrivateKey } from '../src/core/keys/types.ts'
import { parseLayout } from '../src/core/model/layout.ts'
import { ARCHIVE_TRICKS, trickLayoutDocument, type ArchiveTrick } from '../test/hostile/archive-tricks.ts'

let owner: PrivateKey

test.beforeAll(async () => {
  owner = await generateKeyPair('ed25519')
})

function panel(page: Page) {
  return page.getByRole('tabpanel', { name: 'Verify' })
}

async function signedLayout(trick: ArchiveTrick): Promise<Buffer> {
  const layout = parseLayout(parseJson(JSON.stringify(trickLayoutDocument(trick))))
  return Buffer.from(serializeEnvelope(await signDocument({ type: 'layout', layout }, [owner])))
}

for (const trick of ARCHIVE_TRICKS) {
  test(`${trick.name}: the inspection is not run, with the reason; never a pass`, async ({ page }) => {
    await page.goto('/')
    await page.getByRole('tab', { name: 'Verify' }).click()
    await panel(page)
      .getByLabel('Layout to verify')
      .setInputFiles({ name: 'root.layout', mimeType: 'application/json', buffer: await signedLayout(trick) })
    await panel(page)
      .getByLabel('Owner public keys')
      .setInputFiles({ name: 'owner.pub', mimeType: 'application/x-pem-file', buffer: Buffer.from(exportPublicKeyPem(owner.publicKey)) })
    await panel(page)
      .locator('input[type=file][aria-label="Product files"]')
      .setInputFiles({ name: trick.file, mimeType: 'application/octet-stream', buffer: Buffer.from(trick.bytes) })
    await panel(page).getByRole('button', { name: 'Verify', exact: true }).click()
    const verdict = page.locator('.verify-verdict')
    await expect(verdict.getByRole('heading')).toBeVisible({ timeout: 30_000 })
    await expect(verdict.getByRole('heading')).toHaveText('Not fully verified')
    const row = page.getByRole('table', { name: 'Inspections' }).getByRole('row').nth(1)
    await expect(row).toContainText('unpack')
    await expect(row).toContainText('not run')
    await expect(row).toContainText(trick.reason)
  })
}
