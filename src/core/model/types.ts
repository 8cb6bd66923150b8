/**
 * The in-toto documents as typed values: what `parseLayout` / `parseLink` return after
 * validating untrusted JSON, and what `layoutToSigned` / `linkToSigned` turn back into the
 * exact JSON object the reference signs.
 *
 * Fields the reference keeps verbatim (key objects, commands, byproducts, hash dicts, rule
 * lists) are kept verbatim here too, because they are part of the signed bytes.
 */
import type { JsonObject, JsonScalar, JsonValue } from '../json/value.ts'
import type { RuleSource } from '../rules/types.ts'

/** Hash algorithm name → hex digest, exactly as written (case and all). */
export type HashDict = ReadonlyMap<string, string>
/** Artifact path → its hashes. A `Map`: any string is a legal path, `__proto__` included. */
export type ArtifactMap = ReadonlyMap<string, HashDict>

export type { RuleSource }

export interface Link {
  readonly type: 'link'
  /** The reference never checks a link's name against its step; any JSON value is accepted. */
  readonly name: JsonValue
  /** Elements are not checked by the reference (integers and null are accepted). */
  readonly command: readonly JsonValue[]
  readonly materials: ArtifactMap
  readonly products: ArtifactMap
  readonly byproducts: JsonObject
  readonly environment: JsonObject
}

/**
 * An entry of `layout.keys`. `json` is the key object exactly as in the document (it is
 * signed verbatim); the other fields are read from it. `keyid` is the key's *embedded* keyid:
 * link signatures must carry it, and it identifies a functionary when counting thresholds.
 */
export interface LayoutKey {
  readonly json: JsonObject
  /** `keytype`; for an OpenPGP key (`gpg: true`) its `type` (`rsa`, `dsa` or `eddsa`). */
  readonly keytype: string
  /**
   * `scheme` when it is a string (the reference's layout schema does not require it, nor its
   * type: a key without a usable scheme makes verifying its links fatal). For an OpenPGP key,
   * its `method`.
   */
  readonly scheme: string | undefined
  /** The embedded `keyid` when it is a string (not required by the layout schema either). */
  readonly keyid: string | undefined
  /** `keyval.public`: hex for ed25519, PEM for rsa and ecdsa; `''` for an OpenPGP key. */
  readonly public: string
  /**
   * The key matched securesystemslib's GPG_PUBKEY_SCHEMA instead of PUBLIC_KEY_SCHEMA (its
   * `keyval.public` is an object of key parameters). The reference accepts such keys in a
   * layout; verifying OpenPGP signatures is a separate matter.
   */
  readonly gpg?: boolean
}

/**
 * Step and inspection names. Nearly always strings; the reference also accepts `null`,
 * numbers and booleans. Then `name` is Python's `str()` of the value (`None`, `True`, `7`),
 * which is what file names use, and `rawName` keeps the original for the signed bytes.
 */
export interface Named {
  readonly name: string
  readonly rawName?: Exclude<JsonScalar, string>
}

export interface Step extends Named {
  readonly type: 'step'
  /** Verbatim: an integer of any size or a boolean (Python treats `true` as 1). */
  readonly threshold: bigint | boolean
  /** Keyids (hex strings) authorized to sign this step's links, in document order. */
  readonly pubkeys: readonly string[]
  readonly expectedCommand: readonly JsonValue[]
  readonly expectedMaterials: readonly RuleSource[]
  readonly expectedProducts: readonly RuleSource[]
}

export interface Inspection extends Named {
  readonly type: 'inspection'
  /** The command to run, as an argument list (elements unchecked until it is run). */
  readonly run: readonly JsonValue[]
  readonly expectedMaterials: readonly RuleSource[]
  readonly expectedProducts: readonly RuleSource[]
}

export interface Layout {
  readonly type: 'layout'
  /**
   * `YYYY-MM-DDTHH:MM:SSZ`, UTC (the reference also tolerates one trailing newline, and
   * non-ASCII decimal digits, which then fail its expiry check).
   */
  readonly expires: string
  /**
   * The document's `expires` was missing or falsy (`null`, `""`, `0`, `false`, `[]`, `{}`):
   * the reference then substitutes "now + 1 month" (local time written with a `Z`), and so
   * does `parseLayout`. `expires` holds that substitute, which is part of the signed bytes
   * the reference checks — so the layout's signature will not verify, as in the reference.
   */
  readonly expiresDefaulted?: boolean
  readonly readme: string
  /** Dict key → key. The dict key names link files and is what `pubkeys` refer to. */
  readonly keys: ReadonlyMap<string, LayoutKey>
  readonly steps: readonly Step[]
  readonly inspect: readonly Inspection[]
}

export type Item = Step | Inspection
export type Document = Layout | Link
