/**
 * Rebuilders' attestations: in-toto link metadata saying "I rebuilt this and got these bytes".
 * Two kinds exist:
 *
 * - **in-toto links** (the 2018 design, apt-transport-in-toto; any link in-toto 1.x/2.x
 *   writes): read with the verifier's own reader, exactly as in-toto-verify would; step
 *   `rebuild`, every product an attested file.
 * - **rebuilderd links** (rebuilderd ≥ 0.25, reproduce.debian.net): legacy metablocks whose
 *   `signed.environment` is `null`. Python in-toto 1.3.1 and 2.x refuse them at load
 *   (`Link.validate`: "field 'environment' must be of type dict"); the signatures cover the
 *   `null`, so the bytes are verified as signed — the canonical JSON of `signed` with `null`
 *   kept, never `{}`. Only this reader accepts them, and every result says so. Step
 *   `rebuild <artifact file name>`: that product is the attested file.
 *
 * Nothing else about a link is relaxed in rebuilderd mode: every other member is validated as
 * `Link.read` validates it.
 */
import { base64ToBytes } from '../encoding/base64.ts'
import { hexToBytes } from '../encoding/hex.ts'
import { parseEnvelope } from '../envelope/read.ts'
import { signedBytesOf } from '../envelope/signed-bytes.ts'
import type { Envelope } from '../envelope/types.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { parseJsonBytes } from '../json/parse.ts'
import type { JsonObject, JsonValue } from '../json/value.ts'
import type { ArtifactMap, HashDict } from '../model/types.ts'
import type { GpgSignatureObject } from '../openpgp/verify-signature.ts'
import { stepNameOf } from '../bundle/classify.ts'
import { toErrorInfo } from '../errors.ts'

/** How an attestation was read: by the ordinary in-toto reader, or in rebuilderd mode. */
export type AttestationMode = 'in-toto' | 'rebuilderd'

/** What every result of a rebuilderd-mode attestation says (docs/compatibility.md). */
export const REBUILDERD_MODE_NOTE =
  'Read in rebuilderd mode: "environment" is null, so Python in-toto (1.3.1 and 2.x) refuses to load this link; its signatures cover the null and were checked over the bytes as signed.'

export interface AttestationSignature {
  readonly keyid: string
  /** Position in the file (0-based). rebuilderd signs with its worker first, then appends its daemon's signature. */
  readonly index: number
  /** The decoded signature, or why it cannot be decoded (a malformed `sig` is never "valid"). */
  readonly bytes: Uint8Array | { readonly problem: string }
  /** An OpenPGP signature (`other_headers` + `signature`), as the OpenPGP verifier takes it. */
  readonly gpg?: GpgSignatureObject
}

export interface Attestation {
  /** Where it was found (a file, or `archive.tar.gz` member path). */
  readonly path: string
  readonly mode: AttestationMode
  /** The link's step name as the reference prints it (`rebuild`, `rebuild foo_1.0_all.deb`). */
  readonly stepName: string
  /**
   * The files it attests, with their digests: for `rebuild <file>` that product alone, for
   * any other name every product.
   */
  readonly attested: ArtifactMap
  /** A `rebuild <file>` link that reports no digest for `<file>` (it attests nothing). */
  readonly namedButMissing?: string
  readonly signatures: readonly AttestationSignature[]
  /** The bytes the signatures cover. */
  readonly signedBytes: Uint8Array
  /** The file as given (what in-toto-verify would read). */
  readonly bytes: Uint8Array
  /** The envelope, for in-toto links (what the verifier would read). */
  readonly envelope?: Envelope
}

/** A file that is not a usable attestation, and why. */
export interface UnreadableAttestation {
  readonly path: string
  readonly problem: string
}

export type AttestationRead = { readonly ok: true; readonly attestation: Attestation } | { readonly ok: false; readonly unreadable: UnreadableAttestation }

const REBUILD_PREFIX = 'rebuild '

/** Reads one attestation file. Never throws for bad input: the problem names the file and JSON path. */
export function readAttestation(bytes: Uint8Array, path: string): AttestationRead {
  try {
    return { ok: true, attestation: read(bytes, path) }
  } catch (error) {
    return { ok: false, unreadable: { path, problem: toErrorInfo(error, path).message } }
  }
}

