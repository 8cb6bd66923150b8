import { describe, expect, it } from 'vitest'
import type { HashProgress, LinkChoice, MatchOutcome } from '../hashing/protocol.ts'
import { createMatchStore, lines, type MatchDeps } from './match-store.ts'

const file = (path: string) => ({ path, file: new File([path], path) as File })
const outcome: MatchOutcome = { linkName: 'package', onlyInProducts: [], notInProducts: ['x'], differ: [], matching: 1, recorded: 2 }

function fakeDeps() {
  const calls: { link: LinkChoice; settings: unknown; files: string[] }[] = []
  let finish: ((value: MatchOutcome) => void) | undefined
  let progress: ((p: HashProgress) => void) | undefined
  let clock = 0
  const deps: MatchDeps = {
    matchProducts: (files, link, settings, options) => {
      calls.push({ link, settings, files: files.map((f) => f.path) })
      progress = options.onProgress
      return new Promise((resolve, reject) => {
        finish = resolve
        options.signal.addEventListener('abort', () => reject(options.signal.reason))
      })
    },
    verifiedProducts: async (step) => [[`${step}.tar.gz`, [['sha256', 'ab']]]],
    now: () => (clock += 500),
  }
  return { deps, calls, finish: (value: MatchOutcome) => finish?.(value), progress: (p: HashProgress) => progress?.(p) }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('match store', () => {
  it('says what is missing before checking', () => {
    const store = createMatchStore(fakeDeps().deps)
    store.getState().check()
    expect(store.getState().run).toEqual({ status: 'failed', message: 'Add the files to check first (files or a folder).' })
    store.getState().addFiles([file('a')])
    store.getState().check()
    expect(store.getState().run).toEqual({ status: 'failed', message: 'Choose the link to check the files against.' })
  })

  it('checks against a link file with the options, shows progress, then the outcome with its speed', async () => {
    const fake = fakeDeps()
    const store = createMatchStore(fake.deps)
    store.getState().addFiles([file('dist/a'), file('dist/b')])
    store.getState().setLinkFile(file('package.link'))
    store.getState().setOption('excludePatterns', '*.sig\n\n  spaced \n')
    store.getState().setOption('lstripPaths', 'dist/')
    store.getState().check()
    await flush()
    expect(fake.calls[0]).toMatchObject({ files: ['dist/a', 'dist/b'], settings: { paths: [], excludePatterns: ['*.sig', '  spaced '], lstripPaths: ['dist/'] } })
    expect(fake.calls[0]?.link).toMatchObject({ kind: 'file', file: { path: 'package.link' } })
    fake.progress({ bytesDone: 10, bytesTotal: 20, filesDone: 1, filesTotal: 2 })
    expect(store.getState().run).toMatchObject({ status: 'running', progress: { bytesDone: 10 } })
    fake.progress({ bytesDone: 20, bytesTotal: 20, filesDone: 2, filesTotal: 2 })
    fake.finish(outcome)
    await flush()
    expect(store.getState().run).toEqual({ status: 'done', outcome, against: 'package.link', bytes: 20, elapsedMs: 500 })
    // Changed inputs: the result no longer describes them.
    store.getState().removeFile('dist/b')
    expect(store.getState().run).toEqual({ status: 'idle' })
  })

  it('offers the verified step unless a link file was chosen, and checks against its products', async () => {
    const fake = fakeDeps()
    const store = createMatchStore(fake.deps)
    store.getState().offerStep('package')
    expect(store.getState()).toMatchObject({ step: 'package', source: 'verified' })
    store.getState().addFiles([file('package.tar.gz')])
    store.getState().check()
    await flush()
    expect(fake.calls[0]?.link).toEqual({ kind: 'products', name: 'package', products: [['package.tar.gz', [['sha256', 'ab']]]] })
    const other = createMatchStore(fakeDeps().deps)
    other.getState().setLinkFile(file('x.link'))
    other.getState().offerStep('package')
    expect(other.getState()).toMatchObject({ step: 'package', source: 'file' })
  })

  it('cancels a running check', async () => {
    const fake = fakeDeps()
    const store = createMatchStore(fake.deps)
    store.getState().addFiles([file('a')])
    store.getState().setLinkFile(file('l.link'))
    store.getState().check()
    await flush()
    store.getState().cancel()
    await flush()
    expect(store.getState().run).toEqual({ status: 'cancelled' })
  })

  it('reads options one per non-empty line', () => {
    expect(lines('a\r\n\n b \n   \nc')).toEqual(['a', ' b ', 'c'])
  })
})
