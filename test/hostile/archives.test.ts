/**
 * Archive tricks (archive-tricks.ts) as an inspection's input, through the browser's bundle
 * path (src/core/bundle): the emulated `unzip` / `tar x` must be at least as strict as the real
 * tool, so each is reported as not run with its reason and the verdict is `incomplete`, never
 * `pass`. Where the tools are installed, what Info-ZIP unzip and GNU tar do with the same
 * bytes is checked too: the reason the emulation may not guess. The same tricks in a bundle of
 * links are refused, naming the archive and the member.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { EmulatedInspectionRunner } from '../../src/core/bundle/emulate.ts'
import { readBundleFiles, verifyBundle } from '../../src/core/bundle/verify-bundle.ts'
import { serializeEnvelope, signDocument } from '../../src/core/envelope/sign.ts'
import { parseJson } from '../../src/core/json/parse.ts'
import { exportPublicKeyPem } from '../../src/core/keys/export.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { createInspection, parseLayout } from '../../src/core/model/layout.ts'
import { ARCHIVE_TRICKS, trickLayoutDocument, type ArchiveTrick } from './archive-tricks.ts'

const encoder = new TextEncoder()
let owner: PrivateKey

beforeAll(async () => {
  owner = await generateKeyPair('ed25519')
})

function installed(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== null && spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
}

async function signedLayout(trick: ArchiveTrick): Promise<Uint8Array> {
  const layout = parseLayout(parseJson(JSON.stringify(trickLayoutDocument(trick))))
  return encoder.encode(serializeEnvelope(await signDocument({ type: 'layout', layout }, [owner])))
}

describe.each(ARCHIVE_TRICKS)('$name', (trick) => {
  it('the emulated inspection is not run, saying why', async () => {
    const runner = new EmulatedInspectionRunner(new Map([[trick.file, trick.bytes]]))
    const result = await runner.run(createInspection('unpack', { run: [...trick.run] }))
    expect(result.status, JSON.stringify(result)).toBe('not-run')
    if (result.status === 'not-run') expect(result.reason).toMatch(trick.reason)
  })

  it('verifying the dropped files in the browser: incomplete, the inspection not run with the reason', async () => {
    const { report } = await verifyBundle({
      layout: { path: 'root.layout', bytes: await signedLayout(trick) },
      ownerKeys: [{ path: 'owner.pub', bytes: encoder.encode(exportPublicKeyPem(owner.publicKey)) }],
      links: [],
      products: [{ path: trick.file, size: trick.bytes.length, read: async () => trick.bytes }],
    })
    expect(report?.verdict).toBe('incomplete')
    expect(report?.failure).toBeUndefined()
    const inspection = report?.inspections[0]
    expect(inspection).toMatchObject({ name: 'unpack', how: 'not-run', status: 'not-run' })
    expect(inspection?.message).toMatch(trick.reason)
    expect(report?.warnings.some((warning) => warning.kind === 'inspection-not-run' && trick.reason.test(warning.message))).toBe(true)
  })

  const tool = trick.run[0] as string
  it.runIf(trick.real !== undefined && installed(tool))(`what ${tool} itself does with it`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hostile-archive-'))
    try {
      writeFileSync(join(dir, trick.file), trick.bytes)
      const result = spawnSync(tool, trick.run.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      const files = readdirSync(dir, { encoding: 'buffer' })
        .map((name) => name.toString('utf8'))
        .sort()
      expect({ exit: result.status, files }).toEqual(trick.real)
    } finally {
      execFileSync('rm', ['-rf', dir])
    }
  })
})

describe('the same tricks in a bundle of link files', () => {
  it.each(ARCHIVE_TRICKS.filter((trick) => !trick.file.endsWith('.xz')))('$name: the archive is refused, naming it', async (trick) => {
    const files = await readBundleFiles([{ path: trick.file, size: trick.bytes.length, read: async () => trick.bytes }], [])
    // Links archives leave out links and devices with a note; everything ambiguous is refused.
    const refused = files.links.refusals.find((refusal) => refusal.file === trick.file)
    const noted = files.links.notes.find((note) => note.includes(trick.file))
    expect(refused ?? noted, JSON.stringify(files.links)).toBeDefined()
    if (refused) expect(refused.message).toMatch(trick.reason)
  })
})

describe('the reader still reads what real tools write', () => {
  it.runIf(installed('zip') && installed('unzip'))(
    'a zip written by Info-ZIP zip (deflate, directories): emulated as unzip extracts it; one streamed from a pipe (Zip64 records) is not run',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hostile-zip-'))
      try {
        execFileSync(
          'sh',
          ['-c', 'mkdir -p src/sub && printf "hello %.0s" $(seq 200) > src/a.txt && echo b > src/sub/b.txt && zip -qr plain.zip src && printf piped | zip -q piped.zip -'],
          { cwd: dir },
        )
        for (const archive of ['plain.zip', 'piped.zip']) {
          const bytes = new Uint8Array(execFileSync('cat', [join(dir, archive)]))
          const runner = new EmulatedInspectionRunner(new Map([[archive, bytes]]))
          const result = await runner.run(createInspection('unpack', { run: ['unzip', archive] }))
          if (archive === 'piped.zip') {
            expect(result).toMatchObject({ status: 'not-run', reason: expect.stringMatching(/it is a Zip64 archive, which is not read here/) })
            continue
          }
          expect(result.status, `${archive}: ${JSON.stringify(result)}`).toBe('ran')
          if (result.status !== 'ran') continue
          expect(result.link.byproducts.get('return-value')).toBe(0n)
          expect([...result.link.products.keys()].sort()).toEqual(['plain.zip', 'src/a.txt', 'src/sub/b.txt'])
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
