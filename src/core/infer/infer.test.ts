import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { readEnvelope } from '../envelope/read.ts'
import { createEnvelope, serializeEnvelope, signDocument } from '../envelope/sign.ts'
import { utf8 } from '../encoding/utf8.ts'
import { keyidOf } from '../keys/keyid-generations.ts'
import { memoryLinks } from '../links/index.ts'
import { verifySupplyChain } from '../verify/verify.ts'
import { generateKeyPair } from '../keys/generate.ts'
import { importPublicKey } from '../keys/import.ts'
import type { PrivateKey } from '../keys/types.ts'
import { emptyLayout } from '../model/layout.ts'
import { artifactMap, createLink } from '../model/link.ts'
import type { Layout, Link } from '../model/types.ts'
import { formatRule } from '../rules/parse.ts'
import { inferLayout } from './infer.ts'
import type { LinkEvidence } from './types.ts'

const DEMO = join(import.meta.dirname, '../../../test/fixtures/upstream/demo_files')
const demoLink = (file: string) => ({ file, envelope: readEnvelope(readFileSync(join(DEMO, file)), file) })
const demoKey = (name: string) => ({ publicKey: importPublicKey(readFileSync(join(DEMO, `${name}.pub`), 'utf8')), name })

describe('inferLayout on the upstream demo links', () => {
  it('proposes write-code then package, with the untar inspection', async () => {
    const inference = await inferLayout({
      links: [demoLink('package.2f89b927.link'), demoLink('write-code.776a00e2.link')],
      keys: [demoKey('alice'), demoKey('bob'), demoKey('carl')],
      expires: '2030-01-01T00:00:00Z',
    })
    const { layout } = inference
    expect(layout.steps.map((s) => s.name)).toEqual(['write-code', 'package'])
    expect(layout.steps[0]?.expectedMaterials).toEqual([['DISALLOW', '*']])
    expect(layout.steps[0]?.expectedProducts).toEqual([
      ['CREATE', 'foo.py'],
      ['DISALLOW', '*'],
    ])
    expect(layout.steps[1]?.expectedMaterials).toEqual([
      ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write-code'],
      ['DISALLOW', '*'],
    ])
    expect(layout.steps[1]?.expectedProducts).toEqual([
      ['CREATE', 'foo.tar.gz'],
      ['DISALLOW', '*'],
    ])
    expect(layout.steps[1]?.expectedCommand).toEqual(['tar', 'zcvf', 'foo.tar.gz', 'foo.py'])
    expect(layout.inspect.map((i) => [i.name, i.run])).toEqual([['untar', ['tar', 'xzf', 'foo.tar.gz']]])
    expect(layout.inspect[0]?.expectedProducts).toContainEqual(['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write-code'])
    expect([...layout.keys.keys()].map((k) => k.slice(0, 8)).sort()).toEqual(['2f89b927', '776a00e2'])
    expect(inference.signers.map((s) => s.status)).toEqual(['verified', 'verified'])
    expect(inference.notes.map((n) => n.message)).toEqual(['the key alice signed none of the links; it is not added'])
  })
})

