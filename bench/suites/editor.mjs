/**
 * The layout editor at scale, in Chromium: a layout of 300 steps with 10 rules each is opened
 * through the file picker and laid out (dagre), then edits are timed until both the graph and
 * the JSON view show them. Also reports the initial JavaScript download (gzip), which must
 * stay under 300 KB: monaco and dagre load on demand.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildApp, launchChromium, startPreview } from '../lib/browser.mjs'

const STEPS = 300
const RULES = 10

/** Steps chained by MATCH rules (each matches its predecessor's products), 5 material and 5 product rules each. */
function bigLayout(steps) {
  const list = []
  for (let i = 0; i < steps; i++) {
    const previous = i === 0 ? undefined : `step-${i - 1}`
    const materials = previous
      ? [
          ['MATCH', `out-${i - 1}/*`, 'WITH', 'PRODUCTS', 'FROM', previous],
          ['MATCH', 'src/*', 'WITH', 'PRODUCTS', 'FROM', 'step-0'],
          ['ALLOW', 'Makefile'],
          ['ALLOW', '*.cfg'],
          ['DISALLOW', '*'],
        ]
      : [
          ['ALLOW', 'src/*'],
          ['ALLOW', 'Makefile'],
          ['ALLOW', '*.cfg'],
          ['ALLOW', 'README'],
          ['DISALLOW', '*'],
        ]
    list.push({
      _type: 'step',
      name: `step-${i}`,
      threshold: 1,
      pubkeys: [],
      expected_command: ['make', `target-${i}`],
      expected_materials: materials,
      expected_products: [
        ['CREATE', `out-${i}/*`],
        ['ALLOW', 'src/*'],
        ['ALLOW', 'Makefile'],
        ['ALLOW', '*.cfg'],
        ['DISALLOW', '*'],
      ],
    })
  }
  return { signatures: [], signed: { _type: 'layout', expires: '2030-01-01T00:00:00Z', readme: '', keys: {}, steps: list, inspect: [] } }
}

/** Sum of the gzip sizes of the scripts index.html loads before anything is clicked. */
function initialJsGzip(dist) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const files = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/?([^"]+\.js)"/g)].map((m) => m[1])
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length, 0)
}

/**
 * Clicks `button` and resolves to the milliseconds until the graph holds `nodes` nodes and the
 * JSON view shows the new revision. (With hundreds of nodes React Flow renders only those in
 * view, so the graph's node count, not the DOM, says the edit reached it.)
 */
function timeEdit(page, button, nodes) {
  return page.evaluate(
    ({ button, nodes }) =>
      new Promise((resolve) => {
        const json = document.querySelector('[data-testid="json-editor"]')
        const graph = document.querySelector('[data-testid="layout-graph"]')
        const before = Number(json.getAttribute('data-revision'))
        const target = [...document.querySelectorAll('button')].find((b) => b.textContent === button)
        const start = performance.now()
        target.click()
        const check = () => {
          if (Number(graph.getAttribute('data-node-count')) === nodes && Number(json.getAttribute('data-revision')) > before) resolve(performance.now() - start)
          else requestAnimationFrame(check)
        }
        check()
      }),
    { button, nodes },
  )
}

export default async function editorSuite(ctx) {
  const steps = ctx.quick ? 60 : STEPS
  const dist = buildApp(ctx)
  const gzipKiB = initialJsGzip(dist) / 1024
  const layoutFile = join(ctx.workDir, 'big.layout')
  writeFileSync(layoutFile, JSON.stringify(bigLayout(steps), null, 1))

  const server = await startPreview(ctx.root, dist)
  const browser = await launchChromium()
  const opens = []
  const adds = []
  const undos = []
  try {
    for (let run = 0; run < ctx.repeat; run++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
      page.on('dialog', (dialog) => void dialog.accept())
      await page.goto(server.url)
      await page.evaluate(() => localStorage.clear())
      await page.reload()
      await page.getByRole('tab', { name: 'JSON' }).click()
      await page.locator('[data-testid="json-editor"][data-revision]').waitFor()

      const chooser = page.waitForEvent('filechooser')
      await page.getByRole('button', { name: 'Open layout' }).click()
      const started = Date.now()
      await (await chooser).setFiles(layoutFile)
      await page.locator(`[data-testid="layout-graph"][data-node-count="${steps}"]`).waitFor()
      await page.locator('.react-flow__node').first().waitFor()
      opens.push(Date.now() - started)

      for (let i = 0; i < 3; i++) {
        adds.push(await timeEdit(page, 'Add step', steps + 1))
        undos.push(await timeEdit(page, 'Undo', steps))
      }
      await page.close()
    }
  } finally {
    await browser.close()
    server.stop()
  }
  const ms = (values) => Math.round(ctx.median(values))
  return {
    title: `Layout editor (${steps} steps × ${RULES} rules, Chromium)`,
    columns: ['measure', 'median', 'all runs'],
    rows: [
      ['open file → laid-out graph (ms)', ms(opens), opens.join(', ')],
      ['Add step → graph + JSON (ms)', ms(adds), adds.map(Math.round).join(', ')],
      ['Undo → graph + JSON (ms)', ms(undos), undos.map(Math.round).join(', ')],
      ['initial JS, gzip (KiB)', gzipKiB.toFixed(1), 'budget 300 KB; monaco and dagre load on demand'],
    ],
    notes: ['Edit latency: from the click until the graph holds the changed node set and the JSON view holds the new revision (same frame).'],
    data: { steps, rules: RULES, opens, adds, undos, initialJsGzipBytes: Math.round(gzipKiB * 1024) },
  }
}
