/**
 * OpenPGP keys as verification keys: from an imported certificate, and picked from a set of
 * certificates by key ID the way `in-toto-verify --gpg KEYID …` picks them from a GnuPG home
 * (securesystemslib 0.26 `gpg/functions.py:export_pubkeys` → `gpg/common.py:get_pubkey_bundle`:
 * the key whose fingerprint, or one of whose subkeys' fingerprints, ends in the key ID; keyed
 * by the primary fingerprint, so a key named twice counts once).
 */
import { CoreError } from '../errors.ts'
import type { OpenPgpCertificate } from '../openpgp/certificate.ts'
import { findCertificate } from '../openpgp/import.ts'
import type { OpenPgpPublicKey } from './types.ts'

/** The verification key of an imported certificate (its key object, and the certificate). */
export function openPgpPublicKey(certificate: OpenPgpCertificate): OpenPgpPublicKey {
  return { kind: 'openpgp', keyid: certificate.primary.fingerprint, keyObject: certificate.keyObject, certificate }
}

/** Python `re.match(r"[a-fA-F0-9]+$")`: securesystemslib's KEYID_SCHEMA. */
const KEYID = /^[a-fA-F0-9]+\n?$/

/**
 * The owner keys for `keyids` among `certificates` (what the keyring holds). Throws `CoreError`
 * with the reference's exception: `KeyNotFoundError` for a key ID no certificate has (its
 * message as in-toto-verify's), `ValueError` for one that is not hex.
 */
export function ownerKeysFor(certificates: readonly OpenPgpCertificate[], keyids: readonly string[], where = 'the GnuPG home'): OpenPgpPublicKey[] {
  const keys = new Map<string, OpenPgpPublicKey>()
  for (const keyid of keyids) {
    if (!KEYID.test(keyid)) {
      throw new CoreError('key', `we need to export an individual key. Please provide a valid keyid! Keyid was '${keyid}'.`, { exception: 'ValueError' })
    }
    const certificate = findCertificate(certificates, keyid.trim())
    if (certificate === undefined) {
      const empty = certificates.length === 0 ? ' in empty exported key data' : ' in exported key data'
      throw new CoreError('key', `Could not find gpg key '${keyid}'${empty} (${where} has no key or subkey with this ID).`, { exception: 'KeyNotFoundError' })
    }
    const key = openPgpPublicKey(certificate)
    keys.set(key.keyid, key)
  }
  return [...keys.values()]
}
