import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../core/errors.ts'
import { utf8 } from '../../core/encoding/utf8.ts'
import { verifySignature } from '../../core/keys/signature.ts'
import { exportPrivateKeyPkcs8Pem } from '../../core/keys/export.ts'
import { PasswordRequiredError } from '../../core/keys/import.ts'
import { createMemoryKeyStorage, type KeyStorage, type StoredKey } from './key-storage.ts'
import { createKeyringStore } from './keyring-store.ts'

const demo = (name: string) => readFileSync(new URL(`../../../test/fixtures/upstream/demo_files/${name}`, import.meta.url), 'utf8')
// alice.pub's keyid as securesystemslib 0.26 computes it (interface.import_rsa_publickey_from_file).
const ALICE_KEYID = '556caebdc0877eed53d419b60eddb1e57fa773e4e31d70698b588f3e9cc48b35'
const PASSPHRASE = 'a long device passphrase'

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (error: unknown) => error,
  )
}

/** Storage that records what was written, to check that no private key leaves unsealed. */
function recordingStorage(): KeyStorage & { writes: StoredKey[] } {
  const inner = createMemoryKeyStorage()
  const writes: StoredKey[] = []
  return {
    ...inner,
    writes,
    put: async (key) => {
      writes.push(structuredClone(key))
      await inner.put(key)
    },
  }
}

