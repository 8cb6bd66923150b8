/**
 * Every workspace, light and dark: an axe check with no serious or critical violations, and a screenshot of
 * each attached to the e2e report. axe runs from the locally installed package (no network).
 */
import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'

const WORKSPACES = ['Design', 'Keys', 'Verify', 'Rebuilders'] as const

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`in ${colorScheme} mode`, () => {
    test.use({ colorScheme })

    test(`every workspace passes axe without serious violations, and looks right`, async ({ page }, testInfo) => {
      const problems: string[] = []
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text())
      })
      await page.goto('/')
      await expect(page.getByRole('group', { name: 'write-code', exact: true })).toBeVisible()
      for (const workspace of WORKSPACES) {
        await page.getByRole('tab', { name: workspace, exact: true }).click()
        await expect(page.getByRole('tabpanel', { name: workspace })).toBeVisible()
        const results = await new AxeBuilder({ page }).include(`#panel-${workspace.toLowerCase()}`).include('.app-header').analyze()
        const serious = results.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
        expect(serious, `${workspace} in ${colorScheme} mode`).toEqual([])
        await testInfo.attach(`${workspace} (${colorScheme})`, { body: await page.screenshot(), contentType: 'image/png' })
      }
      expect(problems).toEqual([])
    })
  })
}
