/**
 * What inference proposes and why: every proposed rule carries the link artifacts it rests on,
 * so a person accepting it can see the evidence ("MATCH * IN src … FROM clone: the 12 files
 * under src in build's materials are exactly what clone produced").
 */
import type { Envelope } from '../envelope/types.ts'
import type { JsonObject } from '../json/value.ts'
import type { VerificationKey } from '../keys/types.ts'
import type { Layout, RuleSource } from '../model/types.ts'

/** A link file given to inference: read (and validated) by the caller. */
export interface LinkEvidence {
  /** File name, for notes and provenance. */
  readonly file: string
  readonly envelope: Envelope
}

/** A public key inference may use for a signer (from the keyring, a dropped `.pub`, `--key`). */
export interface KnownKey {
  /** A securesystemslib key or an OpenPGP key; signatures under any generation's keyid of it are its. */
  readonly publicKey: VerificationKey
  /**
   * The object to store in `layout.keys` when the links carry the key's own keyid (as the
   * reference writes it); default: built from `publicKey` for the generation the links use.
   */
  readonly json?: JsonObject
  /** A display name (the key file's name, the keyring label). */
  readonly name?: string
}

/** One artifact of one link that a proposed rule rests on. */
export interface ArtifactEvidence {
  /** The link's step name. */
  readonly step: string
  readonly file: string
  readonly list: 'materials' | 'products'
  readonly path: string
  /** `sha256:74dc3727…` */
  readonly digest: string
}

export interface ProposedRule {
  readonly rule: RuleSource
  /** Why, in words. */
  readonly reason: string
  /** The artifacts it rests on (empty for the closing `DISALLOW *` of an empty list). */
  readonly evidence: readonly ArtifactEvidence[]
}

export interface ProposedItem {
  readonly kind: 'step' | 'inspection'
  readonly name: string
  /** The link files it was inferred from (for an inspection: the last step's). */
  readonly files: readonly string[]
  readonly materials: readonly ProposedRule[]
  readonly products: readonly ProposedRule[]
}

export type SignerStatus =
  /** The signature verifies with a known key. */
  | 'verified'
  /** No key with this keyid was given: the layout lists the keyid, but its key must be added. */
  | 'unknown-key'
  /** The known key does not verify the signature: the signer is left out. */
  | 'invalid'
  /** The signature could not be checked here (e.g. OpenPGP): kept, unverified. */
  | 'unchecked'

export interface Signer {
  /** The keyid the step authorizes (the signature's, or an OpenPGP subkey's master key). */
  readonly keyid: string
  /** The signature's keyid, when it differs from `keyid` (an OpenPGP subkey). */
  readonly signedAs?: string
  readonly step: string
  readonly file: string
  readonly status: SignerStatus
  readonly name?: string
}

export interface InferenceNote {
  readonly severity: 'warning' | 'info'
  readonly message: string
  readonly step?: string
  readonly file?: string
}

export interface Inference {
  /** The proposed, unsigned layout. */
  readonly layout: Layout
  /** Display names for the layout's keys (editor metadata). */
  readonly keyNames: ReadonlyMap<string, string>
  /** Steps in artifact-flow order, then the proposed inspections, with each rule's provenance. */
  readonly items: readonly ProposedItem[]
  readonly signers: readonly Signer[]
  readonly notes: readonly InferenceNote[]
}
