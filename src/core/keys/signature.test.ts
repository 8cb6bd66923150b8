import { generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../encoding/hex.ts'
import { utf8 } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import type { JsonObject } from '../json/value.ts'
import { parseJson } from '../json/parse.ts'
import { importPublicKey } from './import.ts'
import type { PublicKey } from './types.ts'
import { DEMO, VECTORS, expectedOf, layoutKeys, listFiles, readMetablock, readText, vectorNames } from '../../../test/support/key-fixtures.ts'
import { p1363ToDerSignature } from '../crypto/ecdsa.ts'
import { RSA_SIGNATURE_SCHEMES, clearVerifierCache, signatureSchemeOf, verifySignature } from './signature.ts'

function flipped(bytes: Uint8Array, index = 0): Uint8Array {
  const copy = new Uint8Array(bytes)
  copy[index]! ^= 0x01
  return copy
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(CoreError)
  expect((error as CoreError).code).toBe(code)
}

interface Signed {
  readonly name: string
  readonly key: PublicKey
  readonly signature: Uint8Array
  readonly data: Uint8Array
}

/** Every signature in the passing vectors, with the key the reference verified it with. */
function referenceSignatures(): Signed[] {
  const out: Signed[] = []
  for (const vector of vectorNames()) {
    if (expectedOf(vector).get('verdict') !== 'pass') continue
    const layout = readMetablock(join(VECTORS, vector, 'layout/root.layout'))
    const owners = listFiles(join(VECTORS, vector, 'keys'), '.json')
      .filter((name) => name.startsWith('owner'))
      .map((name) => importPublicKey(readText(join(VECTORS, vector, 'keys', name))))
    for (const owner of owners) {
      const signature = layout.signatures.find((s) => s.keyid === owner.keyid)
      if (signature) out.push({ name: `${vector} layout`, key: owner, signature: signature.sig, data: layout.signedBytes })
    }
    const keys = layoutKeys(layout.signed)
    for (const file of listFiles(join(VECTORS, vector, 'links'), '.link')) {
      let link: ReturnType<typeof readMetablock>
      try {
        link = readMetablock(join(VECTORS, vector, 'links', file))
      } catch {
        continue // e.g. linkdir-unrelated-extra-files/links/garbage.link, which the verifier never reads
      }
      for (const signature of link.signatures) {
        const key = keys.find((k) => k.keyid === signature.keyid)
        if (key) out.push({ name: `${vector} ${file}`, key, signature: signature.sig, data: link.signedBytes })
      }
    }
  }
  return out
}

describe('verifySignature against signatures made by the reference', () => {
  const all = referenceSignatures()
  const byType = (keytype: string) => all.filter((s) => s.key.keytype === keytype)

  it('covers ed25519, rsa and ecdsa signatures', () => {
    expect(byType('ed25519').length).toBeGreaterThan(20)
    expect(byType('rsa').length).toBeGreaterThan(2)
    expect(byType('ecdsa').length).toBeGreaterThan(2)
  })

  it('accepts every signature of the passing vectors', async () => {
    const failures: string[] = []
    for (const s of all) if (!(await verifySignature(s.key, s.signature, s.data))) failures.push(`${s.name} (${s.key.keytype})`)
    expect(failures).toEqual([])
  })

  it.each(['ed25519', 'rsa', 'ecdsa'])('rejects a %s signature over data with one flipped byte', async (keytype) => {
    for (const s of byType(keytype).slice(0, 3)) {
      expect(await verifySignature(s.key, s.signature, flipped(s.data, 40))).toBe(false)
    }
  })

  it.each(['ed25519', 'rsa'])('rejects a %s signature with one flipped byte', async (keytype) => {
    for (const s of byType(keytype).slice(0, 3)) {
      expect(await verifySignature(s.key, flipped(s.signature, 10), s.data)).toBe(false)
    }
  })

  it('verifies the upstream demo links (RSA, bob and carl) and rejects them under the other key', async () => {
    const bob = importPublicKey(readText(join(DEMO, 'bob.pub')))
    const carl = importPublicKey(readText(join(DEMO, 'carl.pub')))
    const writeCode = readMetablock(join(DEMO, 'write-code.776a00e2.link'))
    const pkg = readMetablock(join(DEMO, 'package.2f89b927.link'))
    expect(await verifySignature(bob, writeCode.signatures[0]!.sig, writeCode.signedBytes)).toBe(true)
    expect(await verifySignature(carl, pkg.signatures[0]!.sig, pkg.signedBytes)).toBe(true)
    expect(await verifySignature(carl, writeCode.signatures[0]!.sig, writeCode.signedBytes)).toBe(false)
  })

  it('accepts signatures as uppercase-hex-decoded bytes (same bytes) and caches the loaded key', async () => {
    clearVerifierCache()
    const s = byType('rsa')[0]!
    const started = performance.now()
    for (let i = 0; i < 200; i++) expect(await verifySignature(s.key, s.signature, s.data)).toBe(true)
    // 200 RSA verifications with one import: well under a second even on a slow machine.
    expect(performance.now() - started).toBeLessThan(5000)
  })
})

describe('signatureSchemeOf', () => {
  it('maps every securesystemslib RSA scheme', () => {
    for (const scheme of RSA_SIGNATURE_SCHEMES) expect(signatureSchemeOf('rsa', scheme).family).toBe('rsa')
    expect(signatureSchemeOf('rsa', 'rsa-pkcs1v15-sha224')).toEqual({ family: 'rsa', padding: 'pkcs1v15', hash: 'sha224' })
  })

  it('maps the ECDSA keytypes and schemes without tying the scheme to the keytype', () => {
    expect(signatureSchemeOf('ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp256')).toEqual({ family: 'ecdsa', hash: 'sha256' })
    expect(signatureSchemeOf('ecdsa', 'ecdsa-sha2-nistp384')).toEqual({ family: 'ecdsa', hash: 'sha384' })
  })

  it.each([
    ['ed25519', 'rsassa-pss-sha256'],
    ['rsa', 'ed25519'],
    ['rsa', 'rsassa-pss-sha3'],
    ['ecdsa', 'ecdsa-sha2-nistp521'],
    ['ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp256'],
    ['dsa', 'dsa'],
  ])('rejects keytype %s with scheme %s as unsupported-algorithm', (keytype, scheme) => {
    expect(() => signatureSchemeOf(keytype, scheme)).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }))
  })
})

