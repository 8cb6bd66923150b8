/**
 * Importing OpenPGP public keys from the files people have: `gpg --export` (binary) and
 * `gpg --armor --export` (`.asc`), one or several keys per file. Every problem is a
 * `CoreError` `key` naming the file and, where one is to blame, the packet.
 */
import { CoreError } from '../errors.ts'
import { dearmor, isArmored } from './armor.ts'
import { readCertificates, type OpenPgpCertificate } from './certificate.ts'
import { OpenPgpFormatError } from './cursor.ts'
import { PACKET_TAG } from './packets.ts'

/** Exports of keys with many certifications reach a few MiB; beyond this it is not a key. */
export const MAX_KEY_FILE_BYTES = 16 * 1024 * 1024

/** Is this (at first sight) an OpenPGP key, armored or binary? Cheap: for routing files. */
export function looksLikeOpenPgpKey(bytes: Uint8Array): boolean {
  const first = bytes[0]
  if (first === undefined) return false
  // A binary export starts with a public-key packet: old format 0x98–0x9a, new format 0xc6.
  if ((first & 0xc0) === 0x80 && ((first & 0x3c) >> 2 === PACKET_TAG.publicKey || (first & 0x3c) >> 2 === PACKET_TAG.secretKey)) return true
  if (first === 0xc6 || first === 0xc5) return true
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, Math.min(bytes.length, 64 * 1024)))
  return isArmored(head)
}

/** Reads every public key in `bytes` (armored or binary). */
export async function importOpenPgpKeys(bytes: Uint8Array, file?: string): Promise<OpenPgpCertificate[]> {
  if (bytes.length > MAX_KEY_FILE_BYTES) {
    throw new CoreError('key', `the OpenPGP data is ${bytes.length} bytes, more than the ${MAX_KEY_FILE_BYTES} a key file may have here`, { file })
  }
  try {
    const binary = (bytes[0] ?? 0) & 0x80 ? bytes : dearmoredPublicKeys(new TextDecoder('utf-8', { fatal: false }).decode(bytes))
    return await readCertificates(binary)
  } catch (error) {
    if (error instanceof OpenPgpFormatError) throw new CoreError('key', `not a usable OpenPGP public key: ${error.message}`, { file, cause: error })
    throw error
  }
}

function dearmoredPublicKeys(text: string): Uint8Array {
  const blocks = dearmor(text)
  if (blocks.length === 0) throw new OpenPgpFormatError('no "-----BEGIN PGP PUBLIC KEY BLOCK-----" block and no binary OpenPGP data')
  const keys = blocks.filter((block) => block.label === 'PUBLIC KEY BLOCK')
  if (keys.length === 0) {
    const labels = [...new Set(blocks.map((block) => block.label))].join(', ')
    if (labels.includes('PRIVATE KEY')) throw new OpenPgpFormatError('this is a private key (PGP PRIVATE KEY BLOCK); give the public key (gpg --armor --export)')
    throw new OpenPgpFormatError(`no public key block, only ${labels}`)
  }
  let length = 0
  for (const block of keys) length += block.bytes.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const block of keys) {
    out.set(block.bytes, offset)
    offset += block.bytes.length
  }
  return out
}

/**
 * The certificate whose primary key or one of whose kept subkeys has a fingerprint ending in
 * `keyid` (any case), as securesystemslib `gpg/common.py:get_pubkey_bundle` picks it.
 */
export function findCertificate(certificates: readonly OpenPgpCertificate[], keyid: string): OpenPgpCertificate | undefined {
  const id = keyid.toLowerCase()
  return certificates.find((cert) => cert.primary.fingerprint.endsWith(id) || cert.subkeys.some((sub) => sub.inKeyObject && sub.fingerprint.endsWith(id)))
}
