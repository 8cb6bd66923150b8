/**
 * Keys that verify as the reference verifies them but protect nothing: an RSA key under 2048
 * bits (512 bits are factored in hours, and then anyone signs as its holder), an RSA public
 * exponent below 65537 (with e = 1 every value is its own signature: anyone forges that
 * functionary's links; small exponents such as 3 allow forgeries against lenient PKCS#1 v1.5
 * checks), an even exponent, and Ed25519 points of small order or non-canonical encoding
 * (the eight known low-order points: a signature "by" such a key can be made without any
 * private key, or is refused by libsodium, depending on the verifier).
 *
 * The reference accepts them, and so does the verifier (the verdict stays the reference's);
 * `check`, the editor's lint and the verification report name them loudly.
 */
import { publicKeyRejection } from '../crypto/ed25519.ts'
import { bitLength } from '../encoding/bigint.ts'
import { isSchemaHex } from '../encoding/hex.ts'
import type { JsonObject } from '../json/value.ts'
import { pythonHexInt } from '../openpgp/key-object.ts'
import { loadPublicKeyPem } from './spki.ts'

/** Smallest RSA modulus accepted as strong (NIST SP 800-131A: 2048 bits since 2014). */
export const MIN_RSA_BITS = 2048
/** Smallest RSA public exponent accepted as strong (F4, what every tool generates). */
export const MIN_RSA_EXPONENT = 65537n

/** What a key needs for the check: a securesystemslib key, or an OpenPGP key object. */
export interface KeyToCheck {
  readonly keytype: string
  /** `keyval.public`: PEM for rsa/ecdsa, hex for ed25519 (ignored for OpenPGP keys). */
  readonly public: string
  /** The key object, when it is an OpenPGP key (`keyval.public` holds its numbers). */
  readonly openpgp?: JsonObject
}

/** Why `key` is weak, in one sentence, or `undefined` when it is not (or cannot be read: other checks report that). */
export function keyWeakness(key: KeyToCheck): string | undefined {
  if (key.openpgp !== undefined) return openpgpWeakness(key.keytype, key.openpgp)
  if (key.keytype === 'rsa') {
    let parsed: ReturnType<typeof loadPublicKeyPem>
    try {
      parsed = loadPublicKeyPem(key.public)
    } catch {
      return undefined
    }
    return parsed.type === 'rsa' ? rsaWeakness(parsed.n, parsed.e) : undefined
  }
  if (key.keytype === 'ed25519') {
    if (key.public.length !== 64 || !isSchemaHex(key.public)) return undefined
    const raw = Uint8Array.from({ length: 32 }, (_, i) => Number.parseInt(key.public.slice(2 * i, 2 * i + 2), 16))
    const rejection = publicKeyRejection(raw)
    if (rejection === undefined) return undefined
    return `the Ed25519 public key is a ${rejection}: it is not a key anyone holds, and signatures "by" it can be made without a private key (or are refused outright, depending on the verifier)`
  }
  return undefined
}

/** The weakness of RSA numbers, if any. */
export function rsaWeakness(n: bigint, e: bigint): string | undefined {
  if (e === 1n) return 'the RSA public exponent is 1: every value is its own signature, so anyone can forge signatures by this key'
  if ((e & 1n) === 0n) return `the RSA public exponent ${e} is even: not a working RSA key`
  const bits = bitLength(n)
  if (bits < MIN_RSA_BITS) return `the RSA key has ${bits} bits (at least ${MIN_RSA_BITS} are needed): keys this short can be factored, and then anyone can sign as this key`
  if (e < MIN_RSA_EXPONENT)
    return `the RSA public exponent is ${e} (at least ${MIN_RSA_EXPONENT} is expected): small exponents allow forged signatures against lenient PKCS#1 v1.5 checks`
  return undefined
}

function openpgpWeakness(type: string, key: JsonObject): string | undefined {
  const keyval = key.get('keyval')
  const values = keyval instanceof Map ? keyval.get('public') : undefined
  if (!(values instanceof Map)) return undefined
  const number = (name: string) => {
    const text = values.get(name)
    return typeof text === 'string' ? pythonHexInt(text) : undefined
  }
  if (type === 'rsa') {
    const n = number('n')
    const e = number('e')
    return n === undefined || e === undefined ? undefined : rsaWeakness(n, e)
  }
  if (type === 'dsa') {
    const p = number('p')
    if (p !== undefined && bitLength(p) < MIN_RSA_BITS) return `the DSA key has ${bitLength(p)} bits (at least ${MIN_RSA_BITS} are needed): keys this short can be broken`
    return undefined
  }
  if (type === 'eddsa') {
    const q = values.get('q')
    if (typeof q !== 'string' || q.length !== 64 || !isSchemaHex(q)) return undefined
    const raw = Uint8Array.from({ length: 32 }, (_, i) => Number.parseInt(q.slice(2 * i, 2 * i + 2), 16))
    const rejection = publicKeyRejection(raw)
    return rejection === undefined ? undefined : `the Ed25519 public key is a ${rejection}: it is not a key anyone holds`
  }
  return undefined
}
