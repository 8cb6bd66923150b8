/**
 * Writes a synthetic signed in-toto bundle for benchmarks, with Layout Studio's own core:
 *
 *   node --import tsx bench/lib/make-bundle.ts OUT --steps S --artifacts A --threshold T [--seed N]
 *
 * OUT/root.layout (signed by OUT/owner.pub, securesystemslib JSON, and OUT/owner.pem),
 * OUT/links/STEP.KEYID8.link (S × T links, each with about A materials and A products, written
 * byte for byte as in-toto's `Metablock.dump` writes them) and OUT/bundle.json (the parameters
 * and the verify argv). The chain is linear: step 0 checks out the source tree; each later
 * step takes the previous step's products as materials, modifies 5% of the .py/.c files,
 * drops the previous step's `out/` files and creates A/10 new ones. Each list has about ten
 * rules (per-package `MATCH … IN …`, a catch-all MATCH, CREATE/MODIFY, ALLOWs, `DISALLOW *`),
 * like the bundles of the performance baseline (shared/research/perf-baseline.md §1). T
 * functionaries per step sign identical links; the bundle is valid, so both verifiers must
 * pass it.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { addSignatures, createEnvelope, serializeEnvelope } from '../../src/core/envelope/sign.ts'
import { exportLayoutKeyObject, exportPublicKeyJson, exportPublicKeyPem } from '../../src/core/keys/export.ts'
import { publicOf } from '../../src/core/keys/material.ts'
import { ed25519PrivateMaterial } from '../../src/core/keys/private-der.ts'
import { createPrivateKey } from '../../src/core/keys/private-key.ts'
import { publicKeyFor } from '../../src/core/keys/public-key.ts'
import type { JsonValue } from '../../src/core/json/value.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { createStep, emptyLayout, layoutKeyFromJson } from '../../src/core/model/layout.ts'
import { createLink } from '../../src/core/model/link.ts'
import type { ArtifactMap, HashDict, Layout, LayoutKey, Step } from '../../src/core/model/types.ts'

interface Options {
  readonly out: string
  readonly steps: number
  readonly artifacts: number
  readonly threshold: number
  readonly seed: number
}

const ROOT_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE', 'Makefile', 'pyproject.toml']
const EXTENSIONS = ['py', 'c', 'h', 'js', 'json', 'md', 'txt']
const SUBDIRS = ['core/', 'util/', 'tests/', '']
const FILES_PER_PACKAGE = 200
/** Packages that get their own `MATCH * IN src/pkgNN` rule (the rest fall to the catch-all). */
const PACKAGE_RULES = 4

function parseArgs(argv: readonly string[]): Options {
  const out = argv[0]
  if (out === undefined || out.startsWith('-')) throw new Error('usage: make-bundle.ts OUT --steps S --artifacts A --threshold T [--seed N]')
  const value = (flag: string, fallback: number): number => {
    const at = argv.indexOf(flag)
    if (at < 0) return fallback
    const parsed = Number(argv[at + 1])
    if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`${flag} needs a positive integer`)
    return parsed
  }
  return { out, steps: value('--steps', 5), artifacts: value('--artifacts', 1000), threshold: value('--threshold', 1), seed: value('--seed', 1) }
}

/** Deterministic "sha256" digests: a counter hashed with the seed (cheap, and unique). */
function digestMaker(seed: number): () => HashDict {
  let counter = 0
  const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return () => new Map([['sha256', hex(sha256(new TextEncoder().encode(`${seed}:${counter++}`)))]])
}

function keyFromSeed(seed: number, index: number): PrivateKey {
  const material = ed25519PrivateMaterial(sha256(new TextEncoder().encode(`layout-studio bench key ${seed}/${index}`)))
  return createPrivateKey(material, publicKeyFor(publicOf(material)))
}

function stepName(index: number): string {
  const kinds = ['build', 'test', 'lint', 'package', 'scan', 'sign']
  return index === 0 ? 's000-checkout' : `s${String(index).padStart(3, '0')}-${kinds[(index - 1) % kinds.length]}`
}

/** Paths of the source tree: a few top-level files, then `src/pkgNN/…` files; `count` in all. */
function treePaths(count: number): string[] {
  const paths = ROOT_FILES.slice(0, count)
  for (let i = 0; paths.length < count; i++) {
    const pkg = String(Math.floor(i / FILES_PER_PACKAGE)).padStart(2, '0')
    paths.push(`src/pkg${pkg}/${SUBDIRS[i % SUBDIRS.length]}file_${String(i).padStart(5, '0')}.${EXTENSIONS[i % EXTENSIONS.length]}`)
  }
  return paths
}

