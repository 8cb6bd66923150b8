/**
 * The link decoding threads themselves (worker.ts): how one is started, how many, and
 * starting them before the rest of the CLI has even loaded. A thread takes ~0.1 s to start (a
 * Node environment, a module graph); the CLI's own start-up keeps one core busy for as long,
 * with the other idle. This module loads nothing but Node built-ins, so main.ts can start the
 * threads first and load the program while they boot.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/** Below this many bytes of links, decoding stays on the calling thread: starting threads costs more. */
export const MIN_PARALLEL_BYTES = 4 * 1024 * 1024

/** Threads a pool uses unless told otherwise: the available parallelism, at most 4. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4))
}

const started: Worker[] = []

/** A thread started early, if one is waiting (the pool takes these before starting its own). */
export function takeStartedThread(): Worker | undefined {
  return started.shift()
}

/**
 * Starts the decoding threads now when `argv` is a `verify` whose link directory holds enough
 * link bytes to use them. Best effort: anything unexpected only means the pool starts its
 * threads later, as it would anyway.
 */
export function startThreadsFor(argv: readonly string[]): void {
  if (argv[0] !== 'verify' || argv.includes('--help') || argv.includes('-h')) return
  try {
    if (linkBytesIn(linkDirectoryOf(argv)) < MIN_PARALLEL_BYTES) return
    for (let count = defaultThreadCount(); count > 0; count--) {
      const thread = spawnDecodeThread()
      // Idle threads must not keep the process alive.
      thread.unref()
      started.push(thread)
    }
  } catch {
    // Left to the pool.
  }
}

/** `--link-dir DIR` or `--link-dir=DIR` (last one wins, as with commander), else `.`. */
function linkDirectoryOf(argv: readonly string[]): string {
  let directory = '.'
  argv.forEach((arg, index) => {
    if (arg === '--link-dir' && argv[index + 1] !== undefined) directory = argv[index + 1] as string
    else if (arg.startsWith('--link-dir=')) directory = arg.slice('--link-dir='.length)
  })
  return directory
}

/** Bytes of the `.link` files directly in `directory`. */
export function linkBytesIn(directory: string): number {
  let total = 0
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.link')) total += statSync(join(directory, entry.name)).size
  }
  return total
}

/**
 * The built CLI ships decode-worker.mjs beside its entry (vite.cli.config.ts); from the
 * TypeScript sources (tsx, vitest) the worker is the .ts file, loaded through tsx.
 */
export function spawnDecodeThread(): Worker {
  const here = import.meta.url
  if (here.endsWith('.ts')) {
    const tsx = import.meta.resolve('tsx/esm/api')
    const entry = new URL('./worker.ts', here).href
    const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}) })`
    return new Worker(bootstrap, { eval: true })
  }
  for (const candidate of ['./decode-worker.mjs', '../decode-worker.mjs']) {
    const file = fileURLToPath(new URL(candidate, here))
    if (existsSync(file)) return new Worker(file)
  }
  throw new Error(`decode-worker.mjs is missing beside ${fileURLToPath(here)}: rebuild the CLI (npm run build:cli)`)
}
