/**
 * A layout key as the key that checks a link signature. The reference validates it against
 * securesystemslib's ANYKEY_SCHEMA at that moment (not when the layout is loaded), so a
 * layout may carry malformed keys nobody uses; a malformed key that IS used ends
 * verification (in-toto 1.3.1 `Metablock.verify_signature`).
 */
import { CoreError } from '../errors.ts'
import { isSchemaHex } from '../encoding/hex.ts'
import type { VerificationKey } from '../keys/types.ts'
import type { LayoutKey } from '../model/types.ts'
import type { KnownCertificates } from '../openpgp/verify-signature.ts'

const KEYTYPES = /^(?:rsa|ed25519|ecdsa|ecdsa-sha2-nistp(?:256|384)|sphincs)\n?$/
const HASH_ALGORITHMS = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'blake2s', 'blake2b', 'blake2b-256'])
const ISO8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\n?$/u

/**
 * Throws `CoreError('format')`, naming `where`, when the key does not fit ANYKEY_SCHEMA. An
 * OpenPGP key (it passed GPG_PUBKEY_SCHEMA when the layout was read) comes with its certificate
 * when `certificates` knows its fingerprint.
 */
export function toVerificationKey(key: LayoutKey, where: string, certificates?: KnownCertificates): VerificationKey {
  if (key.gpg) {
    const keyid = key.keyid as string
    const certificate = certificates?.get(keyid)
    return { kind: 'openpgp', keyid, keyObject: key.json, ...(certificate && certificate.primary.fingerprint === keyid ? { certificate } : {}) }
  }
  const problem = anyKeySchemaProblem(key)
  if (problem !== undefined) throw new CoreError('format', `key ${where} cannot verify signatures: ${problem}`)
  return { keyid: key.keyid as string, keytype: key.keytype, scheme: key.scheme as string, public: key.public }
}

function anyKeySchemaProblem(key: LayoutKey): string | undefined {
  if (!KEYTYPES.test(key.keytype)) return `unsupported keytype ${JSON.stringify(key.keytype)}`
  if (typeof key.json.get('scheme') !== 'string') return 'it has no "scheme"'
  const keyid = key.json.get('keyid')
  if (typeof keyid !== 'string') return 'it has no "keyid"'
  if (!isSchemaHex(keyid)) return '"keyid" is not a hex string'
  const algorithms = key.json.get('keyid_hash_algorithms')
  if (algorithms !== undefined && (!Array.isArray(algorithms) || algorithms.some((a) => typeof a !== 'string' || !HASH_ALGORITHMS.has(a)))) {
    return '"keyid_hash_algorithms" lists an unknown algorithm'
  }
  const expires = key.json.get('expires')
  if (expires !== undefined && (typeof expires !== 'string' || !ISO8601.test(expires))) return '"expires" is not an ISO 8601 date'
  return undefined
}
