import { expect, test } from '@playwright/test'

test('the app loads without console errors or network requests off the page origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? 'http://127.0.0.1:4173').origin
  const problems: string[] = []
  const foreign: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`))
  page.on('request', (request) => {
    if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith('data:')) foreign.push(request.url())
  })
  await page.goto('/')
  await expect(page.getByRole('heading', { name: 'Layout Studio' })).toBeVisible()
  expect(problems).toEqual([])
  expect(foreign).toEqual([])
})
