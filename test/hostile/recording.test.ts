/**
 * Working directories holding what a link cannot represent, recorded by `run`, `record start`
 * and the verifier's inspection runner. Recording never leaves anything out silently: each
 * entry is refused, naming it, unless it is excluded (core `recordArtifacts`, CLI
 * `DiskRecordingFs`). The reference (in-toto 1.3.1) is run on the same trees where installed:
 * where it fails too, both fail; where it skips the entry without a word, the difference is
 * ours by design (docs/compatibility.md).
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, reference, referenceAvailable, tempWorkdir, type CliResult } from '../support/cli.ts'
import { exportPrivateKeyPkcs8Pem, exportPrivateKeySslibJson } from '../../src/core/keys/export.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { loadVectors } from '../support/vectors.ts'
import { copyOf, expectNoCrash, jsonReport, mkfifo, unixSocket, verifyCli } from './helpers.ts'
import { asUnprivileged, canDropPrivileges } from './unprivileged.ts'

interface Row {
  readonly name: string
  /** Creates the entry in `dir` (which already holds `ok.txt`); returns what undoes it. */
  make(dir: string): Promise<(() => Promise<void>) | undefined> | void
  /** The entry as the message names it. */
  readonly entry: string
  readonly message: RegExp
  /** The inspection's `errorType`. */
  readonly errorType: string
  /** in-toto 1.3.1 on the same tree. */
  readonly reference: 'fails' | 'skips' | 'loses one' | 'repeats'
  /** Permissions: only meaningful for a user who is not root. */
  readonly unprivileged?: boolean
}

const bytes = (text: string) => Buffer.from(text, 'latin1')

const rows: Row[] = [
  {
    name: 'a file name that is not UTF-8',
    make: (dir) => writeFileSync(Buffer.concat([bytes(`${dir}/bad`), Buffer.of(0xff), bytes('.txt')]), 'x'),
    entry: 'bad\\xff.txt',
    message: /its name is not valid UTF-8/,
    errorType: 'UnicodeEncodeError',
    reference: 'fails',
  },
  {
    name: 'a directory name that is not UTF-8, holding a file',
    make: (dir) => {
      const sub = Buffer.concat([bytes(`${dir}/d`), Buffer.of(0xfe, 0x80)])
      mkdirSync(sub)
      writeFileSync(Buffer.concat([sub, bytes('/f')]), 'x')
    },
    entry: 'd\\xfe\\x80/f',
    message: /its name is not valid UTF-8/,
    errorType: 'UnicodeEncodeError',
    reference: 'fails',
  },
  {
    name: 'a FIFO',
    make: (dir) => mkfifo(join(dir, 'pipe')),
    entry: 'pipe',
    message: /it is a FIFO \(named pipe\), which a link cannot record/,
    errorType: 'OSError',
    reference: 'skips',
  },
  {
    name: 'a socket',
    make: async (dir) => {
      const socket = await unixSocket(join(dir, 'sock'))
      return () => socket.close()
    },
    entry: 'sock',
    message: /it is a socket, which a link cannot record/,
    errorType: 'OSError',
    reference: 'skips',
  },
  {
    name: 'a broken symbolic link',
    make: (dir) => symlinkSync('nowhere', join(dir, 'dangling')),
    entry: 'dangling',
    message: /a broken symbolic link/,
    errorType: 'OSError',
    reference: 'skips',
  },
  {
    name: 'a symbolic link to itself',
    make: (dir) => symlinkSync('self', join(dir, 'self')),
    entry: 'self',
    message: /a symbolic link that leads back to itself/,
    errorType: 'OSError',
    reference: 'skips',
  },
  {
    name: 'a symbolic link loop through directories',
    make: (dir) => {
      mkdirSync(join(dir, 'd'))
      writeFileSync(join(dir, 'd', 'f'), 'x')
      symlinkSync('..', join(dir, 'd', 'up'))
    },
    entry: 'd/up',
    message: /a symbolic link to a directory that contains it \(a loop\)/,
    errorType: 'RecursionError',
    reference: 'repeats',
  },
  {
    name: "a file whose backslash makes its path another file's",
    make: (dir) => {
      mkdirSync(join(dir, 'a'))
      writeFileSync(join(dir, 'a', 'b'), 'one')
      writeFileSync(join(dir, 'a\\b'), 'two')
    },
    entry: 'a/b',
    message: /is recorded as 'a\/b', as 'a\\b' is: one of the two would be left out/,
    errorType: 'KeyError',
    reference: 'loses one',
  },
  {
    name: 'a file that may not be read',
    make: (dir) => {
      writeFileSync(join(dir, 'secret'), 'x')
      chmodSync(join(dir, 'secret'), 0o000)
    },
    entry: 'secret',
    message: /the file cannot be read: permission denied \(EACCES\)/,
    errorType: 'StorageError',
    reference: 'fails',
    unprivileged: true,
  },
  {
    name: 'a directory that may not be listed',
    make: (dir) => {
      mkdirSync(join(dir, 'closed'))
      writeFileSync(join(dir, 'closed', 'x'), 'x')
      chmodSync(join(dir, 'closed'), 0o000)
    },
    entry: 'closed',
    message: /the directory cannot be listed: permission denied \(EACCES\); nothing under it can be recorded/,
    errorType: 'PermissionError',
    reference: 'skips',
    unprivileged: true,
  },
  {
    name: 'a directory that may be listed but not entered',
    make: (dir) => {
      mkdirSync(join(dir, 'noexec'))
      writeFileSync(join(dir, 'noexec', 'y'), 'y')
      chmodSync(join(dir, 'noexec'), 0o644)
    },
    entry: 'noexec/y',
    message: /permission denied \(EACCES\)/,
    errorType: 'StorageError',
    reference: 'skips',
    unprivileged: true,
  },
]