describe('verifySignature fatal conditions (where the reference raises)', () => {
  const ed = generateKeyPairSync('ed25519')
  const edPublic = bytesToHex(ed.publicKey.export({ format: 'der', type: 'spki' }).subarray(12))
  const edKey: PublicKey = { keyid: 'ab', keytype: 'ed25519', scheme: 'ed25519', public: edPublic }
  const data = utf8('payload')
  const edSig = new Uint8Array(nodeSign(null, data, ed.privateKey))

  it('throws unsupported-algorithm for an ed25519 key with an RSA scheme', async () => {
    await expectCode(verifySignature({ ...edKey, scheme: 'rsassa-pss-sha256' }, edSig, data), 'unsupported-algorithm')
  })

  it('throws signature-format for an ed25519 signature that is not 64 bytes', async () => {
    await expectCode(verifySignature(edKey, edSig.subarray(0, 63), data), 'signature-format')
    await expectCode(verifySignature(edKey, new Uint8Array(65), data), 'signature-format')
  })

  it('throws key for an ed25519 public key that is not 32 bytes or not hex', async () => {
    await expectCode(verifySignature({ ...edKey, public: edPublic.slice(0, 62) }, edSig, data), 'key')
    await expectCode(verifySignature({ ...edKey, public: 'zz' + edPublic.slice(2) }, edSig, data), 'key')
  })

  it('accepts an uppercase-hex ed25519 public key (binascii.unhexlify does)', async () => {
    expect(await verifySignature({ ...edKey, public: edPublic.toUpperCase() }, edSig, data)).toBe(true)
  })

  it('throws key for a non-EC PEM under an ecdsa keytype and a non-RSA PEM under rsa', async () => {
    const rsaPem = importPublicKey(readText(join(DEMO, 'bob.pub'))).public
    const ecPem = (parseJson(readText(join(VECTORS, 'keys-owner-ecdsa-func-ecdsa/keys/owner.json'))) as JsonObject).get('keyval') as JsonObject
    await expectCode(verifySignature({ keyid: 'ab', keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', public: rsaPem }, new Uint8Array(8), data), 'key')
    await expectCode(verifySignature({ keyid: 'ab', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: ecPem.get('public') as string }, new Uint8Array(8), data), 'key')
  })

  it('throws key for an unloadable PEM', async () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'
    await expectCode(verifySignature({ keyid: 'ab', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: pem }, new Uint8Array(8), data), 'key')
    await expectCode(verifySignature({ keyid: 'ab', keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: 'not a pem' }, new Uint8Array(8), data), 'key')
  })

  it('throws key for an RSA key too small for PSS with the scheme digest, as cryptography does', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 512 })
    const pem = small.publicKey.export({ format: 'pem', type: 'spki' }).toString().trim()
    const key: PublicKey = { keyid: 'ab', keytype: 'rsa', scheme: 'rsassa-pss-sha512', public: pem }
    await expectCode(verifySignature(key, new Uint8Array(64), data), 'key')
    // PKCS#1 v1.5 has no such check: a clean failure.
    expect(await verifySignature({ ...key, scheme: 'rsa-pkcs1v15-sha512' }, new Uint8Array(64), data)).toBe(false)
  })
})

