/**
 * A rebuilder's public key as a policy holds it: the text the person was given — an Ed25519
 * SPKI PEM block as rebuilderd's `/api/v1/meta/public-keys` serves it, a securesystemslib JSON
 * key, or an OpenPGP public key (`gpg --armor --export`, the 2018 Debian rebuilder design) —
 * read into what checks signatures and the key object an in-toto layout would list. One key
 * file may hold several keys (a rebuilderd key list, a GnuPG keyring): each becomes one
 * {@link PolicyKey}.
 */
import { bytesToBase64 } from '../encoding/base64.ts'
import { CoreError } from '../errors.ts'
import { importPublicKey } from '../keys/import.ts'
import { keyidsOf } from '../keys/keyid-generations.ts'
import { pemLabels } from '../keys/pem.ts'
import type { PublicKey } from '../keys/types.ts'
import type { JsonObject } from '../json/value.ts'
import { layoutKeyJson } from '../model/layout.ts'
import { crc24, dearmor } from '../openpgp/armor.ts'
import type { OpenPgpCertificate } from '../openpgp/certificate.ts'
import { importOpenPgpKeys, looksLikeOpenPgpKey } from '../openpgp/import.ts'
import { gpgKeyFromJson, type GpgKey } from '../openpgp/key-object.ts'
import { PACKET_TAG, readPackets } from '../openpgp/packets.ts'
import { indexCertificates, type KnownCertificates } from '../openpgp/verify-signature.ts'

/** How the key is written in the policy file (and was given). */
export type PolicyKeyFormat = 'spki-pem' | 'securesystemslib' | 'openpgp'

export const POLICY_KEY_FORMATS: readonly PolicyKeyFormat[] = ['spki-pem', 'securesystemslib', 'openpgp']

interface PolicyKeyBase {
  readonly format: PolicyKeyFormat
  /** What the operator calls this key ("daemon", "worker", "arm64"); `''` when unnamed. */
  readonly label: string
  /** The key as given: one PEM block, one JSON key object's text, one armored OpenPGP key. Shared verbatim in the policy file. */
  readonly text: string
  /**
   * The keyid an in-toto layout lists it under: in-toto 1.x / securesystemslib 0.26 (SHA-256
   * of the canonical key JSON with `keyid_hash_algorithms`; rebuilderd signs with this keyid),
   * or an OpenPGP key's V4 fingerprint.
   */
  readonly keyid: string
  /** Every keyid a signature by this key may carry (an OpenPGP key's subkeys sign under theirs). */
  readonly signatureKeyids: readonly string[]
  /** Its entry in a layout's `keys`, as in-toto's tools write it. */
  readonly layoutKey: JsonObject
  /** For lists: `Ed25519 key 2980aa62…`, `OpenPGP RSA 2048 key 5863835e…`. */
  readonly description: string
}

export interface SslibPolicyKey extends PolicyKeyBase {
  readonly kind: 'sslib'
  /** What verifies its signatures. */
  readonly publicKey: PublicKey
}

export interface OpenPgpPolicyKey extends PolicyKeyBase {
  readonly kind: 'openpgp'
  /** The key object's typed view (what verifies its signatures). */
  readonly gpg: GpgKey
  /** Its certificate, so revocations and expiry the key object does not state count too. */
  readonly certificates: KnownCertificates
  /** The primary user ID, when the key has one. */
  readonly userId?: string
}

export type PolicyKey = SslibPolicyKey | OpenPgpPolicyKey

/**
 * Reads one key in a known format (a policy file's entry). Throws `CoreError` `key` saying why
 * the text is not such a key.
 */
export async function readPolicyKey(format: PolicyKeyFormat, text: string, label = '', file?: string): Promise<PolicyKey> {
  const trimmed = text.trim()
  if (format === 'openpgp') {
    const certificates = await importOpenPgpKeys(new TextEncoder().encode(text), file)
    if (certificates.length !== 1) throw new CoreError('key', `an "openpgp" key is one OpenPGP public key; this text holds ${certificates.length}`, { file })
    return openPgpKey(certificates[0] as OpenPgpCertificate, text, label)
  }
  if (format === 'securesystemslib' && !trimmed.startsWith('{')) throw new CoreError('key', 'a securesystemslib key is a JSON object', { file })
  if (format === 'spki-pem') {
    const labels = pemLabels(text)
    if (labels.length !== 1 || labels[0] !== 'PUBLIC KEY') {
      throw new CoreError('key', `an "spki-pem" key is one "-----BEGIN PUBLIC KEY-----" block${labels.length > 0 ? ` (found ${labels.join(', ')})` : ''}`, { file })
    }
  }
  const publicKey = importPublicKey(text, { file })
  const kind = publicKey.keytype === 'ed25519' ? 'Ed25519' : publicKey.keytype === 'rsa' ? 'RSA' : publicKey.keytype.startsWith('ecdsa') ? 'ECDSA' : publicKey.keytype
  return {
    kind: 'sslib',
    format,
    label,
    text,
    keyid: publicKey.keyid,
    // Tools of either keyid generation may have signed: in-toto 1.x and rebuilderd write the
    // first, Python in-toto 2.x and later the second (real-world-metadata.md §2).
    signatureKeyids: keyidsOf(publicKey),
    publicKey,
    layoutKey: layoutKeyJson(publicKey),
    description: `${kind} key ${publicKey.keyid.slice(0, 8)}…`,
  }
}

