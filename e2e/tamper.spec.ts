/**
 * Tamper simulation in the Verify workspace, on the demo chain verified from dropped files:
 * a changed digest in write-code's products fails package's MATCH, a removed artifact is not
 * found, an added one is caught by DISALLOW, a replaced product file fails the inspection's
 * rules — each with the verifier's sentence, marked as a simulation, the verdict unchanged.
 */
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { gzipSync } from 'fflate'
import { writeTar } from '../test/support/tar-writer.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
// The in-toto demo chain (write-code, package, untar) with DISALLOW rules, signed by the reference's tools.
const DEMO = join(ROOT, 'test/fixtures/vectors/keys-owner-rsa-func-rsa')

async function verifyDemo(page: Page) {
  await page.goto('/')
  await page.getByRole('tab', { name: 'Verify' }).click()
  const verify = page.getByRole('tabpanel', { name: 'Verify' })
  await verify.getByLabel('Layout to verify').setInputFiles(join(DEMO, 'layout/root.layout'))
  await verify.getByLabel('Owner public keys').setInputFiles(join(DEMO, 'keys/owner.pub'))
  await verify.getByLabel('Link files or archives').setInputFiles(readdirSync(join(DEMO, 'links')).map((name) => join(DEMO, 'links', name)))
  await verify.getByRole('button', { name: 'Product files' }).setInputFiles(join(DEMO, 'work/foo.tar.gz'))
  await verify.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(verify.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed', { timeout: 30_000 })
  return verify
}

test('simulate tampering on a verified bundle: each edit names the rule that now fails, and the verdict stands', async ({ page }) => {
  const verify = await verifyDemo(page)
  const panel = verify.getByRole('region', { name: 'Simulate tampering' })
  await expect(panel).toContainText('simulation, not a verdict')
  await expect(panel).toContainText('Nothing is signed and no signature is checked')
  const result = panel.getByRole('region', { name: 'Simulation result' })
  const heading = result.getByRole('status').getByRole('heading')

  // A changed digest in the products of write-code: package's MATCH no longer consumes foo.py.
  await panel.getByLabel('Artifacts to change').selectOption({ label: 'Step write-code: products (its link)' })
  const products = panel.getByRole('table', { name: 'Step write-code: products (its link)' })
  await products.getByRole('button', { name: 'Change the digest of foo.py' }).click()
  await panel.getByLabel('New sha256 of foo.py').fill('ab'.repeat(32))
  await panel.getByRole('button', { name: 'Apply the change' }).click()
  await expect(heading).toHaveText('simulated Verification would fail')
  await expect(result).toContainText(
    "Step 'package', material rule 2 'DISALLOW *' forbids 'foo.py': no earlier rule accepted it. Rule 1 'MATCH foo.py WITH PRODUCTS FROM write-code' compared it with 'foo.py' in the products of 'write-code': expected sha256 abababababababab…",
  )
  await expect(result).toContainText('steps[1].expected_materials[1]')
  await expect(panel.getByRole('region', { name: 'Simulated edits' })).toContainText('Changed foo.py in the products of write-code: sha256')
  const trace = result.getByRole('region', { name: 'Simulated rule trace of package' })
  await expect(trace.getByRole('table', { name: 'MATCH details of rule 1' })).toContainText('hash differs')
  await expect(trace.getByRole('table', { name: 'MATCH details of rule 1' })).toContainText('ab'.repeat(32))
  await expect(result.getByRole('list', { name: 'Results that change' })).toContainText('package: verified pass, simulated fail')
  // A simulation: the verification's own verdict is unchanged.
  await expect(verify.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed')
  const axe = await new AxeBuilder({ page }).include('.tamper').analyze()
  expect(axe.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id)).toEqual([])

  await panel.getByRole('button', { name: 'Reset the simulation' }).click()
  await expect(result).toBeHidden()
  await expect(panel).toContainText('No edits yet')

  // A removed artifact: the MATCH finds nothing to compare with.
  await products.getByRole('button', { name: 'Remove foo.py' }).click()
  await expect(result).toContainText("Rule 1 'MATCH foo.py WITH PRODUCTS FROM write-code' looked for 'foo.py' among the products of 'write-code' and did not find it.")
  await panel.getByRole('button', { name: 'Undo edit 1' }).click()
  await expect(result).toBeHidden()

  // An added file: DISALLOW * catches it.
  await panel.getByLabel('Artifacts to change').selectOption({ label: 'Step package: products (its link)' })
  const add = panel.getByRole('form', { name: "Add an artifact to package's products" })
  await add.getByLabel('Path of the added artifact').fill('backdoor.sh')
  await add.getByLabel('Its sha256').fill('cd'.repeat(32))
  await add.getByRole('button', { name: 'Add the artifact' }).click()
  await expect(result).toContainText("Step 'package', product rule 3 'DISALLOW *' forbids 'backdoor.sh': no earlier rule accepted it.")
  await panel.getByRole('button', { name: 'Reset the simulation' }).click()

  // A replaced product file: the inspection runs again over it, and its MATCH with package's products fails.
  await panel.getByLabel('Artifacts to change').selectOption({ label: "Product files (the inspections' working directory)" })
  const tarball = Buffer.from(gzipSync(writeTar([{ name: 'foo.py', data: 'print("not what write-code wrote")\n' }])))
  await panel.getByLabel('Replace the product file foo.tar.gz with a file').setInputFiles({ name: 'other.tar.gz', mimeType: 'application/gzip', buffer: tarball })
  await expect(panel.getByRole('region', { name: 'Simulated edits' })).toContainText('Replaced the product file foo.tar.gz with other.tar.gz (sha256 ')
  await expect(result).toContainText("Inspection 'untar', material rule 2 'DISALLOW *' forbids 'foo.tar.gz': no earlier rule accepted it.")
  await expect(result.getByRole('list', { name: 'Results that change' })).toContainText('untar: verified pass, simulated fail')
  await expect(verify.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed')
})

test('an edit the rules do not catch says so, and a new verification forgets the simulation', async ({ page }) => {
  const verify = await verifyDemo(page)
  const panel = verify.getByRole('region', { name: 'Simulate tampering' })
  // write-code has no material rules that could fail: an extra material is implicitly allowed.
  await panel.getByLabel('Artifacts to change').selectOption({ label: 'Step write-code: materials (its link)' })
  const add = panel.getByRole('form', { name: "Add an artifact to write-code's materials" })
  await add.getByLabel('Path of the added artifact').fill('anything.txt')
  await add.getByLabel('Its sha256').fill('ef'.repeat(32))
  await add.getByRole('button', { name: 'Add the artifact' }).click()
  const result = panel.getByRole('region', { name: 'Simulation result' })
  await expect(result.getByRole('status').getByRole('heading')).toHaveText('simulated The rules still pass')
  await expect(result).toContainText('No rule of the layout catches these edits')

  // A digest that is not hex is refused before anything runs.
  await panel.getByLabel('Artifacts to change').selectOption({ label: 'Step write-code: products (its link)' })
  await panel.getByRole('button', { name: 'Change the digest of foo.py' }).click()
  await panel.getByLabel('New sha256 of foo.py').fill('not-hex')
  await panel.getByRole('button', { name: 'Apply the change' }).click()
  await expect(panel.getByRole('alert')).toContainText('The sha256 digest must be hexadecimal')

  await verify.getByRole('button', { name: 'Verify', exact: true }).click()
  await expect(verify.locator('.verify-verdict').getByRole('heading')).toHaveText('Verification passed', { timeout: 30_000 })
  await expect(panel).toContainText('No edits yet')
})