const root = process.cwd()
let alice: PrivateKey
let keys: { pem: string; json: string; dir: string; dispose: () => void }
let haveReference = false

beforeAll(async () => {
  alice = await generateKeyPair('ed25519')
  const work = tempWorkdir('hostile-keys')
  process.chdir(work.dir)
  chmodSync(work.dir, 0o755)
  writeFileSync(join(work.dir, 'alice'), await exportPrivateKeyPkcs8Pem(alice))
  writeFileSync(join(work.dir, 'alice.json'), await exportPrivateKeySslibJson(alice))
  for (const file of ['alice', 'alice.json']) chmodSync(join(work.dir, file), 0o644)
  keys = { pem: join(work.dir, 'alice'), json: join(work.dir, 'alice.json'), dir: work.dir, dispose: work.dispose }
  haveReference = await referenceAvailable()
})
afterAll(() => keys.dispose())

/** A fresh directory holding `ok.txt` and the row's entry, readable by an unprivileged user. */
async function treeWith(row: Row): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = join(keys.dir, `tree-${Math.random().toString(36).slice(2)}`)
  mkdirSync(dir)
  chmodSync(dir, 0o777)
  writeFileSync(join(dir, 'ok.txt'), 'ok')
  const undo = await row.make(dir)
  return {
    dir,
    dispose: async () => {
      await undo?.()
      execFileSync('chmod', ['-R', 'u+rwx', dir])
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** `layout-studio ARGS` in `dir`: in this process, or as an unprivileged user for permission rows. */
async function ours(row: Row, dir: string, args: readonly string[]): Promise<CliResult> {
  // The sources through tsx (as the decoding threads do), not a build that may be stale.
  if (row.unprivileged) return asUnprivileged([process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts'), ...args], dir)
  const previous = process.cwd()
  process.chdir(dir)
  try {
    return await cli(...args)
  } finally {
    process.chdir(previous)
  }
}

const usable = (row: Row) => !row.unprivileged || canDropPrivileges()

describe.each(rows)('recording $name', (row) => {
  it.runIf(usable(row))('run and record start refuse it, naming the entry, and write no link', async () => {
    for (const args of [
      ['run', '-n', 'step', '-k', keys.pem, '-p', '.', '-x'],
      ['record', 'start', '-n', 'step', '-k', keys.pem, '-m', '.'],
    ]) {
      const tree = await treeWith(row)
      try {
        process.chdir(root)
        const result = await ours(row, tree.dir, args)
        expectNoCrash(result)
        expect(result.code, `${args[0]}: ${result.stderr}`).toBe(1)
        expect(result.stderr).toContain(`cannot record '${row.entry}'`)
        expect(result.stderr).toMatch(row.message)
        expect(readdirSync(tree.dir).filter((name) => name.includes('.link'))).toEqual([])
      } finally {
        await tree.dispose()
      }
    }
  })

  it.runIf(usable(row))('the inspection runner refuses it: verification fails at stage inspection, naming the entry', async () => {
    const vector = loadVectors().find((v) => v.name === 'misc-inspection-only-layout')
    if (!vector) throw new Error('vector misc-inspection-only-layout is missing')
    const bundle = copyOf(vector)
    // Readable by the unprivileged user, before the row takes permissions away.
    execFileSync('chmod', ['-R', 'a+rX', bundle.root])
    chmodSync(bundle.work, 0o777)
    const undo = await row.make(bundle.work)
    try {
      let result: CliResult
      if (row.unprivileged) {
        const args = ['verify', '--layout', join(bundle.root, 'layout', 'root.layout'), '--layout-keys', join(bundle.root, 'keys', 'owner.pub'), '--key-types', 'ed25519']
        result = await ours(row, bundle.work, [...args, '--link-dir', bundle.linksDir, '--format', 'json'])
      } else result = await verifyCli(vector, bundle, {}, '--format', 'json')
      expectNoCrash(result)
      expect(result.code).toBe(1)
      const report = jsonReport(result)
      expect(report.failure?.stage).toBe('inspection')
      expect(report.failure?.errorType).toBe(row.errorType)
      expect(report.failure?.inspection).toBe('check')
      expect(report.failure?.message).toContain(`cannot record '${row.entry}'`)
      expect(report.failure?.message).toMatch(row.message)
    } finally {
      await undo?.()
      execFileSync('chmod', ['-R', 'u+rwx', bundle.root])
      bundle.dispose()
    }
  })

  it.runIf(usable(row))(`in-toto-run on the same tree ${row.reference === 'fails' ? 'fails too' : `${row.reference} (the difference is ours)`}`, async () => {
    if (!haveReference) return
    const tree = await treeWith(row)
    try {
      const args = ['in-toto-run', '-n', 'step', '-k', keys.json, '-t', 'ed25519', '-p', '.', '-x']
      const result = row.unprivileged ? await asUnprivileged(args, tree.dir) : await reference(args[0] as string, args.slice(1), tree.dir)
      const link = readdirSync(tree.dir).find((name) => name.endsWith('.link'))
      if (row.reference === 'fails') {
        expect(result.code).toBe(1)
        expect(link).toBeUndefined()
        return
      }
      expect(result.code, result.stderr).toBe(0)
      const products = Object.keys((JSON.parse(readFileSync(join(tree.dir, link as string), 'utf8')) as { signed: { products: object } }).signed.products)
      if (row.reference === 'skips') expect(products).toEqual(['ok.txt'])
      if (row.reference === 'loses one') expect(products.sort()).toEqual(['a/b', 'ok.txt'])
      if (row.reference === 'repeats') expect(products.length).toBeGreaterThan(10)
    } finally {
      await tree.dispose()
    }
  })
})

describe('what is excluded is not refused (as in in-toto, exclusion comes first)', () => {
  it('a non-UTF-8 name matching an exclude pattern, a FIFO under .git: recorded without them', async () => {
    const tree = await treeWith({ ...(rows[0] as Row), make: () => undefined })
    try {
      writeFileSync(Buffer.concat([bytes(`${tree.dir}/cache`), Buffer.of(0xff), bytes('.pyc')]), 'x')
      mkdirSync(join(tree.dir, '.git'))
      mkfifo(join(tree.dir, '.git', 'pipe'))
      mkfifo(join(tree.dir, 'skip.fifo'))
      process.chdir(root)
      const result = await ours(rows[0] as Row, tree.dir, ['run', '-n', 'step', '-k', keys.pem, '-p', '.', '-x', '--exclude', '*.pyc', '.git', '*.fifo'])
      expect(result.code, result.stderr).toBe(0)
      const link = readdirSync(tree.dir).find((name) => name.endsWith('.link')) as string
      expect(Object.keys((JSON.parse(readFileSync(join(tree.dir, link), 'utf8')) as { signed: { products: object } }).signed.products)).toEqual(['ok.txt'])
    } finally {
      await tree.dispose()
    }
  })

  it('a path named on the command line that does not exist is skipped, as in in-toto', async () => {
    const tree = await treeWith({ ...(rows[0] as Row), make: () => undefined })
    try {
      process.chdir(root)
      const result = await ours(rows[0] as Row, tree.dir, ['run', '-n', 'step', '-k', keys.pem, '-p', 'ok.txt', 'not-there', '-x'])
      expect(result.code, result.stderr).toBe(0)
      expect(existsSync(join(tree.dir, `step.${alice.publicKey.keyid.slice(0, 8)}.link`))).toBe(true)
    } finally {
      await tree.dispose()
    }
  })
})
