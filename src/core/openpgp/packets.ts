/**
 * OpenPGP packet framing (RFC 4880 4.2; RFC 9580 4.2), as `gpg --export` writes public keys:
 * old-format headers (one-, two- or four-octet lengths) and new-format headers (one-, two- or
 * five-octet lengths).
 *
 * Refused, as securesystemslib 0.26 refuses them (`gpg/util.py:parse_packet_header`): old-format
 * packets of indeterminate length and new-format partial body lengths (neither occurs in
 * exported keys: they exist for streamed messages). Refused besides: a length running past the
 * end of the input, a first octet without its always-set high bit, and inputs with more
 * packets than any real key has (see {@link MAX_PACKETS}).
 */
import { OpenPgpFormatError } from './cursor.ts'

export const PACKET_TAG = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  marker: 10,
  trust: 12,
  userId: 13,
  publicSubkey: 14,
  userAttribute: 17,
} as const

const TAG_NAMES: Readonly<Record<number, string>> = {
  1: 'public-key encrypted session key',
  2: 'signature',
  3: 'symmetric-key encrypted session key',
  4: 'one-pass signature',
  5: 'secret key',
  6: 'public key',
  7: 'secret subkey',
  8: 'compressed data',
  9: 'symmetrically encrypted data',
  10: 'marker',
  11: 'literal data',
  12: 'trust',
  13: 'user ID',
  14: 'public subkey',
  17: 'user attribute',
  18: 'encrypted and integrity protected data',
  19: 'modification detection code',
  20: 'AEAD encrypted data',
  21: 'padding',
}

export function packetTagName(tag: number): string {
  return TAG_NAMES[tag] ?? `tag ${tag}`
}

/**
 * A key with its signatures is a few dozen packets; keys with many third-party certifications
 * have thousands. Beyond this the input is not a key anyone exported.
 */
export const MAX_PACKETS = 65536

export interface Packet {
  /** Position in the input, from 1 (what error messages say). */
  readonly number: number
  readonly tag: number
  /** Offset of the packet's first header octet in the input. */
  readonly offset: number
  readonly body: Uint8Array
}

/** A problem located at one packet. */
export class PacketError extends OpenPgpFormatError {
  readonly packet: number
  constructor(packet: { readonly number: number; readonly tag?: number; readonly offset: number }, message: string) {
    super(`packet ${packet.number}${packet.tag === undefined ? '' : ` (${packetTagName(packet.tag)})`} at byte ${packet.offset}: ${message}`)
    this.name = 'PacketError'
    this.packet = packet.number
  }
}

/** Splits binary OpenPGP data into packets. Throws {@link PacketError} naming the packet. */
export function readPackets(bytes: Uint8Array): Packet[] {
  const packets: Packet[] = []
  let offset = 0
  while (offset < bytes.length) {
    const number = packets.length + 1
    if (number > MAX_PACKETS) throw new PacketError({ number, offset }, `more than ${MAX_PACKETS} packets: this is not an exported key`)
    const first = bytes[offset]!
    if ((first & 0x80) === 0) throw new PacketError({ number, offset }, `first octet 0x${first.toString(16).padStart(2, '0')} is not a packet header (bit 7 must be set)`)
    const header = first & 0x40 ? newFormatHeader(bytes, offset, number) : oldFormatHeader(bytes, offset, number)
    const start = offset + header.headerLength
    if (header.bodyLength > bytes.length - start) {
      throw new PacketError({ number, tag: header.tag, offset }, `truncated: the header announces ${header.bodyLength} bytes, ${Math.max(0, bytes.length - start)} are left`)
    }
    if (header.tag === 0) throw new PacketError({ number, offset }, 'tag 0 is reserved and never used')
    packets.push({ number, tag: header.tag, offset, body: bytes.subarray(start, start + header.bodyLength) })
    offset = start + header.bodyLength
  }
  return packets
}

interface Header {
  readonly tag: number
  readonly headerLength: number
  readonly bodyLength: number
}

function newFormatHeader(bytes: Uint8Array, offset: number, number: number): Header {
  const tag = bytes[offset]! & 0x3f
  const at = { number, tag, offset }
  const octet = (index: number): number => {
    if (offset + index >= bytes.length) throw new PacketError(at, 'truncated header')
    return bytes[offset + index]!
  }
  const first = octet(1)
  if (first < 192) return { tag, headerLength: 2, bodyLength: first }
  if (first < 224) return { tag, headerLength: 3, bodyLength: ((first - 192) << 8) + octet(2) + 192 }
  if (first === 255) return { tag, headerLength: 6, bodyLength: octet(2) * 0x1000000 + ((octet(3) << 16) | (octet(4) << 8) | octet(5)) }
  throw new PacketError(at, 'partial body lengths are not accepted (they are for streamed messages, never for exported keys)')
}

function oldFormatHeader(bytes: Uint8Array, offset: number, number: number): Header {
  const tag = (bytes[offset]! & 0x3c) >> 2
  const at = { number, tag, offset }
  const lengthType = bytes[offset]! & 0x03
  if (lengthType === 3) throw new PacketError(at, 'indeterminate lengths are not accepted (old-format length type 3)')
  const octets = lengthType === 0 ? 1 : lengthType === 1 ? 2 : 4
  if (offset + 1 + octets > bytes.length) throw new PacketError(at, 'truncated header')
  let bodyLength = 0
  for (let i = 1; i <= octets; i++) bodyLength = bodyLength * 256 + bytes[offset + i]!
  return { tag, headerLength: 1 + octets, bodyLength }
}
