/** The reference's known answers per key type and scheme (test/core/fixtures/generate-key-kat.py). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { hexToBytes } from '../../src/core/encoding/hex.ts'
import type { KeyAlgorithm, PublicKey } from '../../src/core/keys/types.ts'

export interface KatCase {
  readonly name: string
  /** Private key file text as `in-toto-sign -t TYPE` reads it. */
  readonly private: string
  /** Public key file text as `in-toto-verify --layout-keys` reads it. */
  readonly public_file: string
  /** The public key as securesystemslib's import functions return it. */
  readonly key: PublicKey
  /** The keyid the reference signs with when it loads `private`. */
  readonly private_keyid: string
  /** Hex signature over the message, made by the reference. */
  readonly signature: string
}

interface KatFile {
  readonly message_hex: string
  readonly cases: readonly KatCase[]
}

const kat = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/key-kat/key-kat.json'), 'utf8')) as KatFile

export const KAT_MESSAGE: Uint8Array = hexToBytes(kat.message_hex)
export const KAT_CASES: readonly KatCase[] = kat.cases

/** The `-t` type the reference tools take for a case. */
export function katKeyType(kase: KatCase): KeyAlgorithm {
  return kase.key.keytype === 'rsa' ? 'rsa' : kase.key.keytype === 'ed25519' ? 'ed25519' : 'ecdsa'
}
