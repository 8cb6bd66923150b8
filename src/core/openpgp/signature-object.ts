/**
 * Turning the signature `gpg --detach-sign --digest-algo SHA256` writes into the signature
 * object in-toto stores, exactly as securesystemslib 0.26 does (`gpg/common.py:
 * parse_signature_packet`, called by `gpg/functions.py:create_signature`):
 *
 *     {"keyid": <issuer fingerprint>, "other_headers": <hex of version … hashed subpackets>,
 *      "signature": <hex: RSA's MPI; DSA's DER SEQUENCE {r, s}; EdDSA's R ‖ S, each 32 bytes>}
 *
 * Only a version 4 signature of binary data with SHA-256 by an RSA, DSA or EdDSA key is taken
 * (the reference's defaults); `short_keyid` is dropped as `create_signature` drops it.
 */
import { encodeSequence, encodeUnsignedInteger } from '../asn1/der.ts'
import { bytesToHex } from '../encoding/hex.ts'
import type { JsonObject } from '../json/value.ts'
import { OpenPgpFormatError } from './cursor.ts'
import { PACKET_TAG, PacketError, readPackets } from './packets.ts'
import { PUBLIC_KEY_ALGORITHM } from './public-key.ts'
import { SIGNATURE_TYPE, parseSignaturePacket } from './signature-packet.ts'

export interface CreatedSignature {
  /** The issuer fingerprint, or `''` when the signature names only a 64-bit key ID (GnuPG < 2.1). */
  readonly keyid: string
  /** The 64-bit issuer key ID, when the signature has one. */
  readonly shortKeyid?: string
  readonly otherHeaders: string
  readonly signature: string
}

/** Reads the one signature packet of a detached signature. Throws {@link OpenPgpFormatError}. */
export function signatureFromDetached(bytes: Uint8Array): CreatedSignature {
  const packets = readPackets(bytes)
  const [packet, ...rest] = packets
  if (packet === undefined || packet.tag !== PACKET_TAG.signature) throw new OpenPgpFormatError('gpg wrote no signature packet')
  if (rest.length > 0) throw new PacketError(rest[0]!, 'a detached signature holds one signature packet')
  let parsed: ReturnType<typeof parseSignaturePacket>
  try {
    parsed = parseSignaturePacket(packet.body)
  } catch (error) {
    if (error instanceof OpenPgpFormatError) throw new PacketError(packet, error.message)
    throw error
  }
  if (parsed.type !== SIGNATURE_TYPE.binary) throw new PacketError(packet, `a signature of type 0x${parsed.type.toString(16)}, not of binary data`)
  if (parsed.hashAlgorithm !== 8) throw new PacketError(packet, `a signature with hash algorithm ${parsed.hashAlgorithm}, not SHA-256 (give gpg --digest-algo SHA256)`)
  if (parsed.created === undefined) throw new PacketError(packet, 'the signature has no creation time')
  const [first = new Uint8Array(), second = new Uint8Array()] = parsed.mpis
  let signature: Uint8Array
  switch (parsed.publicKeyAlgorithm) {
    case PUBLIC_KEY_ALGORITHM.rsa:
      signature = first
      break
    case PUBLIC_KEY_ALGORITHM.dsa:
      signature = encodeSequence(encodeUnsignedInteger(first), encodeUnsignedInteger(second))
      break
    case PUBLIC_KEY_ALGORITHM.eddsa: {
      if (first.length > 32 || second.length > 32) throw new PacketError(packet, 'an EdDSA signature value longer than 32 bytes')
      signature = new Uint8Array(64)
      signature.set(first, 32 - first.length)
      signature.set(second, 64 - second.length)
      break
    }
    default:
      throw new PacketError(packet, `a signature by public-key algorithm ${parsed.publicKeyAlgorithm}; in-toto verifies RSA, DSA and EdDSA`)
  }
  const keyid = parsed.issuerFingerprint ?? ''
  if (!keyid && parsed.issuerKeyId === undefined) throw new PacketError(packet, 'the signature names no issuer')
  if (keyid && parsed.issuerKeyId !== undefined && !keyid.endsWith(parsed.issuerKeyId)) {
    throw new PacketError(packet, 'the issuer key ID is not the end of the issuer fingerprint')
  }
  return {
    keyid,
    ...(parsed.issuerKeyId !== undefined ? { shortKeyid: parsed.issuerKeyId } : {}),
    otherHeaders: bytesToHex(parsed.hashedHeader),
    signature: bytesToHex(signature),
  }
}

/** The signature object as a metablock holds it (`create_signature`'s, without `short_keyid`). */
export function gpgSignatureJson(signature: Pick<CreatedSignature, 'keyid' | 'otherHeaders' | 'signature'>): JsonObject {
  return new Map([
    ['keyid', signature.keyid],
    ['other_headers', signature.otherHeaders],
    ['signature', signature.signature],
  ])
}
