/**
 * Keys made with GnuPG 2.2 (__fixtures__/generate-openpgp-fixtures.py): the key object we build
 * must equal, byte for byte in canonical JSON, the one securesystemslib 0.26's export_pubkey
 * builds, except where the fixture's "expected" corrects the reference (see the generator), and
 * what we say about expiry, revocation and subkeys must agree with GnuPG's own listing.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { base64ToBytes } from '../encoding/base64.ts'
import { encodeCanonical } from '../json/canonical.ts'
import { parseJson } from '../json/parse.ts'
import type { JsonObject } from '../json/value.ts'
import { dearmor } from './armor.ts'
import { importOpenPgpKeys } from './import.ts'

interface ColonKey {
  readonly validity: string
  readonly algorithm: string
  readonly created: number
  readonly expires: number | null
  readonly fingerprint: string
}

interface FixtureKey {
  readonly name: string
  readonly description: string
  readonly fingerprint: string
  readonly armored: string
  readonly binary: string
  readonly gnupg: { readonly primary: ColonKey; readonly subkeys: readonly ColonKey[]; readonly uids: readonly { validity: string; text: string }[] }
  readonly reference: { readonly ok?: unknown; readonly error?: string }
  readonly expected: { readonly ok?: unknown; readonly error?: string }
}

const text = readFileSync(new URL('./__fixtures__/openpgp-keys.json', import.meta.url), 'utf8')
const fixture = JSON.parse(text) as { keys: FixtureKey[] }
const typed = parseJson(text) as JsonObject
const typedKeys = typed.get('keys') as JsonObject[]

function typedField(name: string, field: 'reference' | 'expected'): JsonObject | undefined {
  const entry = typedKeys.find((key) => key.get('name') === name) as JsonObject
  return (entry.get(field) as JsonObject).get('ok') as JsonObject | undefined
}

describe('OpenPGP keys made with GnuPG', () => {
  it('covers the kinds of keys the brief lists', () => {
    expect(fixture.keys.length).toBeGreaterThanOrEqual(20)
  })

  for (const key of fixture.keys) {
    describe(key.name, () => {
      it('dearmors to the binary export', () => {
        const blocks = dearmor(key.armored)
        expect(blocks).toHaveLength(1)
        expect(Buffer.from(blocks[0]!.bytes).toString('base64')).toBe(key.binary)
      })

      if (key.expected.ok === undefined) {
        it(`is refused (the reference: ${key.reference.error})`, async () => {
          await expect(importOpenPgpKeys(base64ToBytes(key.binary), `${key.name}.gpg`)).rejects.toThrow(/not supported/)
        })
        return
      }

      it(`builds the key object ${JSON.stringify(key.reference.ok) === JSON.stringify(key.expected.ok) ? 'of' : 'corrected from'} securesystemslib`, async () => {
        for (const input of [base64ToBytes(key.binary), new TextEncoder().encode(key.armored)]) {
          const [certificate, ...others] = await importOpenPgpKeys(input, key.name)
          expect(others).toEqual([])
          expect(encodeCanonical(certificate!.keyObject)).toBe(encodeCanonical(typedField(key.name, 'expected')!))
        }
      })

      it('agrees with GnuPG on expiry, revocation and subkeys', async () => {
        const [certificate] = await importOpenPgpKeys(base64ToBytes(key.binary), key.name)
        const { primary, subkeys } = key.gnupg
        expect(certificate!.primary.fingerprint).toBe(key.fingerprint)
        expect(certificate!.primary.expires ?? null).toBe(primary.expires)
        expect(certificate!.primary.revocation !== undefined).toBe(primary.validity === 'r')
        expect(certificate!.subkeys.map((sub) => sub.fingerprint)).toEqual(subkeys.map((sub) => sub.fingerprint))
        for (const [index, sub] of subkeys.entries()) {
          const ours = certificate!.subkeys[index]!
          expect(ours.expires ?? null).toBe(sub.expires)
          expect(ours.revocation !== undefined).toBe(sub.validity === 'r')
        }
        // GnuPG lists the primary user ID first, and every user ID of a revoked key as revoked.
        const uids = (list: readonly { text: string; revoked: boolean }[]) => [...list].sort((a, b) => a.text.localeCompare(b.text))
        const keyRevoked = primary.validity === 'r'
        expect(uids(certificate!.userIds.map((uid) => ({ text: uid.text, revoked: keyRevoked || uid.revocation !== undefined })))).toEqual(
          uids(key.gnupg.uids.map((uid) => ({ text: uid.text, revoked: uid.validity === 'r' }))),
        )
        expect(certificate!.userIds.find((uid) => uid.primary)?.text).toBe(key.gnupg.uids[0]?.text)
      })
    })
  }
})
