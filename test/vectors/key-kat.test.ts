/**
 * Known answers per key type and signature scheme, produced by the reference
 * (test/core/fixtures/generate-key-kat.py): keyids, signatures made by securesystemslib, and
 * the core's own signatures where the scheme is deterministic. (That core signatures verify in
 * the reference is checked in interop-reference.test.ts.)
 */
import { describe, expect, it } from 'vitest'
import { RSA_SIGNATURE_SCHEMES, verifySignature } from '../../src/core/keys/signature.ts'
import { bytesToHex, hexToBytes } from '../../src/core/encoding/hex.ts'
import { CoreError } from '../../src/core/errors.ts'
import { exportPrivateKeyPkcs8Pem, exportPrivateKeySslibJson } from '../../src/core/keys/export.ts'
import { importPrivateKey, importPublicKey, importVerifyKeyFile } from '../../src/core/keys/import.ts'
import { computeKeyId } from '../../src/core/keys/keyid.ts'
import { KAT_CASES, KAT_MESSAGE, katKeyType, type KatCase } from '../support/key-kat.ts'
import { flipped } from '../support/fixtures.ts'

/** Schemes whose signatures are a function of key and message (RFC 8032, PKCS#1 v1.5). */
const deterministic = (kase: KatCase): boolean => kase.key.scheme === 'ed25519' || kase.key.scheme.startsWith('rsa-pkcs1v15-')
/** WebCrypto cannot hash with MD5 or SHA-224, so the core verifies those schemes but cannot sign. */
const signable = (kase: KatCase): boolean => !/-(md5|sha224)$/.test(kase.key.scheme)

describe('known-answer cases', () => {
  it('cover ed25519, ECDSA P-256 and P-384, and every RSA scheme the reference accepts', () => {
    const schemes = KAT_CASES.map((kase) => kase.key.scheme)
    expect(schemes).toEqual(expect.arrayContaining(['ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', ...RSA_SIGNATURE_SCHEMES]))
    expect(new Set(KAT_CASES.filter((kase) => kase.key.keytype === 'rsa').map((kase) => kase.key.keyid)).size).toBe(RSA_SIGNATURE_SCHEMES.length)
  })
})

describe.each(KAT_CASES.map((kase) => [kase.name, kase] as const))('%s', (_name, kase) => {
  const type = katKeyType(kase)
  const scheme = type === 'rsa' ? kase.key.scheme : undefined

  it('computes the keyid securesystemslib computes', () => {
    expect(computeKeyId(kase.key.keytype, kase.key.scheme, kase.key.public)).toBe(kase.key.keyid)
  })

  it('imports the public key file to the same key', () => {
    const key = importPublicKey(kase.public_file, { file: 'key.pub', keyType: type, scheme })
    expect(key).toEqual(kase.key)
    // in-toto-verify --layout-keys: rsa files always get rsassa-pss-sha256.
    if (type !== 'rsa' || kase.key.scheme === 'rsassa-pss-sha256') expect(importVerifyKeyFile(kase.public_file, type, 'key.pub')).toEqual(kase.key)
  })

  it('imports the private key file with the keyid the reference signs with', async () => {
    const key = await importPrivateKey(kase.private, { file: 'key', keyType: type, scheme })
    expect(key.publicKey.keyid).toBe(kase.private_keyid)
    expect(key.publicKey.public).toBe(kase.key.public)
    expect(key.publicKey.scheme).toBe(kase.key.scheme)
  })

  it('verifies the reference signature, and not after one flipped bit of message or signature', async () => {
    const signature = hexToBytes(kase.signature)
    expect(await verifySignature(kase.key, signature, KAT_MESSAGE)).toBe(true)
    expect(await verifySignature(kase.key, signature, flipped(KAT_MESSAGE, 5))).toBe(false)
    expect(await verifySignature(kase.key, flipped(signature, signature.length - 3), KAT_MESSAGE)).toBe(false)
  })

  if (signable(kase)) {
    it(`signs so that the core verifies it${deterministic(kase) ? ', byte-identical to the reference' : ''}`, async () => {
      const key = await importPrivateKey(kase.private, { keyType: type, scheme })
      const signature = await key.sign(KAT_MESSAGE)
      expect(await verifySignature(kase.key, signature, KAT_MESSAGE)).toBe(true)
      if (deterministic(kase)) expect(bytesToHex(signature)).toBe(kase.signature)
    })
  } else {
    it('refuses to sign with a hash WebCrypto lacks, with a clear error', async () => {
      const key = await importPrivateKey(kase.private, { keyType: type, scheme })
      const error = await key.sign(KAT_MESSAGE).then(
        () => undefined,
        (caught: unknown) => caught,
      )
      expect(error).toBeInstanceOf(CoreError)
      expect(error).toMatchObject({ code: 'unsupported-algorithm', message: expect.stringContaining(kase.key.scheme) })
    })
  }

  it('exports the private key so that it imports again to the same key', async () => {
    const key = await importPrivateKey(kase.private, { keyType: type, scheme })
    const exported = type === 'rsa' ? await exportPrivateKeyPkcs8Pem(key) : await exportPrivateKeySslibJson(key)
    const again = await importPrivateKey(exported, { keyType: type, scheme })
    expect(again.publicKey).toEqual(key.publicKey)
  })
})
