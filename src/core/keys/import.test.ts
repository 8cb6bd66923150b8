import { describe, expect, it } from 'vitest'
import { exportPublicKeyPem } from './export.ts'
import { generateKeyPair } from './generate.ts'
import { importPublicKey } from './import.ts'

describe('importPublicKey', () => {
  // A functionary's .pub must carry the keyid its private key signs links with, or verification
  // cannot find their links (STEP.KEYID8.link) and rejects their signatures.
  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('gives a %s SPKI PEM the keyid of its private key', async (algorithm) => {
    const pair = await generateKeyPair(algorithm, { rsaBits: 2048 })
    const pem = exportPublicKeyPem(pair.publicKey)
    const imported = importPublicKey(pem)
    expect(imported.keyid).toBe(pair.publicKey.keyid)
    expect(importPublicKey(pem.replace(/\n/g, '\r\n')).keyid).toBe(pair.publicKey.keyid)
  })
})