function stepRules(index: number, names: readonly string[]): Pick<Step, 'expectedMaterials' | 'expectedProducts'> {
  const self = names[index] as string
  const tail: string[][] = [
    ['ALLOW', '[A-Z]*'],
    ['ALLOW', '*.toml'],
    ['DISALLOW', '*'],
  ]
  if (index === 0) {
    return { expectedMaterials: [['DISALLOW', '*']], expectedProducts: [['CREATE', 'src/*'], ...tail] }
  }
  const prev = names[index - 1] as string
  const packages = Array.from({ length: PACKAGE_RULES }, (_, p) => `src/pkg${String(p).padStart(2, '0')}`)
  return {
    expectedMaterials: [
      ...packages.map((dir) => ['MATCH', '*', 'IN', dir, 'WITH', 'PRODUCTS', 'IN', dir, 'FROM', prev]),
      ['MATCH', 'src/*', 'WITH', 'PRODUCTS', 'FROM', prev],
      ['MATCH', '*', 'IN', `out/${prev}`, 'WITH', 'PRODUCTS', 'IN', `out/${prev}`, 'FROM', prev],
      ...tail,
    ],
    expectedProducts: [
      ['CREATE', `out/${self}/*`],
      ['MODIFY', 'src/*.py'],
      ['MODIFY', 'src/*.c'],
      ...packages.slice(0, 2).map((dir) => ['MATCH', '*', 'IN', dir, 'WITH', 'MATERIALS', 'IN', dir, 'FROM', self]),
      ['MATCH', 'src/*', 'WITH', 'MATERIALS', 'FROM', self],
      ...tail,
    ],
  }
}

/** Materials and products of every step (a linear chain; see the file comment). */
function chainArtifacts(options: Options, names: readonly string[]): Array<{ materials: ArtifactMap; products: ArtifactMap }> {
  const digest = digestMaker(options.seed)
  const created = Math.max(1, Math.floor(options.artifacts / 10))
  const chain: Array<{ materials: ArtifactMap; products: ArtifactMap }> = []
  let previous: ArtifactMap = new Map(treePaths(options.artifacts).map((path) => [path, digest()]))
  chain.push({ materials: new Map(), products: previous })
  const tree = new Set(treePaths(options.artifacts - created))
  const editable = [...tree].filter((path) => path.endsWith('.py') || path.endsWith('.c'))
  for (let index = 1; index < options.steps; index++) {
    const self = names[index] as string
    const products = new Map<string, HashDict>()
    for (const [path, hashes] of previous) if (!path.startsWith('out/')) products.set(path, hashes)
    // Keep the tree at about A entries: step 0 made A source files, later steps A − A/10 plus A/10 outputs.
    if (index === 1) for (const path of [...products.keys()]) if (!tree.has(path)) products.delete(path)
    for (let e = index; e < editable.length; e += 20) {
      const path = editable[e] as string
      if (products.has(path)) products.set(path, digest())
    }
    for (let i = 0; i < created; i++) products.set(`out/${self}/artifact_${String(i).padStart(5, '0')}.bin`, digest())
    chain.push({ materials: previous, products })
    previous = products
  }
  return chain
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2))
  const names = Array.from({ length: options.steps }, (_, i) => stepName(i))
  const owner = keyFromSeed(options.seed, 0)
  const pool = Array.from({ length: Math.min(options.steps * options.threshold, 16) }, (_, i) => keyFromSeed(options.seed, i + 1))
  const signersOf = (step: number): PrivateKey[] => Array.from({ length: options.threshold }, (_, t) => pool[(step * options.threshold + t) % pool.length] as PrivateKey)

  const keys = new Map<string, LayoutKey>()
  for (const key of pool) keys.set(key.publicKey.keyid, layoutKeyFromJson(exportLayoutKeyObject(key.publicKey)))
  const steps = names.map((name, index) =>
    createStep(name, {
      threshold: BigInt(options.threshold),
      pubkeys: signersOf(index).map((key) => key.publicKey.keyid),
      expectedCommand: ['make', name],
      ...stepRules(index, names),
    }),
  )
  const layout: Layout = { ...emptyLayout('2099-01-01T00:00:00Z', 'synthetic benchmark bundle'), keys, steps }

  mkdirSync(join(options.out, 'links'), { recursive: true })
  const layoutEnvelope = await addSignatures(createEnvelope({ type: 'layout', layout }, 'metablock'), [owner])
  writeFileSync(join(options.out, 'root.layout'), serializeEnvelope(layoutEnvelope))
  writeFileSync(join(options.out, 'owner.pub'), exportPublicKeyJson(owner.publicKey))
  writeFileSync(join(options.out, 'owner.pem'), exportPublicKeyPem(owner.publicKey))

  let bytes = 0
  let links = 0
  for (const [index, artifacts] of chainArtifacts(options, names).entries()) {
    const name = names[index] as string
    const link = createLink(name, {
      command: ['make', name],
      materials: artifacts.materials,
      products: artifacts.products,
      byproducts: new Map<string, JsonValue>([
        ['return-value', 0n],
        ['stderr', ''],
        ['stdout', ''],
      ]),
    })
    // One unsigned envelope per step: its canonical bytes are computed once and signed by each functionary.
    const unsigned = createEnvelope({ type: 'link', link }, 'metablock')
    for (const signer of signersOf(index)) {
      const text = serializeEnvelope(await addSignatures(unsigned, [signer]))
      writeFileSync(join(options.out, 'links', `${name}.${signer.publicKey.keyid.slice(0, 8)}.link`), text)
      bytes += Buffer.byteLength(text)
      links++
    }
  }
  const bundle = {
    steps: options.steps,
    artifacts: options.artifacts,
    threshold: options.threshold,
    seed: options.seed,
    links,
    linkBytes: bytes,
    verify: ['--layout', 'root.layout', '--layout-keys', 'owner.pub', '--key-types', 'ed25519', '--link-dir', 'links'],
  }
  writeFileSync(join(options.out, 'bundle.json'), `${JSON.stringify(bundle, null, 2)}\n`)
  process.stdout.write(`${JSON.stringify(bundle)}\n`)
}

await main()
