/**
 * What the browser suites share: a production build of the app in the suite's work directory
 * (always rebuilt, so a suite never measures a stale dist/), `vite preview` serving it on a
 * port of its own, and Chromium through @playwright/test.
 */
import { execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import { chromium } from '@playwright/test'

/** Builds the app of checkout `root` (default: this one) into `ctx.workDir/NAME` and returns that directory. */
export function buildApp(ctx, { root = ctx.root, name = 'dist' } = {}) {
  const dist = join(ctx.workDir, name)
  ctx.log(`building the app${root === ctx.root ? '' : ` of ${root}`}`)
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  return dist
}

/**
 * Serves `dist` with `vite preview` (the production headers, CSP included) on a random port in
 * `base … base+99`, and resolves to `{ url, stop() }` once it answers.
 */
export async function startPreview(root, dist, base = 4800) {
  const port = base + Math.floor(Math.random() * 100)
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', dist], { cwd: root, stdio: 'ignore', detached: true })
  // The process group: npx starts vite as a child.
  const stop = () => {
    try {
      process.kill(-server.pid)
    } catch {
      // already gone
    }
  }
  const url = `http://127.0.0.1:${port}/`
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return { url, stop }
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  stop()
  throw new Error('vite preview did not start')
}

/** Chromium as the e2e tests run it ($CHROMIUM_PATH or /usr/bin/chromium; Playwright cannot download browsers here). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}
