/**
 * Checking an envelope's signatures with the reference's rules.
 *
 * Metablock (in-toto 1.3.1 `Metablock.verify_signature`): only the FIRST signature whose
 * keyid is the key's (or, for an OpenPGP key, one of its subkeys') is checked; a bad one listed
 * before a good one fails. A malformed `sig` on that signature (odd length, non-hex) is fatal,
 * not "invalid". An OpenPGP signature is checked by openpgp/verify-signature.ts; an OpenPGP
 * signature meeting an ordinary key, or the other way round, is the reference's `FormatError`
 * (`GPG_PUBKEY_SCHEMA` / `KEY_SCHEMA` refuse the key): fatal.
 *
 * DSSE (securesystemslib `Envelope.verify`, as in-toto 2.x calls it with one key and
 * threshold 1): every signature with the key's keyid is tried; one valid is enough. An OpenPGP
 * signature there is securesystemslib's `GPGSigner` form: `{keyid, sig (base64), other_headers}`.
 *
 * Which keyids a key answers to is the caller's choice: a layout key answers to its embedded
 * keyid (the reference's rule); an owner key to every keyid generation's (keyid-generations.ts).
 */
import { CoreError } from '../errors.ts'
import { base64ToBytes } from '../encoding/base64.ts'
import { hexToBytes } from '../encoding/hex.ts'
import { verifySignature } from '../keys/signature.ts'
import { keyidsOf } from '../keys/keyid-generations.ts'
import { isOpenPgpKey, type OpenPgpPublicKey, type PublicKey, type VerificationKey } from '../keys/types.ts'
import { gpgKeyFromJson, type GpgKey } from '../openpgp/key-object.ts'
import { indexCertificates, verifyGpgSignature, type GpgSignatureObject } from '../openpgp/verify-signature.ts'
import { rememberSignedBytes, signedBytesOf } from './signed-bytes.ts'
import type { DsseSignature, Envelope, MetablockSignature } from './types.ts'

/**
 * `missing`: no signature carries one of the key's keyids. `expired`: the reference's
 * `KeyExpirationError` (an OpenPGP key past its validity). `revoked`: an OpenPGP key whose
 * certificate revokes it (the reference ignores revocations).
 */
export type SignatureStatus = 'valid' | 'invalid' | 'missing' | 'expired' | 'revoked'

export interface SignatureCheck {
  readonly status: SignatureStatus
  /** Why, for `invalid`, `expired` and `revoked` OpenPGP signatures. */
  readonly reason?: string
  /** The keyid of the signature that was checked (an OpenPGP subkey's, say). */
  readonly signatureKeyid?: string
}

export interface SignatureOptions {
  /** Keyids a signature by the key may carry (default: the key's own keyid). */
  readonly keyids?: readonly string[]
  /** When OpenPGP key expiry and revocation are judged (default: now). */
  readonly now?: Date
}

/** The status of `key`'s signature on `envelope`. See {@link checkEnvelopeSignature}. */
export async function verifyEnvelopeSignature(envelope: Envelope, key: VerificationKey, options: SignatureOptions = {}): Promise<SignatureStatus> {
  return (await checkEnvelopeSignature(envelope, key, options)).status
}

/**
 * Whether `envelope` carries a valid signature by `key`, and why not. Throws {@link CoreError}
 * where the reference raises something other than a signature failure (those end verification).
 */
export async function checkEnvelopeSignature(envelope: Envelope, key: VerificationKey, options: SignatureOptions = {}): Promise<SignatureCheck> {
  const ids = new Set(options.keyids ?? [key.keyid])
  const openpgp = isOpenPgpKey(key) ? { key, gpg: gpgKeyFromJson(key.keyObject, `'${key.keyid}'`) } : undefined
  const matches = (keyid: string): boolean => ids.has(keyid) || (openpgp?.gpg.subkeys.has(keyid) ?? false)
  const now = options.now ?? new Date()
  const bytes = () => signedBytesOf(envelope)

  if (envelope.format === 'metablock') {
    const signature = envelope.signatures.find((candidate) => matches(candidate.keyid))
    if (signature === undefined) return { status: 'missing' }
    if (signature.gpg !== (openpgp !== undefined)) throw mixedKinds(signature, key)
    if (openpgp) return checkGpg(openpgp.gpg, openpgp.key, gpgObject(signature, 'hex'), bytes(), now)
    const sig = hexToBytes(signature.sig, `signature by keyid '${signature.keyid}'`, 'signature-format')
    return { status: (await verifySignature(key as PublicKey, sig, bytes())) ? 'valid' : 'invalid', signatureKeyid: signature.keyid }
  }

  const candidates = envelope.signatures.filter((candidate) => matches(candidate.keyid))
  if (candidates.length === 0) return { status: 'missing' }
  let last: SignatureCheck = { status: 'invalid' }
  for (const candidate of candidates) {
    const isGpg = candidate.gpg
    if (openpgp && !isGpg) throw mixedKinds(candidate, key)
    // securesystemslib's SSlibKey only sees the sig bytes of an OpenPGP signature: they do not verify.
    if (!openpgp && isGpg) continue
    const check = openpgp
      ? await checkGpg(openpgp.gpg, openpgp.key, gpgObject(candidate, 'base64'), bytes(), now)
      : {
          status: (await verifySignature(key as PublicKey, base64ToBytes(candidate.sig, `DSSE signature by keyid '${candidate.keyid}'`), bytes()))
            ? ('valid' as const)
            : ('invalid' as const),
          signatureKeyid: candidate.keyid,
        }
    if (check.status === 'valid') return check
    last = check
  }
  return last
}

