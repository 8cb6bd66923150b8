/**
 * A rebuilder's public key as a policy holds it: the text the person was given (an Ed25519
 * SPKI PEM block as rebuilderd's `/api/v1/meta/public-keys` serves it, a securesystemslib JSON
 * key), read into the key that checks signatures and the key object an in-toto layout would
 * list. One key file may hold several keys (a rebuilderd key list, a PEM keyring): each becomes
 * one {@link PolicyKey}.
 */
import { CoreError } from '../errors.ts'
import { importPublicKey } from '../keys/import.ts'
import { pemLabels } from '../keys/pem.ts'
import type { PublicKey } from '../keys/types.ts'
import type { JsonObject } from '../json/value.ts'
import { layoutKeyJson } from '../model/layout.ts'

/** How the key is written in the policy file (and was given). */
export type PolicyKeyFormat = 'spki-pem' | 'securesystemslib'

export const POLICY_KEY_FORMATS: readonly PolicyKeyFormat[] = ['spki-pem', 'securesystemslib']

export interface PolicyKey {
  readonly format: PolicyKeyFormat
  /** What the operator calls this key ("daemon", "worker", "arm64"); `''` when unnamed. */
  readonly label: string
  /** The key as given: one PEM block, or one JSON key object's text. Shared verbatim in the policy file. */
  readonly text: string
  /**
   * The keyid an in-toto layout lists it under (in-toto 1.x / securesystemslib 0.26: SHA-256 of
   * the canonical key JSON with `keyid_hash_algorithms`). rebuilderd signs with this keyid.
   */
  readonly keyid: string
  /** Every keyid a signature by this key may carry. */
  readonly signatureKeyids: readonly string[]
  /** What verifies its signatures. */
  readonly publicKey: PublicKey
  /** Its entry in a layout's `keys`, as `in-toto`'s `add_functionary_key_from_path` writes it. */
  readonly layoutKey: JsonObject
}

/** A short description for lists: `Ed25519 key 2980aa62…`. */
export function describePolicyKey(key: PolicyKey): string {
  const kind =
    key.publicKey.keytype === 'ed25519' ? 'Ed25519' : key.publicKey.keytype === 'rsa' ? 'RSA' : key.publicKey.keytype.startsWith('ecdsa') ? 'ECDSA' : key.publicKey.keytype
  return `${kind} key ${key.keyid.slice(0, 8)}…`
}

/**
 * Reads one key in a known format (a policy file's entry). Throws `CoreError` `key` saying why
 * the text is not such a key.
 */
export function readPolicyKey(format: PolicyKeyFormat, text: string, label = '', file?: string): PolicyKey {
  const trimmed = text.trim()
  if (format === 'securesystemslib' && !trimmed.startsWith('{')) throw new CoreError('key', 'a securesystemslib key is a JSON object', { file })
  if (format === 'spki-pem') {
    const labels = pemLabels(text)
    if (labels.length !== 1 || labels[0] !== 'PUBLIC KEY') {
      throw new CoreError('key', `an "spki-pem" key is one "-----BEGIN PUBLIC KEY-----" block${labels.length > 0 ? ` (found ${labels.join(', ')})` : ''}`, { file })
    }
  }
  const publicKey = importPublicKey(text, { file })
  return {
    format,
    label,
    text,
    keyid: publicKey.keyid,
    signatureKeyids: [publicKey.keyid],
    publicKey,
    layoutKey: layoutKeyJson(publicKey),
  }
}

/**
 * Reads a key file: every `PUBLIC KEY` PEM block in it (rebuilderd may list several), or one
 * securesystemslib JSON key. Throws `CoreError` naming `file` when it holds no usable public key.
 */
export function readPolicyKeyFile(text: string, file: string, label = ''): PolicyKey[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return [readPolicyKey('securesystemslib', trimmed, label, file)]
  const blocks = pemBlocks(text, 'PUBLIC KEY')
  if (blocks.length === 0) {
    // importPublicKey says best what else the file is (a private key, a PKCS#1 key, hex, …).
    importPublicKey(text, { file })
    throw new CoreError('key', 'no "-----BEGIN PUBLIC KEY-----" block', { file })
  }
  return blocks.map((block, index) => readPolicyKey('spki-pem', block, blocks.length > 1 && label ? `${label} ${index + 1}` : label, file))
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
