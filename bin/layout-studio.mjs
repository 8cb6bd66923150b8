#!/usr/bin/env node
// Entry of the `layout-studio` command. Runs the built CLI (dist-cli, made by `npm install`
// through the `prepare` script and by `npm run build`); falls back to the TypeScript source
// through tsx when the build is missing, so a checkout works before its first build.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const built = fileURLToPath(new URL('../dist-cli/layout-studio.mjs', import.meta.url))
if (existsSync(built)) {
  await import(pathToFileURL(built).href)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
