/**
 * The browser pipeline over every reference vector: loose files in memory, inspections
 * emulated. Verdicts must match the reference, except that an inspection the browser cannot
 * emulate makes the verdict `incomplete` — never `pass`.
 */
import { describe, expect, it } from 'vitest'
import { loadVectors } from '../../../test/support/vectors.ts'
import { vectorRequest } from '../../../test/support/vector-request.ts'
import type { InspectionTrace, VerificationReport } from '../verify/report.ts'
import { parseEmulatedCommand } from './emulate.ts'
import { readBundleFiles, verifyBundle, type BundleRequest } from './verify-bundle.ts'
import type { BundleInput } from './assemble.ts'
import { FULL, inTotoLink } from '../../../test/support/in-toto-link.ts'
import type { PackedArtifactMap } from '../links/index.ts'
import { writeTar, writeZip } from '../../../test/support/archives.ts'
import { serializeEnvelope, signDocument } from '../envelope/sign.ts'
import { parseJson } from '../json/parse.ts'
import { exportPublicKeyPem } from '../keys/export.ts'
import { generateKeyPair } from '../keys/generate.ts'
import { computeKeyId } from '../keys/keyid.ts'
import { parseLayout } from '../model/layout.ts'

const vectors = loadVectors()

/** Inspections of the report and of its sublayouts' reports. */
function allInspections(report: VerificationReport): InspectionTrace[] {
  return [...report.inspections, ...report.steps.flatMap((step) => (step.sublayout ? allInspections(step.sublayout) : []))]
}

describe('verifying the reference vectors from dropped files', () => {
  for (const vector of vectors) {
    it(`${vector.name}: ${vector.expected.verdict}`, async () => {
      const { report, analysis } = await verifyBundle(vectorRequest(vector.name))
      expect(analysis.refusals).toEqual([])
      expect(report).toBeDefined()
      const notRun = allInspections(report!).filter((inspection) => inspection.how === 'not-run' && inspection.status === 'not-run')
      if (vector.expected.verdict === 'pass' && notRun.length > 0) {
        expect(report!.verdict).toBe('incomplete')
        expect(notRun.length).toBeGreaterThan(0)
        expect(notRun[0]?.message).toMatch(/a browser cannot run/)
      } else {
        expect({ verdict: report!.verdict, stage: report!.failure?.stage ?? 'none' }, JSON.stringify(report!.failure)).toEqual({
          verdict: vector.expected.verdict,
          stage: vector.expected.stage,
        })
      }
      // Only shell commands stay unrun here; every tar inspection of the vectors is emulated.
      expect(notRun.every((inspection) => inspection.run[0] === 'sh')).toBe(true)
      for (const inspection of allInspections(report!)) if (inspection.status === 'pass') expect(inspection.how).toBe('emulated')
    })
  }

  it('reports an inspection not run (not pass) when the product file is missing', async () => {
    const request = { ...vectorRequest('keys-owner-rsa-func-rsa'), products: [] }
    const { report } = await verifyBundle(request)
    expect(report?.verdict).toBe('incomplete')
    expect(report?.inspections[0]).toMatchObject({ how: 'not-run', status: 'not-run' })
    expect(report?.inspections[0]?.message).toMatch(/^add foo\.tar\.gz to the product files to check it here/)
  })
})

describe('emulated inspection commands', () => {
  it('parses only the commands it reproduces', () => {
    expect(parseEmulatedCommand(['tar', 'xzf', 'a.tgz'])).toEqual({ program: 'tar', file: 'a.tgz', gzip: true })
    expect(parseEmulatedCommand(['tar', '-xf', 'a.tar'])).toEqual({ program: 'tar', file: 'a.tar', gzip: false })
    expect(parseEmulatedCommand(['unzip', '-o', 'a.zip'])).toEqual({ program: 'unzip', file: 'a.zip', overwrite: true })
    expect(parseEmulatedCommand(['false'])).toEqual({ program: 'exit', code: 1 })
    for (const argv of [
      ['tar', 'xzf', 'a', '-C', 'b'],
      ['tar', 'czf', 'a'],
      ['tar', 'xfz', 'a'],
      ['sh', '-c', 'tar xzf a'],
      ['unzip', '-d', 'x', 'a.zip'],
    ]) {
      expect(parseEmulatedCommand(argv), argv.join(' ')).toBeUndefined()
    }
  })
})

