#!/usr/bin/env node
/** Entry point of the `layout-studio` command (see program.ts). */
import { main } from './program.ts'

// A reader that stops early (`layout-studio verify … | head`) closes the pipe: not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

process.exitCode = await main(process.argv.slice(2))
