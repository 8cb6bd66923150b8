/**
 * The `PublicKey` securesystemslib 0.26 would create for given key material, text and all
 * (the keyid hashes the exact `public` text):
 * - rsa: SPKI PEM, 64-column lines, no trailing newline (`keys.import_rsakey_from_private_pem`
 *   and `generate_rsa_key` pass cryptography's PEM through `extract_pem`, which drops it);
 *   default scheme `rsassa-pss-sha256`;
 * - ecdsa: SPKI PEM with the trailing newline (`generate_ecdsa_key`,
 *   `import_ecdsakey_from_private_pem` keep cryptography's PEM as is); default scheme
 *   `ecdsa-sha2-nistp256` whatever the curve, like every reference import function;
 * - ed25519: 64 lowercase hex digits (`binascii.hexlify`), scheme `ed25519`.
 */
import { signatureSchemeOf } from './signature.ts'
import { bytesToHex } from '../encoding/hex.ts'
import { computeKeyId } from './keyid.ts'
import type { PublicMaterial } from './material.ts'
import { spkiPem } from './spki.ts'
import type { KeyAlgorithm, PublicKey } from './types.ts'

export const DEFAULT_SCHEME: Readonly<Record<KeyAlgorithm, string>> = {
  rsa: 'rsassa-pss-sha256',
  ecdsa: 'ecdsa-sha2-nistp256',
  ed25519: 'ed25519',
}

/**
 * `scheme` defaults per {@link DEFAULT_SCHEME}; one the reference does not accept for the key
 * type is `CoreError` `unsupported-algorithm`.
 */
export function publicKeyFor(material: PublicMaterial, scheme: string = DEFAULT_SCHEME[material.type]): PublicKey {
  const keytype = material.type
  signatureSchemeOf(keytype, scheme)
  const publicValue = material.type === 'ed25519' ? bytesToHex(material.raw) : spkiPem(material, material.type === 'ecdsa')
  return Object.freeze({ keyid: computeKeyId(keytype, scheme, publicValue), keytype, scheme, public: publicValue })
}
