/**
 * Weak keys (core keys/weakness.ts): the verdict stays the reference's, which accepts them,
 * but `check` (and the editor's lint, the same code), the verification report and the
 * browser's bundle path flag each one. The RSA key with e = 1 shows why: a link "signed" by
 * nobody, whose signature is just the PSS encoding of its bytes, verifies for that
 * functionary — in the reference too (checked when in-toto is installed).
 */
import { createHash, randomBytes } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, reference, referenceAvailable } from '../support/cli.ts'
import { verifyBundle } from '../../src/core/bundle/verify-bundle.ts'
import { createEnvelope, envelopeToJson } from '../../src/core/envelope/sign.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import { toPlain } from '../../src/core/json/value.ts'
import { exportPublicKeyJson } from '../../src/core/keys/export.ts'
import { computeKeyId } from '../../src/core/keys/keyid.ts'
import { loadPublicKeyPem, spkiPem } from '../../src/core/keys/spki.ts'
import { createLink } from '../../src/core/model/link.ts'
import { chain, expectNoCrash, jsonReport, layoutWith, type Chain } from './helpers.ts'

interface WeakKey {
  readonly name: string
  readonly keytype: 'rsa' | 'ed25519'
  readonly scheme: string
  /** `keyval.public`. */
  readonly public: () => string
  readonly message: RegExp
}

let rsa2048: { n: bigint; pem: string }
let rsa512Pem: string

beforeAll(() => {
  const pem = (bits: number) =>
    execFileSync('sh', ['-c', `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:${bits} 2>/dev/null | openssl pkey -pubout`], { encoding: 'utf8' })
  const strong = pem(2048)
  const parsed = loadPublicKeyPem(strong)
  if (parsed.type !== 'rsa') throw new Error('not an RSA key')
  rsa2048 = { n: parsed.n, pem: strong }
  rsa512Pem = pem(512)
})

const rsaWith = (e: bigint) => spkiPem({ type: 'rsa', n: rsa2048.n, e }, true)

const WEAK_KEYS: readonly WeakKey[] = [
  { name: 'RSA, 512 bits', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: () => rsa512Pem, message: /the RSA key has 512 bits \(at least 2048 are needed\)/ },
  { name: 'RSA, e = 1', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: () => rsaWith(1n), message: /the RSA public exponent is 1: every value is its own signature/ },
  { name: 'RSA, e = 3', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: () => rsaWith(3n), message: /the RSA public exponent is 3 \(at least 65537 is expected\)/ },
  {
    name: 'Ed25519, the identity point (order 1)',
    keytype: 'ed25519',
    scheme: 'ed25519',
    public: () => `01${'00'.repeat(31)}`,
    message: /the Ed25519 public key is a small-order point/,
  },
  {
    name: 'Ed25519, a point of order 8',
    keytype: 'ed25519',
    scheme: 'ed25519',
    public: () => 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
    message: /the Ed25519 public key is a small-order point/,
  },
  {
    name: 'Ed25519, a non-canonical encoding',
    keytype: 'ed25519',
    scheme: 'ed25519',
    public: () => `ef${'ff'.repeat(30)}7f`,
    message: /the Ed25519 public key is a non-canonical point encoding/,
  },
]

let world: Chain
beforeAll(async () => {
  world = await chain('hostile-weak-keys')
})
afterAll(() => world.dispose())

function keyObject(key: { keytype: string; scheme: string; public: string }): { keyid: string; object: Record<string, unknown> } {
  const keyid = computeKeyId(key.keytype, key.scheme, key.public)
  return { keyid, object: { keyid, keytype: key.keytype, scheme: key.scheme, keyval: { public: key.public }, keyid_hash_algorithms: ['sha256', 'sha512'] } }
}

function stepFor(keyid: string): Record<string, unknown> {
  return { _type: 'step', name: 'build', pubkeys: [keyid], threshold: 1, expected_command: [], expected_materials: [], expected_products: [['ALLOW', '*']] }
}

describe.each(WEAK_KEYS)('a functionary key: $name', (weak) => {
  it('check flags it as an error (exit 1) at the key, naming why', async () => {
    const { keyid, object } = keyObject({ ...weak, public: weak.public() })
    const layout = await world.writeLayout(layoutWith({ keys: { [keyid]: object }, steps: [stepFor(keyid)] }), 'weak.layout')
    const result = await cli('check', layout, '--format', 'json')
    expectNoCrash(result)
    expect(result.code).toBe(1)
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ code: string; severity: string; path: string; message: string }> }).findings
    const finding = findings.find((candidate) => candidate.code === 'weak-key')
    expect(finding).toMatchObject({ severity: 'error', path: `signed.keys[${JSON.stringify(keyid)}].keyval` })
    expect(finding?.message).toMatch(weak.message)
  })

  it('verify keeps the verdict and the report warns loudly; the browser bundle path too', async () => {
    const { keyid, object } = keyObject({ ...weak, public: weak.public() })
    // No steps: the layout passes whatever its keys, so only the warning can tell.
    const layout = await world.writeLayout(layoutWith({ keys: { [keyid]: object } }), 'weak-unused.layout')
    const result = await world.verify(layout, '--format', 'json')
    expect(result.code).toBe(0)
    const report = jsonReport(result)
    expect(report.verdict).toBe('pass')
    const warning = report.warnings.find((candidate) => candidate.kind === 'weak-key')
    expect(warning?.keyid).toBe(keyid)
    expect(warning?.message).toMatch(/^WEAK KEY: the functionary key [0-9a-f]{64} is weak: /)
    expect(warning?.message).toMatch(weak.message)
    const text = await world.verify(layout)
    expect(text.stdout).toMatch(/warning: WEAK KEY: /)

    const { report: browser } = await verifyBundle({
      layout: { path: 'root.layout', bytes: new Uint8Array(readFileSync(layout)) },
      ownerKeys: [{ path: 'owner.pub', bytes: new Uint8Array(readFileSync(world.ownerPub)) }],
      links: [],
      products: [],
    })
    expect(browser?.verdict).toBe('pass')
    expect(browser?.warnings.find((candidate) => candidate.kind === 'weak-key')?.message).toMatch(weak.message)
  })
})