describe('reading dropped links once', () => {
  it('reads the artifact maps links share once: their envelopes share the maps', async () => {
    const text = new TextEncoder().encode(inTotoLink({ ...FULL, name: 'build' }))
    const input = (path: string): BundleInput => ({ path, size: text.length, read: async () => text })
    const { classified } = await readBundleFiles([input('build.aaaaaaaa.link'), input('build.bbbbbbbb.link')], [])
    const [first, second] = classified.map((file) => (file.envelope?.content.type === 'link' ? file.envelope.content.link : undefined))
    expect(first?.products.size).toBe(500)
    expect(second?.products).not.toBe(first?.products)
    expect((second?.products as PackedArtifactMap).packed).toBe((first?.products as PackedArtifactMap).packed)
    expect((second?.materials as PackedArtifactMap).packed).toBe((first?.materials as PackedArtifactMap).packed)
  })
})

describe('hostile input through the browser bundle path (one row per class; the tables are in test/hostile)', () => {
  const encoder = new TextEncoder()
  const owner = generateKeyPair('ed25519')
  const expires = '2099-01-01T00:00:00Z'
  async function request(document: Record<string, unknown>, extra: Partial<BundleRequest> = {}): Promise<BundleRequest> {
    const key = await owner
    const layout = parseLayout(parseJson(JSON.stringify({ _type: 'layout', expires, readme: '', keys: {}, steps: [], inspect: [], ...document })))
    const signed = serializeEnvelope(await signDocument({ type: 'layout', layout }, [key]))
    return {
      layout: { path: 'root.layout', bytes: encoder.encode(signed) },
      ownerKeys: [{ path: 'owner.pub', bytes: encoder.encode(exportPublicKeyPem(key.publicKey)) }],
      links: [],
      products: [],
      ...extra,
    }
  }
  const file = (path: string, bytes: Uint8Array): BundleInput => ({ path, size: bytes.length, read: async () => bytes })

  it('a layout whose signatures are null: stage format, never "unsigned"', async () => {
    const base = await request({})
    const json = JSON.parse(new TextDecoder().decode(base.layout?.bytes)) as Record<string, unknown>
    const { report } = await verifyBundle({ ...base, layout: { path: 'root.layout', bytes: encoder.encode(JSON.stringify({ ...json, signatures: null })) } })
    expect(report?.failure?.stage).toBe('format')
    expect(report?.failure?.message).toMatch(/signatures: must be a list, found null/)
  })

  it('an archive trick as an inspection input: not run with the reason, incomplete', async () => {
    const zip = writeZip([
      { name: 'a.txt', data: 'first' },
      { name: 'a.txt', data: 'second' },
    ])
    const inspect = [{ _type: 'inspection', name: 'unpack', run: ['unzip', 'dup.zip'], expected_materials: [], expected_products: [['ALLOW', '*']] }]
    const { report } = await verifyBundle(await request({ inspect }, { products: [file('dup.zip', zip)] }))
    expect(report?.verdict).toBe('incomplete')
    expect(report?.inspections[0]?.message).toMatch(/two members have this name/)
  })

  it('a links archive whose members extract to one path, or whose member name is not UTF-8: refused, naming it', async () => {
    const files = await readBundleFiles(
      [
        file(
          'dup.tar',
          writeTar([
            { name: 'a.link', data: '{}' },
            { name: 'a.link', data: '{}' },
          ]),
        ),
        file('name.tar', writeTar([{ name: Uint8Array.of(0x61, 0xff) }])),
      ],
      [],
    )
    expect(files.links.refusals.map((refusal) => [refusal.file, refusal.code])).toEqual([
      ['dup.tar', 'unsupported'],
      ['name.tar', 'unsupported'],
    ])
  })

  it('a substitution expanding to 169 MB: stage parameters, nothing built', async () => {
    const inspect = [{ _type: 'inspection', name: 'i', run: ['true'], expected_materials: [['ALLOW', '{x:>169000000}']], expected_products: [] }]
    const { report } = await verifyBundle(await request({ inspect }, { parameters: new Map([['x', 'y']]) }))
    expect(report?.failure?.stage).toBe('parameters')
    expect(report?.failure?.path).toBe('inspect[0].expected_materials[0][1]')
  })

  it('a weak functionary key: the verdict unchanged, the report names it', async () => {
    const keyid = computeKeyId('ed25519', 'ed25519', `01${'00'.repeat(31)}`)
    const keys = { [keyid]: { keyid, keytype: 'ed25519', scheme: 'ed25519', keyval: { public: `01${'00'.repeat(31)}` }, keyid_hash_algorithms: ['sha256', 'sha512'] } }
    const { report } = await verifyBundle(await request({ keys }))
    expect(report?.verdict).toBe('pass')
    expect(report?.warnings.find((warning) => warning.kind === 'weak-key')?.message).toMatch(/small-order point/)
  })
})
