/**
 * Reading an exported OpenPGP public key ("certificate": `gpg --export [--armor]`) into what a
 * person and the verifier need: the securesystemslib key object for a layout (key-object.ts),
 * and what GnuPG would tell about the key — user IDs, subkeys, creation, expiry, revocation.
 *
 * The structure follows RFC 4880 11.1 / 12.1 (as securesystemslib 0.26
 * `gpg/common.py:parse_pubkey_bundle` reads it: a signature belongs to the packet before it),
 * and every signature that decides something is verified:
 * - user ID self-certifications (0x10–0x13): the newest valid one per user ID counts; the
 *   primary user ID's (flag 25, else the newest) gives the key's expiry and flags;
 * - direct-key self-signatures (0x1F): an expiry there also applies (the earlier one wins);
 * - subkey bindings (0x18): the newest valid one per subkey counts; a signing subkey also needs
 *   a valid primary-key binding signed by the subkey itself (0x19, RFC 4880 5.2.1);
 * - revocations of the key (0x20), of a subkey (0x28) and of a user ID (0x30), when issued by
 *   the primary key itself (a designated revoker's cannot be checked without its key).
 *
 * Where securesystemslib 0.26 differs, this module is right and says so in
 * docs/compatibility.md: it hashes keys and user IDs with the headers they were exported with
 * (so every self-signature of an ed25519 key fails for it: no expiry, no subkeys), keeps
 * revoked subkeys, takes the newest certificate *with* an expiry, and drops a subkey with more
 * than one binding signature.
 */
import type { JsonObject } from '../json/value.ts'
import { OpenPgpFormatError } from './cursor.ts'
import { gpgKeyObject } from './key-object.ts'
import { PACKET_TAG, PacketError, packetTagName, readPackets, type Packet } from './packets.ts'
import { keyHashPrefix, parsePublicKeyPacket, publicKeyAlgorithmName, type KeyType, type PublicKeyPacket } from './public-key.ts'
import { CERTIFICATION_TYPES, HASH_ALGORITHM, KEY_FLAG, SIGNATURE_TYPE, parseSignaturePacket, type SignaturePacket } from './signature-packet.ts'
import { SignatureKeyError, signatureDigest, verifyDigest, type SignatureValues } from './signature-math.ts'

/** More subkeys than this is not a key anyone uses (real keys have a handful). */
export const MAX_SUBKEYS = 256
/** User IDs and user attributes together. */
export const MAX_USER_IDS = 512
/** Self-signatures checked per user ID or subkey (each costs a public-key operation). */
export const MAX_SELF_SIGNATURES = 64

export interface Revocation {
  /** When the revocation was made (seconds since the epoch). */
  readonly created: number
  /** RFC 4880 5.2.3.23 reason code: 0 none, 1 superseded, 2 compromised, 3 retired, 32 user ID invalid. */
  readonly code: number
  readonly reason: string
  readonly description: string
  /**
   * A hard revocation (compromised, or no or an unknown reason) invalidates every signature; a
   * soft one (superseded, retired) only those made after it (RFC 9580 5.2.3.31).
   */
  readonly hard: boolean
}

export interface KeyInfo {
  /** Lowercase hex V4 fingerprint (the securesystemslib keyid). */
  readonly fingerprint: string
  /** The 64-bit key ID (last 16 hex digits of the fingerprint). */
  readonly keyId: string
  /** Absent when securesystemslib cannot use the algorithm. */
  readonly type?: KeyType
  /** For people: "RSA 3072", "EdDSA (Ed25519)", "Elgamal". */
  readonly algorithm: string
  readonly created: number
  /** Seconds since the epoch; absent: does not expire. */
  readonly expires?: number
  /** Key flags (certify 0x01, sign 0x02, encrypt 0x04/0x08, authenticate 0x20), when stated. */
  readonly flags?: number
  readonly revocation?: Revocation
}

export interface SubkeyInfo extends KeyInfo {
  /** Whether the subkey is in the key object (securesystemslib `subkeys`), and if not why. */
  readonly inKeyObject: boolean
  readonly leftOut?: string
}

export interface UserIdInfo {
  readonly text: string
  readonly primary: boolean
  /** Has a valid self-certification. */
  readonly certified: boolean
  readonly revocation?: Revocation
}

export interface OpenPgpCertificate {
  readonly primary: KeyInfo
  readonly userIds: readonly UserIdInfo[]
  readonly subkeys: readonly SubkeyInfo[]
  /** The key object a layout's `keys` holds for this key (securesystemslib `export_pubkey`). */
  readonly keyObject: JsonObject
  /** Things a person should know that do not stop the key from being used. */
  readonly notes: readonly string[]
}