async function checkGpg(key: GpgKey, source: OpenPgpPublicKey, signature: GpgSignatureObject, content: Uint8Array, now: Date): Promise<SignatureCheck> {
  const certificates = source.certificate ? indexCertificates([source.certificate]) : undefined
  const verdict = await verifyGpgSignature(key, signature, content, { now, certificates })
  return verdict.status === 'valid' ? { status: 'valid', signatureKeyid: signature.keyid } : { status: verdict.status, reason: verdict.reason, signatureKeyid: signature.keyid }
}

function gpgObject(signature: MetablockSignature | DsseSignature, encoding: 'hex' | 'base64'): GpgSignatureObject {
  return { keyid: signature.keyid, otherHeaders: signature.json.get('other_headers') as string, signature: signature.sig, encoding }
}

function mixedKinds(signature: MetablockSignature | DsseSignature, key: VerificationKey): CoreError {
  const gpgSignature = signature.gpg
  return new CoreError(
    'format',
    gpgSignature
      ? `the signature by keyid '${signature.keyid}' is an OpenPGP (GPG) signature, but the key ${key.keyid} is not an OpenPGP key`
      : `the signature by keyid '${signature.keyid}' is not an OpenPGP signature, but the key ${key.keyid} is an OpenPGP (GPG) key`,
  )
}

export interface SignatureReport {
  readonly keyid: string
  /**
   * `unknown-key`: none of the given keys has this keyid; `error`: the check itself failed;
   * `expired` / `revoked`: an OpenPGP key no longer valid at the time of the check.
   */
  readonly status: 'valid' | 'invalid' | 'expired' | 'revoked' | 'unknown-key' | 'error'
  /** Whether it is an OpenPGP (GPG) signature. */
  readonly gpg: boolean
  /** The keyid of the key that checked it, when that differs (an owner key's other generation, an OpenPGP primary key). */
  readonly keyKeyid?: string
  readonly message?: string
}

/**
 * One entry per signature in the envelope, saying whether one of `keys` verifies it (a key
 * answers to each of its keyid generations, an OpenPGP key to its subkeys). For people reading a
 * signed document ("signed by alice: valid; by 3f2a…: unknown key"); the verifier uses
 * {@link checkEnvelopeSignature}.
 */
export async function reportSignatures(envelope: Envelope, keys: readonly VerificationKey[], options: { readonly now?: Date } = {}): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = []
  const known = keys.map((key) => ({ key, ids: new Set(keyidsOf(key)), subkeys: isOpenPgpKey(key) ? gpgKeyFromJson(key.keyObject, key.keyid).subkeys : undefined }))
  for (const signature of envelope.signatures) {
    const gpg = signature.gpg
    const entry = known.find(({ ids, subkeys }) => ids.has(signature.keyid) || (subkeys?.has(signature.keyid) ?? false))
    if (entry === undefined) {
      reports.push({ keyid: signature.keyid, status: 'unknown-key', gpg })
      continue
    }
    const keyKeyid = entry.key.keyid !== signature.keyid ? entry.key.keyid : undefined
    try {
      // Check this one signature alone (the envelope may hold others by the same key).
      const single = { ...envelope, signatures: [signature] } as Envelope
      rememberSignedBytes(single, signedBytesOf(envelope))
      const check = await checkEnvelopeSignature(single, entry.key, { keyids: [signature.keyid], now: options.now })
      const status = check.status === 'missing' ? 'invalid' : check.status
      reports.push({ keyid: signature.keyid, status, gpg, ...(keyKeyid ? { keyKeyid } : {}), ...(check.reason ? { message: check.reason } : {}) })
    } catch (error) {
      reports.push({ keyid: signature.keyid, status: 'error', gpg, ...(keyKeyid ? { keyKeyid } : {}), message: error instanceof Error ? error.message : String(error) })
    }
  }
  return reports
}
