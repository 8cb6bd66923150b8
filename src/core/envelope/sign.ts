/**
 * Creating envelopes and adding signatures.
 *
 * Metablock signatures cover the canonical JSON of the normalized `signed` object, exactly
 * as `in-toto-sign` signs. A DSSE payload is the normalized object as in-toto 2.x writes it,
 * `json.dumps(sort_keys=True, separators=(",", ":"))` (ASCII, escaped control characters; the
 * upstream demo_dsse_files are byte-identical to this). Not canonical JSON: that leaves
 * newlines in PEM keys unescaped, which no JSON parser reads back. Once signed, the payload's
 * bytes never change, so appending a signature to a DSSE envelope signs the stored payload.
 */
import { bytesToBase64 } from '../encoding/base64.ts'
import { CoreError } from '../errors.ts'
import { bytesToHex } from '../encoding/hex.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { utf8 } from '../encoding/utf8.ts'
import { pythonJsonDumps } from '../json/python-dump.ts'
import type { JsonObject } from '../json/value.ts'
import type { PrivateKey } from '../keys/types.ts'
import { layoutToSigned } from '../model/layout.ts'
import { linkToSigned } from '../model/link.ts'
import { gpgSignatureJson } from '../openpgp/signature-object.ts'
import { pae } from './pae.ts'
import { signedBytesOf } from './signed-bytes.ts'
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope, type Envelope, type Metablock, type SignedDocument } from './types.ts'

export type EnvelopeFormat = Envelope['format']

export function normalizedSigned(content: SignedDocument): JsonObject {
  return content.type === 'layout' ? layoutToSigned(content.layout) : linkToSigned(content.link)
}

/** An envelope with no signatures yet. */
export function createEnvelope(content: SignedDocument, format: EnvelopeFormat): Envelope {
  const signed = normalizedSigned(content)
  if (format === 'metablock') return { format, content, signed, signatures: [], ignoredFields: [] }
  // Refuse what canonical JSON cannot encode (floats), as the metablock path does.
  canonicalBytes(signed, 'signed')
  const payload = utf8(pythonJsonDumps(signed, { indent: undefined }))
  return { format, content, payloadType: IN_TOTO_PAYLOAD_TYPE, payload, pae: pae(IN_TOTO_PAYLOAD_TYPE, payload), signatures: [], ignoredFields: [] }
}

export interface SignOptions {
  /** Drop the existing signatures first (what `in-toto-sign` does without `--append`). */
  readonly replace?: boolean
}

/**
 * Returns a copy of `envelope` signed by every key in `signers`. A signer that already signed
 * has its old signature replaced rather than duplicated.
 */
export async function addSignatures(envelope: Envelope, signers: readonly PrivateKey[], options: SignOptions = {}): Promise<Envelope> {
  const bytes = signedBytesOf(envelope)
  const fresh = await Promise.all(signers.map(async (signer) => ({ keyid: signer.publicKey.keyid, raw: await signer.sign(bytes) })))
  const signerIds = new Set(fresh.map((signature) => signature.keyid))
  if (envelope.format === 'metablock') {
    const kept = options.replace ? [] : envelope.signatures.filter((signature) => !signerIds.has(signature.keyid))
    const added = fresh.map(({ keyid, raw }) => {
      const sig = bytesToHex(raw)
      return {
        keyid,
        sig,
        gpg: false,
        json: new Map([
          ['keyid', keyid],
          ['sig', sig],
        ]) as JsonObject,
      }
    })
    return { ...envelope, signatures: [...kept, ...added] } satisfies Metablock
  }
  const kept = options.replace ? [] : envelope.signatures.filter((signature) => !signerIds.has(signature.keyid))
  const added = fresh.map(({ keyid, raw }) => {
    const sig = bytesToBase64(raw)
    return {
      keyid,
      sig,
      gpg: false,
      json: new Map([
        ['keyid', keyid],
        ['sig', sig],
      ]) as JsonObject,
    }
  })
  return { ...envelope, signatures: [...kept, ...added] } satisfies DsseEnvelope
}

/** Creates an envelope for `document` and signs it with `signers`. */
export async function signDocument(content: SignedDocument, signers: readonly PrivateKey[], format: EnvelopeFormat = 'metablock'): Promise<Envelope> {
  return addSignatures(createEnvelope(content, format), signers)
}

/** The envelope as a JSON object (signature objects keep any extra members they came with). */
export function envelopeToJson(envelope: Envelope): JsonObject {
  const signatures = envelope.signatures.map((signature) => signature.json)
  if (envelope.format === 'metablock') {
    return new Map<string, JsonObject[] | JsonObject>([
      ['signatures', signatures],
      ['signed', envelope.signed],
    ]) as JsonObject
  }
  return new Map<string, string | JsonObject[]>([
    ['payload', bytesToBase64(envelope.payload)],
    ['payloadType', envelope.payloadType],
    ['signatures', signatures],
  ]) as JsonObject
}

/** The file text, formatted exactly as in-toto's `Metablock.dump` writes it. */
export function serializeEnvelope(envelope: Envelope): string {
  return pythonJsonDumps(envelopeToJson(envelope))
}

/** An OpenPGP signature made over {@link signedBytesOf} the envelope (by gpg: openpgp/signature-object.ts). */
export interface OpenPgpSignatureValue {
  readonly keyid: string
  readonly otherHeaders: string
  readonly signature: string
}

/**
 * Returns a copy of the metablock `envelope` with OpenPGP signatures added, as `in-toto-sign
 * --gpg` / `Metablock.sign_gpg` add them (a key that already signed has its signature replaced).
 * DSSE envelopes are refused: in-toto 2.x and 3.0 neither write nor verify OpenPGP signatures in
 * them (`Envelope.create_signature`: "GPG Signing is not implemented").
 */
export function addOpenPgpSignatures(envelope: Envelope, signatures: readonly OpenPgpSignatureValue[], options: SignOptions = {}): Metablock {
  if (envelope.format !== 'metablock')
    throw new CoreError('format', 'OpenPGP (GPG) signatures go into metablocks: in-toto 2.x and 3.0 cannot sign or verify them in DSSE envelopes')
  const ids = new Set(signatures.map((signature) => signature.keyid))
  const kept = options.replace ? [] : envelope.signatures.filter((signature) => !ids.has(signature.keyid))
  const added = signatures.map((signature) => ({ keyid: signature.keyid, sig: signature.signature, gpg: true, json: gpgSignatureJson(signature) }))
  return { ...envelope, signatures: [...kept, ...added] }
}