describe('weak owner keys', () => {
  it('a 512-bit RSA owner key is accepted (parity) and named as weak', async () => {
    const owner512 = join(world.dir, 'owner512.pub')
    writeFileSync(owner512, rsa512Pem)
    const layout = await world.writeLayout(layoutWith({}), 'owner512.layout')
    // Signed by the chain's owner only: the 512-bit key's signature is missing, but the warning comes first.
    const result = await cli('verify', '--layout', layout, '--verification-keys', owner512, '--format', 'json')
    const report = jsonReport(result)
    expect(report.failure?.stage).toBe('layout-signature')
    expect(report.warnings.find((warning) => warning.kind === 'weak-key')?.message).toMatch(/^WEAK KEY: the layout owner key [0-9a-f]{64} is weak: the RSA key has 512 bits/)
  })

  it('strong keys are not flagged', async () => {
    const { keyid, object } = keyObject({ keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: rsa2048.pem })
    const layout = await world.writeLayout(layoutWith({ keys: { [keyid]: object }, steps: [stepFor(keyid)] }), 'strong.layout')
    const checked = await cli('check', layout, '--format', 'json')
    expect((JSON.parse(checked.stdout) as { findings: Array<{ code: string }> }).findings.map((finding) => finding.code)).not.toContain('weak-key')
    const report = jsonReport(await world.verify(layout, '--format', 'json'))
    expect(report.warnings.filter((warning) => warning.kind === 'weak-key')).toEqual([])
  })
})

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-256, MGF1-SHA-256 and a 32-byte salt. */
function pssEncode(message: Uint8Array, modBits: number): Uint8Array {
  const sha = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest())
  const emBits = modBits - 1
  const emLength = Math.ceil(emBits / 8)
  const salt = new Uint8Array(randomBytes(32))
  const h = sha(new Uint8Array(8), sha(message), salt)
  const db = new Uint8Array(emLength - 32 - 1)
  db[db.length - 32 - 1] = 0x01
  db.set(salt, db.length - 32)
  for (let counter = 0, at = 0; at < db.length; counter++) {
    const mask = sha(h, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff))
    for (let i = 0; i < mask.length && at < db.length; i++, at++) db[at] = (db[at] as number) ^ (mask[i] as number)
  }
  db[0] = (db[0] as number) & (0xff >>> (8 * emLength - emBits))
  const em = new Uint8Array(emLength)
  em.set(db)
  em.set(h, db.length)
  em[emLength - 1] = 0xbc
  return em
}

describe('why e = 1 is flagged', () => {
  it("anyone forges that functionary's link: it verifies here and in the reference, and the report says WEAK KEY", async () => {
    const publicPem = rsaWith(1n)
    const { keyid, object } = keyObject({ keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: publicPem })
    const layout = await world.writeLayout(layoutWith({ keys: { [keyid]: object }, steps: [stepFor(keyid)] }), 'forged.layout')
    const link = createLink('build', { products: new Map([['backdoor.bin', new Map([['sha256', 'ab'.repeat(32)]])]]) })
    const envelope = createEnvelope({ type: 'link', link }, 'metablock')
    if (envelope.format !== 'metablock') throw new Error('not a metablock')
    // s = EM, since s^1 mod n = s: no private key anywhere.
    const signature = pssEncode(canonicalBytes(envelope.signed), 2048)
    const sig = Buffer.from(signature).toString('hex').padStart(512, '0')
    const forged = { ...(toPlain(envelopeToJson(envelope)) as Record<string, unknown>), signatures: [{ keyid, sig }] }
    const links = join(world.dir, 'forged-links')
    mkdirSync(links, { recursive: true })
    writeFileSync(join(links, `build.${keyid.slice(0, 8)}.link`), JSON.stringify(forged))

    const result = await cli('verify', '--layout', layout, '--verification-keys', world.ownerPub, '--link-dir', links, '--format', 'json')
    const report = jsonReport(result)
    expect(report.verdict, JSON.stringify(report.failure)).toBe('pass')
    expect(result.code).toBe(0)
    expect(report.warnings.find((warning) => warning.kind === 'weak-key')?.message).toMatch(/the RSA public exponent is 1/)

    if (!(await referenceAvailable())) return
    writeFileSync(join(world.dir, 'owner.json'), exportPublicKeyJson(world.owner.publicKey))
    const theirs = await reference('in-toto-verify', ['--layout', layout, '--layout-keys', join(world.dir, 'owner.json'), '--key-types', 'ed25519', '--link-dir', links], world.dir)
    expect(theirs.code, theirs.stderr).toBe(0)
  })
})