/**
 * Reads a key file: an OpenPGP export (armored or binary, every key in it), every `PUBLIC KEY`
 * PEM block (rebuilderd may list several), or one securesystemslib JSON key. Throws `CoreError`
 * naming `file` when it holds no usable public key.
 */
export async function readPolicyKeyFile(data: string | Uint8Array, file: string, label = ''): Promise<PolicyKey[]> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  const numbered = (keys: number, index: number) => (keys > 1 && label ? `${label} ${index + 1}` : label)
  if (looksLikeOpenPgpKey(bytes)) {
    const certificates = await importOpenPgpKeys(bytes, file)
    const texts = armoredCertificates(bytes)
    return certificates.map((certificate, index) => openPgpKey(certificate, texts[index] ?? '', numbered(certificates.length, index)))
  }
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data)
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return [await readPolicyKey('securesystemslib', trimmed, label, file)]
  const blocks = pemBlocks(text, 'PUBLIC KEY')
  if (blocks.length === 0) {
    // importPublicKey says best what else the file is (a private key, a PKCS#1 key, hex, …).
    importPublicKey(text, { file })
    throw new CoreError('key', 'no "-----BEGIN PUBLIC KEY-----" block', { file })
  }
  return Promise.all(blocks.map((block, index) => readPolicyKey('spki-pem', block, numbered(blocks.length, index), file)))
}

function openPgpKey(certificate: OpenPgpCertificate, text: string, label: string): OpenPgpPolicyKey {
  const keyid = certificate.primary.fingerprint
  const gpg = gpgKeyFromJson(certificate.keyObject, `keys[${JSON.stringify(keyid)}]`)
  const userId = certificate.userIds.find((uid) => uid.primary)?.text ?? certificate.userIds[0]?.text
  return {
    kind: 'openpgp',
    format: 'openpgp',
    label,
    text,
    keyid,
    signatureKeyids: [keyid, ...gpg.subkeys.keys()],
    gpg,
    certificates: indexCertificates([certificate]),
    userId,
    layoutKey: certificate.keyObject,
    description: `OpenPGP ${certificate.primary.algorithm} key ${keyid.slice(0, 8)}…${userId ? ` (${userId})` : ''}`,
  }
}

/**
 * Each certificate of an OpenPGP export (armored or binary) as armored text of its own, as
 * `gpg --armor --export KEYID` would write it: the policy file keeps one key per entry.
 */
function armoredCertificates(bytes: Uint8Array): string[] {
  const binary = (bytes[0] ?? 0) & 0x80 ? bytes : dearmoredBytes(bytes)
  const packets = readPackets(binary)
  const starts = packets.filter((packet) => packet.tag === PACKET_TAG.publicKey).map((packet) => packet.offset)
  return starts.map((start, index) => armor(binary.subarray(start, starts[index + 1] ?? binary.length)))
}

function dearmoredBytes(bytes: Uint8Array): Uint8Array {
  const blocks = dearmor(new TextDecoder('utf-8', { fatal: false }).decode(bytes)).filter((block) => block.label === 'PUBLIC KEY BLOCK')
  const out = new Uint8Array(blocks.reduce((n, block) => n + block.bytes.length, 0))
  let offset = 0
  for (const block of blocks) {
    out.set(block.bytes, offset)
    offset += block.bytes.length
  }
  return out
}

/** RFC 4880 6.2 armor: 64-column base64 and the CRC-24 line. */
function armor(bytes: Uint8Array): string {
  const base64 = bytesToBase64(bytes)
  const lines: string[] = []
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64))
  const crc = crc24(bytes)
  const checksum = bytesToBase64(new Uint8Array([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]))
  return `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${lines.join('\n')}\n=${checksum}\n-----END PGP PUBLIC KEY BLOCK-----\n`
}

/** Each `-----BEGIN LABEL-----` … `-----END LABEL-----` span, normalized to `\n` line ends and a final newline. */
function pemBlocks(text: string, label: string): string[] {
  const begin = `-----BEGIN ${label}-----`
  const end = `-----END ${label}-----`
  const out: string[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf(begin, from)
    if (start < 0) return out
    const stop = text.indexOf(end, start + begin.length)
    if (stop < 0) throw new CoreError('key', `"${begin}" has no "${end}" line (truncated?)`)
    out.push(`${text.slice(start, stop + end.length).replace(/\r\n/g, '\n')}\n`)
    from = stop + end.length
  }
}
