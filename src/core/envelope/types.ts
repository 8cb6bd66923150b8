/**
 * Signed in-toto documents in their two envelope formats.
 *
 * - **metablock** (in-toto 1.x and 2.x): `{"signed": {...}, "signatures": [{"keyid", "sig"}]}`;
 *   signatures (hex) cover the canonical JSON of the *normalized* `signed` object.
 * - **dsse** (in-toto 2.x): `{"payload", "payloadType", "signatures"}`; signatures (base64)
 *   cover the PAE of the exact payload bytes. The payload is a legacy link or layout, or an
 *   in-toto attestation Statement carrying the link predicate (converted to a link).
 */
import type { JsonObject } from '../json/value.ts'
import type { Layout, Link } from '../model/types.ts'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const STATEMENT_TYPE_V1 = 'https://in-toto.io/Statement/v1'
export const LINK_PREDICATE_V03 = 'https://in-toto.io/attestation/link/v0.3'

export type SignedDocument = { readonly type: 'layout'; readonly layout: Layout } | { readonly type: 'link'; readonly link: Link }

export interface MetablockSignature {
  readonly keyid: string
  /** Hex, decoded only when verified: the reference fails on a malformed `sig` only then. */
  readonly sig: string
  /**
   * An OpenPGP (GPG) signature (securesystemslib's `{keyid, other_headers, signature}`); `sig`
   * then holds its `signature` hex, and `json` its `other_headers`.
   */
  readonly gpg: boolean
  /** The signature object as written (members such as Go's `cert` are kept). */
  readonly json: JsonObject
}

export interface DsseSignature {
  readonly keyid: string
  /** Base64 as written; decoded when verified. */
  readonly sig: string
  /**
   * An OpenPGP signature as securesystemslib's `GPGSigner` puts it in an envelope: `sig` the
   * base64 of its values, `other_headers` (in `json`) the hex of its hashed header.
   */
  readonly gpg: boolean
  readonly json: JsonObject
}

interface EnvelopeBase {
  readonly content: SignedDocument
  /** JSON paths of members the reference ignores (in a metablock, not covered by signatures). */
  readonly ignoredFields: readonly string[]
}

export interface Metablock extends EnvelopeBase {
  readonly format: 'metablock'
  readonly signatures: readonly MetablockSignature[]
  /** The normalized `signed` object: its canonical JSON is what the signatures cover. */
  readonly signed: JsonObject
}

export interface DsseEnvelope extends EnvelopeBase {
  readonly format: 'dsse'
  readonly payloadType: string
  readonly payload: Uint8Array<ArrayBuffer>
  /** PAE(payloadType, payload): the bytes DSSE signatures cover. */
  readonly pae: Uint8Array<ArrayBuffer>
  readonly signatures: readonly DsseSignature[]
  /** Set when the payload was an attestation Statement with the link predicate. */
  readonly statement?: { readonly predicateType: string }
}

export type Envelope = Metablock | DsseEnvelope