/**
 * Reads every certificate in binary OpenPGP data. Throws {@link OpenPgpFormatError} (a
 * {@link PacketError} where a packet is to blame) for data that is not a public key export.
 */
export async function readCertificates(bytes: Uint8Array): Promise<OpenPgpCertificate[]> {
  const packets = readPackets(bytes)
  const groups: Packet[][] = []
  for (const packet of packets) {
    if (packet.tag === PACKET_TAG.secretKey || packet.tag === PACKET_TAG.secretSubkey) {
      throw new PacketError(packet, 'this is a private key export; give the public key (gpg --export)')
    }
    if (packet.tag === PACKET_TAG.publicKey) groups.push([packet])
    else if (packet.tag === PACKET_TAG.marker || packet.tag === PACKET_TAG.trust) continue
    else if (groups.length === 0) throw new PacketError(packet, `a key export starts with a public-key packet, not a ${packetTagName(packet.tag)} packet`)
    else groups.at(-1)!.push(packet)
  }
  if (groups.length === 0) throw new OpenPgpFormatError('no public key in the data')
  const out: OpenPgpCertificate[] = []
  for (const group of groups) out.push(await readCertificate(group))
  return out
}

interface Component {
  readonly packet: Packet
  readonly signatures: Packet[]
}

async function readCertificate(group: readonly Packet[]): Promise<OpenPgpCertificate> {
  const [first, ...rest] = group as [Packet, ...Packet[]]
  const primary = parseKey(first)
  if (primary.params === undefined) throw new PacketError(first, primary.unsupported!)
  const direct: Packet[] = []
  const userIds: Component[] = []
  const attributes: Component[] = []
  const subkeys: Component[] = []
  let current: Component | undefined
  for (const packet of rest) {
    if (packet.tag === PACKET_TAG.signature) {
      const list = current ? current.signatures : direct
      list.push(packet)
      continue
    }
    if (packet.tag === PACKET_TAG.userId || packet.tag === PACKET_TAG.userAttribute || packet.tag === PACKET_TAG.publicSubkey) {
      current = { packet, signatures: [] }
      if (packet.tag === PACKET_TAG.publicSubkey) {
        if (subkeys.length === MAX_SUBKEYS) throw new PacketError(packet, `the key has more than ${MAX_SUBKEYS} subkeys; a key this large is refused`)
        subkeys.push(current)
      } else {
        if (userIds.length + attributes.length === MAX_USER_IDS) throw new PacketError(packet, `the key has more than ${MAX_USER_IDS} user IDs; a key this large is refused`)
        ;(packet.tag === PACKET_TAG.userId ? userIds : attributes).push(current)
      }
    }
    // Other packets (padding, unknown tags) carry nothing for a key; RFC 4880 4.3 lets readers skip them.
  }

  const signer = new SelfSignatureChecker(primary)
  const notes: string[] = []
  const primaryHash = keyHashPrefix(primary.body)

  // User IDs: the newest valid self-certification of each, and revocations.
  const uidStates: { text: string; latest?: SignaturePacket; revocation?: Revocation }[] = []
  for (const uid of userIds) {
    const data = concat(primaryHash, Uint8Array.of(0xb4), be32(uid.packet.body.length), uid.packet.body)
    const certifications = await signer.valid(uid, data, (type) => CERTIFICATION_TYPES.has(type))
    const revocations = await signer.valid(uid, data, (type) => type === SIGNATURE_TYPE.certificationRevocation)
    uidStates.push({ text: decodeUserId(uid.packet.body), latest: newest(certifications), revocation: revocationOf(newest(revocations)) })
  }
  const directSignatures = await signer.valid({ packet: first, signatures: direct }, primaryHash, (type) => type === SIGNATURE_TYPE.directKey)
  const keyRevocations = await signer.valid({ packet: first, signatures: direct }, primaryHash, (type) => type === SIGNATURE_TYPE.keyRevocation)
  const primaryUid = choosePrimaryUserId(uidStates)
  const selfSignature = primaryUid?.latest
  const directKey = newest(directSignatures)
  if (selfSignature === undefined && directKey === undefined) notes.push('no valid self-signature: the key states no expiry or capabilities')
  const keyExpiration = earliest(positive(selfSignature?.keyExpiration), positive(directKey?.keyExpiration))
  const primaryInfo: KeyInfo = {
    ...describeKey(primary),
    ...(keyExpiration !== undefined ? { expires: primary.created + keyExpiration } : {}),
    ...flagsOf(selfSignature?.keyFlags ?? directKey?.keyFlags),
    ...optional('revocation', revocationOf(newest(keyRevocations))),
  }

  // Subkeys: the newest valid binding of each, its back signature, and revocations.
  const subkeyInfos: SubkeyInfo[] = []
  const kept: { packet: PublicKeyPacket; validityPeriod?: number }[] = []
  for (const component of subkeys) {
    const outcome = await readSubkey(component, primaryHash, signer)
    subkeyInfos.push(outcome.info)
    if (outcome.info.inKeyObject) kept.push({ packet: outcome.packet!, validityPeriod: outcome.validityPeriod })
  }

  const validityPeriod = selfSignature?.keyExpiration !== undefined || directKey?.keyExpiration !== undefined ? (keyExpiration ?? 0) : undefined
  const keyObject = gpgKeyObject(primary, validityPeriod, kept)
  for (const period of [validityPeriod, ...kept.map((sub) => sub.validityPeriod)]) {
    if (period !== undefined && period > 0x7fffffff) {
      notes.push(
        `a validity period of ${period} seconds (over 68 years) is more than in-toto 1.x accepts in a layout (securesystemslib's schema allows at most 2147483647): a layout holding this key fails to load there`,
      )
      break
    }
  }
  return {
    primary: primaryInfo,
    userIds: uidStates.map((state) => ({ text: state.text, primary: state === primaryUid, certified: state.latest !== undefined, ...optional('revocation', state.revocation) })),
    subkeys: subkeyInfos,
    keyObject,
    notes,
  }
}

