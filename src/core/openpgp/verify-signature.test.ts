/**
 * Signatures made through securesystemslib 0.26's create_signature (gpg --detach-sign), checked
 * against the reference's verify_signature verdicts in __fixtures__/openpgp-keys.json: same
 * verdict with the reference's key object; with ours, the same except where ours corrects it;
 * with the key's certificate known, revocations and expiries the key object cannot state.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { base64ToBytes } from '../encoding/base64.ts'
import { parseJson } from '../json/parse.ts'
import type { JsonObject } from '../json/value.ts'
import { importOpenPgpKeys } from './import.ts'
import { gpgKeyFromJson } from './key-object.ts'
import { indexCertificates, verifyGpgSignature, type GpgSignatureObject } from './verify-signature.ts'

const typed = parseJson(readFileSync(new URL('./__fixtures__/openpgp-keys.json', import.meta.url), 'utf8')) as JsonObject
const keys = typed.get('keys') as JsonObject[]
const signatures = typed.get('signatures') as JsonObject[]
const NOW = new Date('2026-06-01T00:00:00Z')

function keyEntry(name: string): JsonObject {
  return keys.find((key) => key.get('name') === name)!
}

function keyObject(name: string, which: 'reference' | 'expected'): JsonObject | undefined {
  return (keyEntry(name).get(which) as JsonObject).get('ok') as JsonObject | undefined
}

function signatureObject(entry: JsonObject): GpgSignatureObject {
  const sig = entry.get('signature') as JsonObject
  return { keyid: sig.get('keyid') as string, otherHeaders: sig.get('other_headers') as string, signature: sig.get('signature') as string, encoding: 'hex' }
}

/** Where our key object (and so our verdict) deliberately differs from the reference's. */
const OURS_DIFFERS: Readonly<Record<string, string>> = {
  // The reference drops ed25519 subkeys (packet framing) and never reads an ed25519 key's expiry.
  'ed25519-cert-only-ed25519-and-rsa-signing-subkeys': 'valid',
  'rsa-ed25519-signing-subkey': 'valid',
  'ed25519-expired': 'expired',
  // A validity period over 2^31−1 fails securesystemslib's schema (FormatError); the key is fine.
  'rsa-expiry-extended': 'valid',
}

describe('GPG signatures made by securesystemslib create_signature', () => {
  for (const entry of signatures.filter((s) => s.has('reference'))) {
    const name = entry.get('key') as string
    const signer = entry.get('signer') as string
    const content = new TextEncoder().encode(entry.get('content') as string)
    const reference = entry.get('reference') as string | undefined
    const signature = signatureObject(entry)

    describe(`${name}, signed by ${signer.slice(0, 8)}`, () => {
      if (reference !== undefined && reference !== 'FormatError') {
        it(`gets the reference's verdict with the reference's key object (${reference})`, async () => {
          const key = gpgKeyFromJson(keyObject(name, 'reference')!, 'reference')
          const verdict = await verifyGpgSignature(key, signature, content, { now: NOW })
          expect(verdict.status).toBe(reference === 'KeyExpirationError' ? 'expired' : reference)
          const tampered = await verifyGpgSignature(key, signature, new Uint8Array([...content, 0x21]), { now: NOW })
          expect(tampered.status).toBe(entry.get('reference_tampered') === 'KeyExpirationError' ? 'expired' : 'invalid')
        })
      }

      if (reference !== undefined) {
        const ours = OURS_DIFFERS[name] ?? (reference === 'KeyExpirationError' ? 'expired' : reference)
        it(`is ${ours} with our key object${OURS_DIFFERS[name] ? ' (the reference is wrong here)' : ''}`, async () => {
          const key = gpgKeyFromJson(keyObject(name, 'expected')!, 'expected')
          expect((await verifyGpgSignature(key, signature, content, { now: NOW })).status).toBe(ours)
        })
      }
    })
  }

  it('refuses a signature by a revoked key once its certificate is known (the reference ignores revocations)', async () => {
    const entry = signatures.find((s) => s.get('key') === 'rsa-revoked')!
    const key = gpgKeyFromJson(keyObject('rsa-revoked', 'expected')!, 'expected')
    const content = new TextEncoder().encode(entry.get('content') as string)
    expect((await verifyGpgSignature(key, signatureObject(entry), content, { now: NOW })).status).toBe('valid')
    const certificates = indexCertificates(await importOpenPgpKeys(base64ToBytes(keyEntry('rsa-revoked').get('binary') as string)))
    const verdict = await verifyGpgSignature(key, signatureObject(entry), content, { now: NOW, certificates })
    expect(verdict).toMatchObject({ status: 'revoked', reason: expect.stringMatching(/was revoked on 2024-01-01T00:00:00Z \(no reason given/) })
  })

  it('refuses a signature by a revoked subkey that the reference keeps in the key object', async () => {
    const entry = signatures.find((s) => s.get('key') === 'rsa-revoked-signing-subkey' && s.get('content') === 'signed before the revocation')!
    const content = new TextEncoder().encode(entry.get('content') as string)
    const referenceKey = gpgKeyFromJson(keyObject('rsa-revoked-signing-subkey', 'reference')!, 'reference')
    expect((await verifyGpgSignature(referenceKey, signatureObject(entry), content, { now: NOW })).status).toBe('valid')
    const certificates = indexCertificates(await importOpenPgpKeys(base64ToBytes(keyEntry('rsa-revoked-signing-subkey').get('binary') as string)))
    expect(await verifyGpgSignature(referenceKey, signatureObject(entry), content, { now: NOW, certificates })).toMatchObject({ status: 'revoked' })
    // Our key object leaves the revoked subkey out: its signature is then checked against the primary key.
    const ourKey = gpgKeyFromJson(keyObject('rsa-revoked-signing-subkey', 'expected')!, 'expected')
    expect(ourKey.subkeys.has(signatureObject(entry).keyid)).toBe(false)
  })

  it('refuses an ed25519 key expired by its certificate when the key object (as the reference writes it) has no expiry', async () => {
    const entry = signatures.find((s) => s.get('key') === 'ed25519-expired')!
    const content = new TextEncoder().encode(entry.get('content') as string)
    const referenceKey = gpgKeyFromJson(keyObject('ed25519-expired', 'reference')!, 'reference')
    const certificates = indexCertificates(await importOpenPgpKeys(base64ToBytes(keyEntry('ed25519-expired').get('binary') as string)))
    expect(await verifyGpgSignature(referenceKey, signatureObject(entry), content, { now: NOW, certificates })).toMatchObject({ status: 'expired' })
  })
})
