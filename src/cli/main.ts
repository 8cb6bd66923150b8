#!/usr/bin/env node
/** Entry point of the `layout-studio` command (see program.ts). */
import { startThreadsFor } from './links/threads.ts'

// A reader that stops early (`layout-studio verify … | head`) closes the pipe: not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

const argv = process.argv.slice(2)
// Link decoding threads boot while the program below loads (links/threads.ts).
startThreadsFor(argv)
const { main } = await import('./program.ts')
process.exitCode = await main(argv)
