/**
 * Node's Ed25519 check registered by the CLI decides exactly as the core's WebCrypto path: on
 * valid signatures, on every byte position of signature and message flipped, on S ≥ L, on
 * small-order R, on the wrong key and on signatures of the wrong length.
 */
import * as ed from '@noble/ed25519'
import { afterEach, describe, expect, it } from 'vitest'
import { createEd25519Verifier } from '../core/crypto/ed25519.ts'
import { nativeEd25519, useNativeEd25519 } from '../core/crypto/native.ts'
import { installNodeCrypto } from './native-crypto.ts'

const L = (1n << 252n) + 27742317777372353535851937790883648493n

function withSPlusL(signature: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i] as number)
  s += L
  const out = new Uint8Array(signature)
  for (let i = 32; i < 64; i++) {
    out[i] = Number(s & 0xffn)
    s >>= 8n
  }
  return out
}

async function verdicts(publicKey: Uint8Array, cases: readonly (readonly [Uint8Array, Uint8Array])[]): Promise<boolean[]> {
  const verify = await createEd25519Verifier(publicKey)
  return Promise.all(cases.map(([signature, message]) => verify(signature, message)))
}

describe("the CLI's native Ed25519 check", () => {
  afterEach(() => useNativeEd25519(undefined))

  it('is registered by installNodeCrypto', () => {
    expect(nativeEd25519()).toBeUndefined()
    installNodeCrypto()
    expect(nativeEd25519()).toBeTypeOf('function')
  })

  it('decides as WebCrypto on valid, tampered and malformed signatures', async () => {
    const secret = ed.utils.randomSecretKey()
    const publicKey = ed.getPublicKey(secret)
    const other = ed.getPublicKey(ed.utils.randomSecretKey())
    const message = new TextEncoder().encode('{"_type":"link","name":"build"}'.repeat(50))
    const signature = ed.sign(message, secret)
    const cases: (readonly [Uint8Array, Uint8Array])[] = [
      [signature, message],
      [withSPlusL(signature), message],
      [signature.subarray(0, 63), message],
    ]
    const smallOrderR = new Uint8Array(signature)
    smallOrderR.fill(0, 0, 32)
    smallOrderR[0] = 1
    cases.push([smallOrderR, message])
    for (let i = 0; i < 64; i++) {
      const flipped = new Uint8Array(signature)
      flipped[i]! ^= 1 << (i % 8)
      cases.push([flipped, message])
    }
    for (let i = 0; i < message.length; i += 97) {
      const flipped = new Uint8Array(message)
      flipped[i]! ^= 0x20
      cases.push([signature, flipped])
    }
    const webCrypto = await verdicts(publicKey, cases)
    const wrongKeyWebCrypto = await verdicts(other, cases)
    installNodeCrypto()
    expect(await verdicts(publicKey, cases)).toEqual(webCrypto)
    expect(await verdicts(other, cases)).toEqual(wrongKeyWebCrypto)
    expect(webCrypto[0]).toBe(true)
    expect(webCrypto.filter(Boolean)).toHaveLength(1)
  })
})