describe('ECDSA verification semantics', () => {
  const data = utf8('in-toto link bytes')
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const key: PublicKey = {
    keyid: 'ab',
    keytype: 'ecdsa',
    scheme: 'ecdsa-sha2-nistp256',
    public: p256.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  }
  const der = new Uint8Array(nodeSign('sha256', data, p256.privateKey))
  const raw = new Uint8Array(nodeSign('sha256', data, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' }))

  it('accepts a DER signature', async () => {
    expect(await verifySignature(key, der, data)).toBe(true)
  })

  it('rejects the same signature as raw r||s (P1363)', async () => {
    expect(await verifySignature(key, raw, data)).toBe(false)
  })

  it('rejects DER with a trailing byte', async () => {
    expect(await verifySignature(key, Uint8Array.from([...der, 0]), data)).toBe(false)
  })

  it('accepts a high-S signature (OpenSSL does not normalize S)', async () => {
    const n = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
    const r = BigInt('0x' + bytesToHex(raw.subarray(0, 32)))
    const s = BigInt('0x' + bytesToHex(raw.subarray(32)))
    const flippedS = n - s
    const highRaw = Uint8Array.from(Buffer.from(r.toString(16).padStart(64, '0') + flippedS.toString(16).padStart(64, '0'), 'hex'))
    expect(await verifySignature(key, p1363ToDerSignature(highRaw), data)).toBe(true)
  })

  it('takes the curve from the key: a P-384 key with the nistp256 scheme verifies SHA-256 signatures', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const p384Key: PublicKey = { ...key, public: p384.publicKey.export({ format: 'pem', type: 'spki' }).toString() }
    expect(await verifySignature(p384Key, new Uint8Array(nodeSign('sha256', data, p384.privateKey)), data)).toBe(true)
    expect(await verifySignature({ ...p384Key, scheme: 'ecdsa-sha2-nistp384' }, new Uint8Array(nodeSign('sha384', data, p384.privateKey)), data)).toBe(true)
    expect(await verifySignature(p384Key, new Uint8Array(nodeSign('sha384', data, p384.privateKey)), data)).toBe(false)
  })

  it('verifies P-521 keys', async () => {
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' })
    const p521Key: PublicKey = { ...key, public: p521.publicKey.export({ format: 'pem', type: 'spki' }).toString() }
    expect(await verifySignature(p521Key, new Uint8Array(nodeSign('sha256', data, p521.privateKey)), data)).toBe(true)
  })

  it('throws unsupported-algorithm for an EC curve WebCrypto lacks (secp256k1)', async () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
    const k1Key: PublicKey = { ...key, public: k1.publicKey.export({ format: 'pem', type: 'spki' }).toString() }
    await expectCode(verifySignature(k1Key, new Uint8Array(nodeSign('sha256', data, k1.privateKey)), data), 'unsupported-algorithm')
  })

  it('accepts the ecdsa-sha2-nistp256 keytype', async () => {
    expect(await verifySignature({ ...key, keytype: 'ecdsa-sha2-nistp256' }, der, data)).toBe(true)
  })
})