describe('keyring store', () => {
  it('generates each key type with a working signing key and its keyid', async () => {
    const store = createKeyringStore(createMemoryKeyStorage())
    for (const algorithm of ['ed25519', 'ecdsa'] as const) {
      const entry = await store.getState().generate(algorithm, ` ${algorithm} owner `)
      expect(entry.label).toBe(`${algorithm} owner`)
      expect(entry.id).toMatch(/^[0-9a-f]{64}$/)
      expect(entry.id).toBe(entry.publicKey.keyid)
      const data = utf8('layout bytes')
      expect(await verifySignature(entry.publicKey, await entry.privateKey!.sign(data), data)).toBe(true)
    }
    const unnamed = await store.getState().generate('ed25519')
    expect(unnamed.label).toBe(`ed25519-${unnamed.id.slice(0, 8)}`)
    expect(store.getState().keys.map((key) => key.publicKey.keytype)).toEqual(['ed25519', 'ecdsa', 'ed25519'])
  })

  it('imports private and public keys, naming them after the file, without duplicates', async () => {
    const store = createKeyringStore(createMemoryKeyStorage())
    const bob = await store.getState().importKey(demo('bob.pub'), { file: 'bob.pub' })
    expect(bob).toMatchObject({ label: 'bob', privateKey: undefined, id: '776a00e29f3559e0141b3b096f696abc6cfb0c657ab40f441132b345b08453f5' })
    const alicePublic = await store.getState().importKey(demo('alice.pub'), { file: 'alice.pub' })
    expect(alicePublic.id).toBe(ALICE_KEYID)
    expect(alicePublic.privateKey).toBeUndefined()
    // The private half fills in the public-only entry instead of adding a second one.
    const alice = await store.getState().importKey(utf8(demo('alice')), { file: 'alice' })
    expect(alice.id).toBe(ALICE_KEYID)
    expect(alice.privateKey).toBeDefined()
    expect(store.getState().keys.map((key) => [key.label, key.privateKey !== undefined])).toEqual([
      ['bob', false],
      ['alice', true],
    ])
    const danny = await store.getState().importKey(demo('danny'), { label: 'Danny' })
    expect(danny).toMatchObject({ label: 'Danny', publicKey: { keytype: 'ed25519' } })
    expect(danny.privateKey).toBeDefined()
  })

  it('asks for the password of an encrypted key and refuses a wrong one', async () => {
    const source = createKeyringStore(createMemoryKeyStorage())
    const alice = await source.getState().importKey(demo('alice'), { file: 'alice' })
    const encrypted = await exportPrivateKeyPkcs8Pem(alice.privateKey!, 'export password')
    const store = createKeyringStore(createMemoryKeyStorage())
    expect(await rejection(store.getState().importKey(encrypted, { file: 'alice.pem' }))).toBeInstanceOf(PasswordRequiredError)
    const wrong = await rejection(store.getState().importKey(encrypted, { file: 'alice.pem', password: 'wrong password' }))
    expect(wrong).toBeInstanceOf(CoreError)
    expect((wrong as CoreError).code).toBe('decrypt')
    expect((wrong as CoreError).file).toBe('alice.pem')
    expect(store.getState().keys).toEqual([])
    const imported = await store.getState().importKey(encrypted, { file: 'alice.pem', password: 'export password' })
    expect(imported.id).toBe(ALICE_KEYID)
  })

  it('reports unreadable input with the file name', async () => {
    const store = createKeyringStore(createMemoryKeyStorage())
    const error = await rejection(store.getState().importKey('hello', { file: 'notes.txt' }))
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).message).toMatch(/^notes\.txt: /)
  })

  it('remembers keys sealed under a passphrase and unlocks them after a reload', async () => {
    const storage = recordingStorage()
    const first = createKeyringStore(storage)
    const owner = await first.getState().generate('ed25519', 'owner')
    await first.getState().importKey(demo('bob.pub'), { file: 'bob.pub' })
    expect((await rejection(first.getState().remember('short'))) as Error).toHaveProperty('message', expect.stringMatching(/at least 8/))
    expect(await first.getState().remember(PASSPHRASE)).toBe(2)
    expect(first.getState().keys.every((key) => key.remembered)).toBe(true)
    // No stored record holds the private key in clear.
    const seed = owner.privateKey!.exportPkcs8!()
    const seedHex = Buffer.from(seed.slice(-32)).toString('hex')
    expect(JSON.stringify(storage.writes)).not.toContain(seedHex)
    expect(JSON.stringify(storage.writes)).not.toContain(Buffer.from(seed).toString('base64'))
    expect(storage.writes.find((record) => record.id === owner.id)?.sealed).toBeDefined()
    expect(storage.writes.find((record) => record.label === 'bob')?.sealed).toBeUndefined()

    // A new page: public halves are back at once, the private key is locked.
    const second = createKeyringStore(storage)
    await second.getState().load()
    expect(second.getState().keys.map((key) => [key.label, key.locked, key.privateKey !== undefined])).toEqual([
      ['owner', true, false],
      ['bob', false, false],
    ])
    const wrong = await rejection(second.getState().unlock('not the passphrase'))
    expect((wrong as CoreError).code).toBe('decrypt')
    expect(await second.getState().unlock(PASSPHRASE)).toBe(1)
    const unlocked = second.getState().keys[0]!
    expect(unlocked.locked).toBe(false)
    const data = utf8('signed bytes')
    expect(await verifySignature(owner.publicKey, await unlocked.privateKey!.sign(data), data)).toBe(true)
  })

  it('keeps one passphrase per device and forgets everything on request', async () => {
    const storage = createMemoryKeyStorage()
    const store = createKeyringStore(storage)
    await store.getState().generate('ed25519', 'one')
    await store.getState().remember(PASSPHRASE)
    await store.getState().generate('ed25519', 'two')
    expect(store.getState().keys.map((key) => key.remembered)).toEqual([true, false])
    const mismatch = await rejection(store.getState().remember('another passphrase'))
    expect((mismatch as CoreError).message).toMatch(/does not open the keys already remembered/)
    expect(await storage.list()).toHaveLength(1)
    expect(await store.getState().remember(PASSPHRASE)).toBe(2)
    expect(await storage.list()).toHaveLength(2)

    await store.getState().remove(store.getState().keys[0]!.id)
    expect((await storage.list()).map((record) => record.label)).toEqual(['two'])

    await store.getState().forgetAll()
    expect(store.getState().keys).toEqual([])
    expect(await storage.list()).toEqual([])
    const reloaded = createKeyringStore(storage)
    await reloaded.getState().load()
    expect(reloaded.getState().keys).toEqual([])
  })

  it('refuses a stored record whose public key was swapped', async () => {
    const storage = createMemoryKeyStorage()
    const store = createKeyringStore(storage)
    await store.getState().generate('ed25519', 'one')
    const other = await store.getState().generate('ed25519', 'two')
    await store.getState().remember(PASSPHRASE)
    const [first] = await storage.list()
    // Pair the first key's sealed private key with the second key's public half.
    await storage.put({ ...first!, id: other.id, label: 'two', publicKey: other.publicKey })
    const reloaded = createKeyringStore(storage)
    await reloaded.getState().load()
    expect(((await rejection(reloaded.getState().unlock(PASSPHRASE))) as CoreError).code).toBe('decrypt')
  })
})