interface SubkeyOutcome {
  readonly info: SubkeyInfo
  readonly packet?: PublicKeyPacket
  readonly validityPeriod?: number
}

async function readSubkey(component: Component, primaryHash: Uint8Array, signer: SelfSignatureChecker): Promise<SubkeyOutcome> {
  let sub: PublicKeyPacket
  try {
    sub = parsePublicKeyPacket(component.packet.body)
  } catch (error) {
    const fingerprint = ''
    return {
      info: {
        fingerprint,
        keyId: '',
        algorithm: 'unreadable',
        created: 0,
        inKeyObject: false,
        leftOut: `packet ${component.packet.number} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      },
    }
  }
  const base = describeKey(sub)
  const leftOut = (reason: string, extra: Partial<SubkeyInfo> = {}): SubkeyOutcome => ({ info: { ...base, ...extra, inKeyObject: false, leftOut: reason } })
  if (sub.params === undefined) return leftOut(sub.unsupported!)
  const data = concat(primaryHash, keyHashPrefix(sub.body))
  const bindings = (await signer.valid(component, data, (type) => type === SIGNATURE_TYPE.subkeyBinding)).filter((sig) => (sig.created ?? 0) >= sub.created)
  const binding = newest(bindings)
  if (binding === undefined) return leftOut('it has no valid binding signature by the primary key')
  const expires = positive(binding.keyExpiration)
  const state: Partial<SubkeyInfo> = { ...(expires !== undefined ? { expires: sub.created + expires } : {}), ...flagsOf(binding.keyFlags) }
  const revocation = revocationOf(newest(await signer.valid(component, data, (type) => type === SIGNATURE_TYPE.subkeyRevocation)))
  if (revocation) return leftOut(`revoked on ${isoDate(revocation.created)} (${revocation.reason})`, { ...state, revocation })
  if (binding.keyFlags !== undefined && binding.keyFlags & KEY_FLAG.sign && !(await hasBackSignature(binding, sub, data))) {
    return leftOut('it may sign but has no valid back signature (RFC 4880 5.2.1: a signing subkey must certify its primary key)', state)
  }
  return { info: { ...base, ...state, inKeyObject: true }, packet: sub, validityPeriod: binding.keyExpiration }
}

/** A signing subkey's primary-key binding (0x19) embedded in its binding, signed by the subkey. */
async function hasBackSignature(binding: SignaturePacket, sub: PublicKeyPacket, data: Uint8Array): Promise<boolean> {
  for (const embedded of binding.embedded) {
    let back: SignaturePacket
    try {
      back = parseSignaturePacket(embedded)
    } catch {
      continue
    }
    if (back.type !== SIGNATURE_TYPE.primaryKeyBinding) continue
    if (await checkSignature(back, sub, data)) return true
  }
  return false
}

/** Finds and verifies the primary key's own signatures on a component. */
class SelfSignatureChecker {
  private readonly primary: PublicKeyPacket

  constructor(primary: PublicKeyPacket) {
    this.primary = primary
  }

  /** The valid signatures by the primary key on `component` whose type passes `accept`. */
  async valid(component: Component, data: Uint8Array, accept: (type: number) => boolean): Promise<SignaturePacket[]> {
    const out: SignaturePacket[] = []
    let checked = 0
    for (const packet of component.signatures) {
      let signature: SignaturePacket
      try {
        signature = parseSignaturePacket(packet.body)
      } catch (error) {
        // A malformed signature cannot certify anything; the reference skips it too (`log.info`).
        if (error instanceof OpenPgpFormatError) continue
        throw error
      }
      if (!accept(signature.type) || !this.issuedByPrimary(signature)) continue
      if (++checked > MAX_SELF_SIGNATURES) {
        throw new PacketError(packet, `more than ${MAX_SELF_SIGNATURES} self-signatures on one ${packetTagName(component.packet.tag)}; a key like this is refused`)
      }
      let valid: boolean
      try {
        valid = (signature.created ?? -1) >= this.primary.created && (await checkSignature(signature, this.primary, data))
      } catch (error) {
        if (error instanceof SignatureKeyError) throw new PacketError(packet, `the primary key cannot verify signatures: ${error.message}`)
        throw error
      }
      if (valid) out.push(signature)
    }
    return out
  }

  private issuedByPrimary(signature: SignaturePacket): boolean {
    const fpr = this.primary.fingerprint
    if (signature.issuerFingerprint !== undefined) return signature.issuerFingerprint === fpr
    if (signature.issuerKeyId !== undefined) return fpr.endsWith(signature.issuerKeyId)
    return false
  }
}

/** Verifies a key signature by `signer` over `data` (RFC 4880 5.2.4). */
async function checkSignature(signature: SignaturePacket, signer: PublicKeyPacket, data: Uint8Array): Promise<boolean> {
  const hash = HASH_ALGORITHM[signature.hashAlgorithm]
  if (hash === undefined || signer.params === undefined || signature.publicKeyAlgorithm !== signer.algorithm) return false
  if (signature.unknownCritical.length > 0 || signature.created === undefined) return false
  const digest = await signatureDigest(hash, data, signature.hashedHeader)
  if (digest[0] !== signature.hashPrefix[0] || digest[1] !== signature.hashPrefix[1]) return false
  return verifyDigest(signer.params, hash, digest, valuesOf(signer.params.type, signature.mpis))
}

export function valuesOf(type: KeyType, mpis: readonly Uint8Array[]): SignatureValues {
  if (type === 'rsa') return { type, s: mpis[0] ?? new Uint8Array() }
  return { type, r: mpis[0] ?? new Uint8Array(), s: mpis[1] ?? new Uint8Array() }
}

function parseKey(packet: Packet): PublicKeyPacket {
  try {
    return parsePublicKeyPacket(packet.body)
  } catch (error) {
    if (error instanceof OpenPgpFormatError) throw new PacketError(packet, error.message)
    throw error
  }
}

function describeKey(key: PublicKeyPacket): KeyInfo {
  const name = publicKeyAlgorithmName(key.algorithm)
  const algorithm = key.params?.type === 'eddsa' ? 'EdDSA (Ed25519)' : key.bits !== undefined ? `${name} ${key.bits}` : name
  return { fingerprint: key.fingerprint, keyId: key.fingerprint.slice(-16), ...optional('type', key.params?.type), algorithm, created: key.created }
}

/** The primary user ID: the newest certification flagged primary, else the newest of all (as GnuPG). */
function choosePrimaryUserId<T extends { latest?: SignaturePacket; revocation?: Revocation }>(states: readonly T[]): T | undefined {
  const live = states.filter((state) => state.latest !== undefined && state.revocation === undefined)
  const candidates = live.length > 0 ? live : states.filter((state) => state.latest !== undefined)
  const byTime = (a: T, b: T): number => (b.latest!.created ?? 0) - (a.latest!.created ?? 0)
  const flagged = candidates.filter((state) => state.latest!.primaryUserId).sort(byTime)
  return flagged[0] ?? [...candidates].sort(byTime)[0]
}

function newest(signatures: readonly SignaturePacket[]): SignaturePacket | undefined {
  let best: SignaturePacket | undefined
  for (const signature of signatures) if (best === undefined || (signature.created ?? 0) > (best.created ?? 0)) best = signature
  return best
}

const REASONS: Readonly<Record<number, string>> = {
  0: 'no reason given',
  1: 'superseded',
  2: 'compromised',
  3: 'no longer used',
  32: 'user ID no longer valid',
}

function revocationOf(signature: SignaturePacket | undefined): Revocation | undefined {
  if (signature === undefined) return undefined
  const code = signature.revocationReason?.code ?? 0
  return {
    created: signature.created ?? 0,
    code,
    reason: REASONS[code] ?? `reason ${code}`,
    description: signature.revocationReason?.text ?? '',
    hard: !(code === 1 || code === 3 || code === 32),
  }
}

function flagsOf(flags: number | undefined): { flags?: number } {
  return flags === undefined ? {} : { flags }
}

function positive(value: number | undefined): number | undefined {
  return value === undefined || value === 0 ? undefined : value
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return Math.min(a, b)
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function decodeUserId(body: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(body)
}

export function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
}

function be32(value: number): Uint8Array {
  return Uint8Array.of((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff)
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
