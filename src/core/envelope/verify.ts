/**
 * Checking an envelope's signatures with the reference's rules.
 *
 * Metablock (in-toto 1.3.1 `Metablock.verify_signature`): only the FIRST signature whose
 * keyid equals the key's keyid is checked; a bad one listed before a good one fails.
 * A malformed `sig` on that signature (odd length, non-hex) is fatal, not "invalid".
 *
 * DSSE (securesystemslib `Envelope.verify`, as in-toto 2.x calls it with one key and
 * threshold 1): every signature with the key's keyid is tried; one valid is enough.
 */
import { CoreError } from '../errors.ts'
import { base64ToBytes } from '../encoding/base64.ts'
import { hexToBytes } from '../encoding/hex.ts'
import { verifySignature } from '../keys/signature.ts'
import type { PublicKey } from '../keys/types.ts'
import { signedBytesOf } from './signed-bytes.ts'
import type { Envelope } from './types.ts'

/** `missing`: no signature carries the key's keyid. */
export type SignatureStatus = 'valid' | 'invalid' | 'missing'

/**
 * Whether `envelope` carries a valid signature by `key`. Throws {@link CoreError} where the
 * reference raises something other than a signature failure (those end verification).
 */
export async function verifyEnvelopeSignature(envelope: Envelope, key: PublicKey): Promise<SignatureStatus> {
  if (envelope.format === 'metablock') {
    const signature = envelope.signatures.find((candidate) => candidate.keyid === key.keyid)
    if (signature === undefined) return 'missing'
    if (signature.gpg) {
      throw new CoreError('unsupported-algorithm', `signature by keyid '${key.keyid}' is a GPG signature, which Layout Studio cannot verify`)
    }
    const sig = hexToBytes(signature.sig, `signature by keyid '${key.keyid}'`, 'signature-format')
    return (await verifySignature(key, sig, signedBytesOf(envelope))) ? 'valid' : 'invalid'
  }
  const candidates = envelope.signatures.filter((candidate) => candidate.keyid === key.keyid)
  if (candidates.length === 0) return 'missing'
  for (const candidate of candidates) {
    const sig = base64ToBytes(candidate.sig, `DSSE signature by keyid '${key.keyid}'`)
    if (await verifySignature(key, sig, signedBytesOf(envelope))) return 'valid'
  }
  return 'invalid'
}

export interface SignatureReport {
  readonly keyid: string
  /** `unknown-key`: none of the given keys has this keyid; `error`: the check itself failed. */
  readonly status: 'valid' | 'invalid' | 'unknown-key' | 'error'
  readonly message?: string
}

/**
 * One entry per signature in the envelope, saying whether one of `keys` verifies it. For
 * people reading a signed document ("signed by alice: valid; by 3f2a…: unknown key"); the
 * verifier uses {@link verifyEnvelopeSignature}.
 */
export async function reportSignatures(envelope: Envelope, keys: readonly PublicKey[]): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = []
  for (const signature of envelope.signatures) {
    const key = keys.find((candidate) => candidate.keyid === signature.keyid)
    if (key === undefined) {
      reports.push({ keyid: signature.keyid, status: 'unknown-key' })
      continue
    }
    try {
      const bytes = envelope.format === 'metablock' ? hexToBytes(signature.sig, 'signature', 'signature-format') : base64ToBytes(signature.sig, 'DSSE signature')
      if ('gpg' in signature && signature.gpg) throw new CoreError('unsupported-algorithm', 'GPG signatures cannot be verified here')
      const valid = await verifySignature(key, bytes, signedBytesOf(envelope))
      reports.push({ keyid: signature.keyid, status: valid ? 'valid' : 'invalid' })
    } catch (error) {
      reports.push({ keyid: signature.keyid, status: 'error', message: error instanceof Error ? error.message : String(error) })
    }
  }
  return reports
}
