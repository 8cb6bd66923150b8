import { describe, expect, it } from 'vitest'
import { base64ToBytes, bytesToBase64 } from '../encoding/base64.ts'
import { utf8 } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import { MIN_VAULT_ITERATIONS, VAULT_FORMAT, openSecret, parseVaultRecord, sealSecret, type VaultRecord } from './vault.ts'

const secret = utf8('-----BEGIN PRIVATE KEY-----\nsecret material\n-----END PRIVATE KEY-----\n')
const passphrase = 'correct horse battery staple'

async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(CoreError)
  return error as CoreError
}

describe('vault records', () => {
  it('round-trips a secret and records its parameters, without the plaintext', async () => {
    const record = await sealSecret(secret, passphrase)
    expect(record.format).toBe(VAULT_FORMAT)
    expect(record.version).toBe(1)
    expect(record.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: MIN_VAULT_ITERATIONS })
    expect(base64ToBytes(record.kdf.salt)).toHaveLength(16)
    expect(base64ToBytes(record.cipher.iv)).toHaveLength(12)
    // ciphertext = plaintext length + 16-byte GCM tag, and not the plaintext.
    const sealed = base64ToBytes(record.ciphertext)
    expect(sealed).toHaveLength(secret.length + 16)
    expect(JSON.stringify(record)).not.toContain('secret material')
    expect(JSON.stringify(record)).not.toContain(bytesToBase64(secret).slice(0, 24))
    expect(await openSecret(record, passphrase)).toEqual(secret)
  })

  it('uses a fresh salt and IV for every record', async () => {
    const [a, b] = await Promise.all([sealSecret(secret, passphrase), sealSecret(secret, passphrase)])
    expect(a.kdf.salt).not.toBe(b.kdf.salt)
    expect(a.cipher.iv).not.toBe(b.cipher.iv)
    expect(a.ciphertext).not.toBe(b.ciphertext)
  })

  it('refuses a wrong passphrase, a tampered ciphertext and other associated data', async () => {
    const record = await sealSecret(secret, passphrase, { associatedData: utf8('key A') })
    expect((await rejection(openSecret(record, 'correct horse battery stapler'))).code).toBe('decrypt')
    expect((await rejection(openSecret(record, passphrase, { associatedData: utf8('key B') }))).code).toBe('decrypt')
    expect((await rejection(openSecret(record, passphrase))).code).toBe('decrypt')
    const bytes = base64ToBytes(record.ciphertext)
    bytes[0]! ^= 1
    const tampered: VaultRecord = { ...record, ciphertext: bytesToBase64(bytes) }
    expect((await rejection(openSecret(tampered, passphrase, { associatedData: utf8('key A') }))).code).toBe('decrypt')
    expect(await openSecret(record, passphrase, { associatedData: utf8('key A') })).toEqual(secret)
  })

  it('refuses short passphrases and weak work factors', async () => {
    expect((await rejection(sealSecret(secret, 'short'))).message).toMatch(/at least 8 characters/)
    expect((await rejection(sealSecret(secret, passphrase, { iterations: 100_000 }))).message).toMatch(/600000/)
  })

  it('validates records read back from storage, naming the member', async () => {
    const record = await sealSecret(secret, passphrase)
    expect(parseVaultRecord(JSON.parse(JSON.stringify(record)))).toEqual(record)
    const cases: [unknown, string, RegExp][] = [
      [null, '', /not an object/],
      [{ ...record, format: 'other' }, 'format', /expected "layout-studio\/vault"/],
      [{ ...record, version: 2 }, 'version', /version 2 is not supported/],
      [{ ...record, kdf: { ...record.kdf, hash: 'SHA-1' } }, 'kdf', /PBKDF2 with SHA-256/],
      [{ ...record, kdf: { ...record.kdf, iterations: 1000 } }, '', /between 600000/],
      [{ ...record, kdf: { ...record.kdf, salt: 'AAAA' } }, 'kdf.salt', /16 bytes/],
      [{ ...record, cipher: { name: 'AES-GCM', iv: '!!' } }, 'cipher.iv', /12 bytes/],
      [{ ...record, ciphertext: 'AAAA' }, 'ciphertext', /authentication tag/],
    ]
    for (const [value, path, message] of cases) {
      let caught: unknown
      try {
        parseVaultRecord(value)
      } catch (error) {
        caught = error
      }
      expect(caught, JSON.stringify(value)).toBeInstanceOf(CoreError)
      expect((caught as CoreError).message).toMatch(message)
      if (path) expect((caught as CoreError).path).toBe(path)
    }
  })
})