describe('inferLayout on hand-made chains', () => {
  let alice: PrivateKey
  let bob: PrivateKey
  beforeAll(async () => {
    alice = await generateKeyPair('ed25519')
    bob = await generateKeyPair('ed25519')
  })
  const h = (n: number) => ({ sha256: n.toString(16).padStart(64, '0') })
  const link = (name: string, materials: Record<string, { sha256: string }>, products: Record<string, { sha256: string }>, command: string[] = []) =>
    createLink(name, { command, materials: artifactMap(materials), products: artifactMap(products) })
  const signed = async (l: Link, signers: PrivateKey[], format: 'metablock' | 'dsse' = 'metablock') => {
    const envelope = await signDocument({ type: 'link', link: l }, signers, format)
    const keyid = signers[0]?.publicKey.keyid
    return { file: keyid ? `${String(l.name)}.${keyid.slice(0, 8)}.link` : `${String(l.name)}.link`, envelope }
  }
  const known = () => [
    { publicKey: alice.publicKey, name: 'alice' },
    { publicKey: bob.publicKey, name: 'bob' },
  ]
  const infer = async (links: LinkEvidence[], keys = known()) => inferLayout({ links, keys, expires: '2030-01-01T00:00:00Z' })
  const rulesOf = (layout: Layout, name: string) => {
    const step = layout.steps.find((s) => s.name === name)
    return { materials: step?.expectedMaterials.map(formatRule), products: step?.expectedProducts.map(formatRule) }
  }

  it('orders by artifact flow, generalizes a directory that moves whole, and names the evidence', async () => {
    const clone = link('clone', {}, { 'src/a.py': h(1), 'src/b.py': h(2), 'src/lib/c.py': h(3), README: h(4) }, ['git', 'clone', 'repo'])
    const build = link(
      'build',
      { 'src/a.py': h(1), 'src/b.py': h(2), 'src/lib/c.py': h(3), README: h(4) },
      { 'src/a.py': h(1), 'src/b.py': h(2), 'src/lib/c.py': h(3), README: h(4), 'out/app': h(5) },
    )
    const test = link('test', { 'out/app': h(5), README: h(4) }, { 'out/app': h(5), README: h(4), 'report.xml': h(6) })
    const { layout, items, notes } = await infer([await signed(test, [bob]), await signed(build, [alice]), await signed(clone, [alice])])
    expect(notes).toEqual([])
    expect(layout.steps.map((s) => s.name)).toEqual(['clone', 'build', 'test'])
    expect(rulesOf(layout, 'clone')).toEqual({ materials: ['DISALLOW *'], products: ['CREATE src/*', 'CREATE README', 'DISALLOW *'] })
    expect(rulesOf(layout, 'build')).toEqual({
      materials: ['MATCH * IN src WITH PRODUCTS IN src FROM clone', 'MATCH README WITH PRODUCTS FROM clone', 'DISALLOW *'],
      products: ['CREATE out/app', 'ALLOW src/*', 'ALLOW README', 'DISALLOW *'],
    })
    expect(rulesOf(layout, 'test')).toEqual({
      materials: ['MATCH out/app WITH PRODUCTS FROM build', 'MATCH README WITH PRODUCTS FROM build', 'DISALLOW *'],
      products: ['CREATE report.xml', 'ALLOW out/app', 'ALLOW README', 'DISALLOW *'],
    })
    expect(layout.steps[0]?.expectedCommand).toEqual(['git', 'clone', 'repo'])
    expect(layout.inspect).toEqual([])
    const match = items.find((i) => i.name === 'build')?.materials[0]
    expect(match?.reason).toBe("the 3 files under “src” in “build”'s materials are exactly what “clone” produced")
    expect(match?.evidence).toContainEqual({
      step: 'build',
      file: `build.${alice.publicKey.keyid.slice(0, 8)}.link`,
      list: 'materials',
      path: 'src/lib/c.py',
      digest: 'sha256:000000000000…',
    })
    expect(match?.evidence).toContainEqual({
      step: 'clone',
      file: `clone.${alice.publicKey.keyid.slice(0, 8)}.link`,
      list: 'products',
      path: 'src/lib/c.py',
      digest: 'sha256:000000000000…',
    })
  })

  it('takes functionaries from the signers and the threshold from how many agree', async () => {
    const build = link('build', {}, { out: h(1) })
    const two = await infer([await signed(build, [alice]), await signed(build, [bob])])
    expect(two.layout.steps[0]?.pubkeys).toEqual([alice.publicKey.keyid, bob.publicKey.keyid])
    expect(two.layout.steps[0]?.threshold).toBe(2n)
    expect([...two.layout.keys.keys()]).toEqual([alice.publicKey.keyid, bob.publicKey.keyid])
    expect([...two.keyNames.values()]).toEqual(['alice', 'bob'])

    const differing = await infer([await signed(build, [alice]), await signed(link('build', {}, { out: h(2) }), [bob])])
    expect(differing.layout.steps[0]?.pubkeys).toEqual([alice.publicKey.keyid])
    expect(differing.layout.steps[0]?.threshold).toBe(1n)
    expect(differing.notes.map((n) => n.message)).toEqual([expect.stringContaining('records different materials or products for “build”')])
  })

  it('keeps unknown signers by keyid, leaves out invalid signatures, and says so', async () => {
    const build = link('build', {}, { out: h(1) })
    const unknown = await infer([await signed(build, [bob])], [{ publicKey: alice.publicKey, name: 'alice' }])
    expect(unknown.layout.steps[0]?.pubkeys).toEqual([bob.publicKey.keyid])
    expect(unknown.layout.keys.size).toBe(0)
    expect(unknown.signers.map((s) => s.status)).toEqual(['unknown-key'])
    expect(unknown.notes.map((n) => n.message)).toEqual([
      expect.stringContaining(`no public key was given for ${bob.publicKey.keyid.slice(0, 8)}…, who signed “build”`),
      'the key alice signed none of the links; it is not added',
    ])

    const good = await signed(build, [alice])
    const forged = { file: good.file, envelope: { ...createEnvelope({ type: 'link', link: link('build', {}, { out: h(9) }) }, 'metablock'), signatures: good.envelope.signatures } }
    const invalid = await infer([forged as LinkEvidence])
    expect(invalid.signers.map((s) => s.status)).toEqual(['invalid'])
    expect(invalid.layout.steps[0]?.pubkeys).toEqual([])
  })

  it('recognizes a known key under the keyid in-toto 2.x gives it, and lists it as 2.x tools do', async () => {
    const keyidV2 = keyidOf(alice.publicKey, '2.x')
    expect(keyidV2).not.toBe(alice.publicKey.keyid)
    const aliceV2: PrivateKey = { algorithm: alice.algorithm, publicKey: { ...alice.publicKey, keyid: keyidV2 }, sign: (data) => alice.sign(data) }
    const build = await signed(link('build', {}, { out: h(1) }), [aliceV2])
    const { layout, signers, notes } = await infer([build])
    expect(signers.map((s) => [s.keyid, s.status, s.name])).toEqual([[keyidV2, 'verified', 'alice']])
    expect(layout.steps[0]?.pubkeys).toEqual([keyidV2])
    const json = layout.keys.get(keyidV2)?.json
    expect(json?.get('keyid')).toBe(keyidV2)
    expect(json?.has('keyid_hash_algorithms')).toBe(false)
    expect(notes.map((n) => n.message)).toEqual(['the key bob signed none of the links; it is not added'])
    const owner = await generateKeyPair('ed25519')
    const report = await verifySupplyChain({
      layout: await signDocument({ type: 'layout', layout }, [owner]),
      layoutKeys: [owner.publicKey],
      links: memoryLinks([[build.file, utf8(serializeEnvelope(build.envelope))]]),
    })
    expect(report.failure).toBeUndefined()
  })

  it('accepts unsigned mock links and DSSE links', async () => {
    const mock = await infer([await signed(link('write', {}, { 'foo.py': h(1) }), [])])
    expect(mock.layout.steps[0]).toMatchObject({ name: 'write', pubkeys: [], threshold: 1n })
    expect(mock.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('is unsigned (in-toto-mock)'))
    const dsse = await infer([await signed(link('write', {}, { 'foo.py': h(1) }), [alice], 'dsse')])
    expect(dsse.signers.map((s) => s.status)).toEqual(['verified'])
    expect(dsse.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('DSSE'))
  })

  it('refuses a layout and a link without a name, naming the file', async () => {
    const layout = { file: 'root.layout', envelope: createEnvelope({ type: 'layout', layout: emptyLayout('2030-01-01T00:00:00Z') }, 'metablock') }
    await expect(infer([layout])).rejects.toThrow(/root\.layout.*this is a layout, not a link/)
    const nameless = { file: 'x.link', envelope: createEnvelope({ type: 'link', link: createLink(null) }, 'metablock') }
    await expect(infer([nameless])).rejects.toThrow(/x\.link.*signed\.name.*has no name/)
    await expect(infer([])).rejects.toThrow(/no links/)
  })

  it('escapes pattern characters and keeps paths the reference cannot rebuild out of IN rules', async () => {
    const files = { '[x].c': h(1), '*?.h': h(2), 'd[1]/a': h(3), 'd[1]/b': h(4), 'e//f': h(5), 'e/g': h(6) }
    const make = link('make', {}, files)
    const use = link('use', files, {})
    const { layout } = await infer([await signed(make, [alice]), await signed(use, [alice])])
    expect(rulesOf(layout, 'make').products).toEqual(['CREATE [[]x].c', 'CREATE [*][?].h', 'CREATE d[[]1]/*', 'CREATE e//f', 'CREATE e/g', 'DISALLOW *'])
    expect(rulesOf(layout, 'use').materials).toEqual([
      'MATCH [[]x].c WITH PRODUCTS FROM make',
      'MATCH [*][?].h WITH PRODUCTS FROM make',
      'MATCH * IN d[1] WITH PRODUCTS IN d[1] FROM make',
      'MATCH e//f WITH PRODUCTS FROM make',
      'MATCH e/g WITH PRODUCTS FROM make',
      'DISALLOW *',
    ])
  })

  it('only allows a file changed between two steps, with a warning', async () => {
    const write = link('write', {}, { 'foo.py': h(1) })
    const pack = link('pack', { 'foo.py': h(2) }, { 'foo.tar.gz': h(3) })
    const { layout, notes } = await infer([await signed(write, [alice]), await signed(pack, [alice])])
    expect(rulesOf(layout, 'pack').materials).toEqual(['DELETE foo.py', 'DISALLOW *'])
    expect(notes.map((n) => n.message)).toContainEqual(expect.stringContaining("“foo.py” in “pack”'s materials (sha256:000000000000…) is not what “write” produced"))
  })

  it('unpacks a final zip with the files it packed', async () => {
    const write = link('write', {}, { 'app/a.js': h(1), 'app/b.js': h(2) })
    const zip = link('zip', { 'app/a.js': h(1), 'app/b.js': h(2) }, { 'app.zip': h(3) })
    const { layout } = await infer([await signed(write, [alice]), await signed(zip, [alice])])
    expect(layout.inspect.map((i) => ({ name: i.name, run: i.run, materials: i.expectedMaterials.map(formatRule), products: i.expectedProducts.map(formatRule) }))).toEqual([
      {
        name: 'unzip',
        run: ['unzip', '-o', '-q', 'app.zip'],
        materials: ['MATCH app.zip WITH PRODUCTS FROM zip', 'DISALLOW app.zip', 'ALLOW *'],
        products: ['MATCH app.zip WITH PRODUCTS FROM zip', 'DISALLOW app.zip', 'MATCH * IN app WITH PRODUCTS IN app FROM write', 'DISALLOW app/*', 'ALLOW *'],
      },
    ])
  })
})