function read(bytes: Uint8Array, path: string): Attestation {
  if (startsWith(bytes, '-----BEGIN ')) throw new Error(`${path}: a PEM key or certificate, not an attestation (a rebuilder's key belongs to the policy)`)
  const json = parseJsonBytes(bytes, { file: path })
  const signed = json instanceof Map ? json.get('signed') : undefined
  if (json instanceof Map && signed instanceof Map && signed.get('_type') === 'link' && signed.get('environment') === null) return readRebuilderd(json, signed, path, bytes)
  const envelope = parseEnvelope(json, path)
  if (envelope.content.type !== 'link') throw new Error(`${path}: this is a layout, not a rebuilder's attestation (link metadata)`)
  const signatures: AttestationSignature[] = envelope.signatures.map((signature, index) => ({
    keyid: signature.keyid,
    index,
    gpg: gpgObject(signature.json, envelope.format === 'metablock' ? 'hex' : 'base64'),
    bytes: decodeSignature(() => (envelope.format === 'metablock' ? hexToBytes(signature.sig, 'sig') : base64ToBytes(signature.sig, 'sig'))),
  }))
  const link = envelope.content.link
  return { path, mode: 'in-toto', ...attestedOf(link.name, link.products), signatures, signedBytes: signedBytesOf(envelope), bytes, envelope }
}

/**
 * rebuilderd mode: the link is validated as `Link.read` would with an object in place of the
 * `null` (so every other member meets the reference's rules), and the signed bytes are the
 * reference's normalized `signed` object with the `null` put back — what rebuilderd signed.
 */
function readRebuilderd(json: JsonObject, signed: JsonObject, path: string, bytes: Uint8Array): Attestation {
  const validated = new Map(signed)
  validated.set('environment', new Map())
  const copy = new Map(json)
  copy.set('signed', validated)
  const envelope = parseEnvelope(copy, path)
  if (envelope.format !== 'metablock' || envelope.content.type !== 'link') throw new Error(`${path}: not a link metablock`)
  const asSigned = new Map<string, JsonValue>(envelope.signed)
  asSigned.set('environment', null)
  const signatures: AttestationSignature[] = envelope.signatures.map((signature, index) => ({
    keyid: signature.keyid,
    index,
    gpg: gpgObject(signature.json, 'hex'),
    bytes: decodeSignature(() => hexToBytes(signature.sig, 'sig')),
  }))
  const link = envelope.content.link
  return { path, mode: 'rebuilderd', ...attestedOf(link.name, link.products), signatures, signedBytes: canonicalBytes(asSigned, 'signed'), bytes }
}

/** securesystemslib's GPG signature object (`keyid`, `other_headers`, `signature`), when that is what it is. */
function gpgObject(json: JsonObject, encoding: 'hex' | 'base64'): GpgSignatureObject | undefined {
  const keyid = json.get('keyid')
  const otherHeaders = json.get('other_headers')
  const signature = json.get('signature')
  if (typeof keyid !== 'string' || typeof otherHeaders !== 'string' || typeof signature !== 'string') return undefined
  return { keyid, otherHeaders, signature, encoding }
}

function attestedOf(name: JsonValue, products: ArtifactMap): Pick<Attestation, 'stepName' | 'attested' | 'namedButMissing'> {
  const stepName = stepNameOf(name)
  if (typeof name === 'string' && name.startsWith(REBUILD_PREFIX)) {
    const file = name.slice(REBUILD_PREFIX.length)
    const hashes = products.get(file)
    if (hashes === undefined) return { stepName, attested: new Map(), namedButMissing: file }
    return { stepName, attested: new Map<string, HashDict>([[file, hashes]]) }
  }
  return { stepName, attested: products }
}

function decodeSignature(decode: () => Uint8Array): AttestationSignature['bytes'] {
  try {
    return decode()
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) }
  }
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[i] !== text.charCodeAt(i)) return false
  return true
}

/** The last path segment: attestations name files, not paths (`pool/main/f/foo.deb` → `foo.deb`). */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
