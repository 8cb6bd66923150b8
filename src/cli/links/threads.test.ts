/**
 * Decoding threads started before the CLI loads: only for `verify` with enough link bytes in
 * its link directory (either spelling of `--link-dir`), and handed to the pool that asks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Worker } from 'node:worker_threads'
import { defaultThreadCount, linkBytesIn, MIN_PARALLEL_BYTES, startThreadsFor, takeStartedThread } from './threads.ts'

const root = mkdtempSync(join(tmpdir(), 'decode-threads-'))
const big = join(root, 'big')
const small = join(root, 'small')
for (const [dir, size] of [
  [big, MIN_PARALLEL_BYTES],
  [small, 1000],
] as const) {
  mkdirSync(dir)
  writeFileSync(join(dir, 'build.aaaaaaaa.link'), Buffer.alloc(size, 0x20))
  writeFileSync(join(dir, 'notes.txt'), Buffer.alloc(size, 0x20))
}
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Every thread started so far, taken (and stopped). */
async function takeAll(): Promise<number> {
  const threads: Worker[] = []
  for (let thread = takeStartedThread(); thread !== undefined; thread = takeStartedThread()) threads.push(thread)
  await Promise.all(threads.map((thread) => thread.terminate()))
  return threads.length
}

describe('startThreadsFor', () => {
  it('counts only .link files', () => {
    expect(linkBytesIn(big)).toBe(MIN_PARALLEL_BYTES)
    expect(linkBytesIn(small)).toBe(1000)
  })

  it("starts the pool's threads for a verify of a big link directory", async () => {
    startThreadsFor(['verify', '--layout', 'x.layout', '--link-dir', big])
    expect(await takeAll()).toBe(defaultThreadCount())
    startThreadsFor(['verify', `--link-dir=${big}`])
    expect(await takeAll()).toBe(defaultThreadCount())
  })

  it('starts none for small directories, other commands, help or a missing directory', async () => {
    startThreadsFor(['verify', '--link-dir', small])
    startThreadsFor(['sign', '--link-dir', big])
    startThreadsFor(['verify', '--link-dir', big, '--help'])
    startThreadsFor(['verify', '--link-dir', join(root, 'missing')])
    // The current directory (the repository) holds no link files.
    startThreadsFor(['verify'])
    expect(await takeAll()).toBe(0)
  })
})
