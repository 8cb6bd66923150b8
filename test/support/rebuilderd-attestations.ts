/**
 * A generator of attestations as rebuilderd (≥ 0.25) writes them, for tests: legacy in-toto
 * link metablocks, step `rebuild <artifact>`, `"environment": null`, signed with Ed25519 by the
 * worker and then by the daemon's long-term key, members in rebuilderd's order. Public keys come
 * as rebuilderd serves them: SPKI PEM with an explicit NULL algorithm parameter.
 *
 * Built on the core's key generation and canonical JSON; digests with node:crypto, so they are
 * independent of the hasher under test.
 */
import { createHash } from 'node:crypto'
import { bytesToBase64 } from '../../src/core/encoding/base64.ts'
import { bytesToHex, hexToBytes } from '../../src/core/encoding/hex.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import type { JsonInput } from '../../src/core/json/value.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'

export interface Digests {
  readonly sha256: string
  readonly sha512: string
}

export function digestsOf(bytes: Uint8Array | string): Digests {
  return { sha256: createHash('sha256').update(bytes).digest('hex'), sha512: createHash('sha512').update(bytes).digest('hex') }
}

export interface GeneratedRebuilder {
  readonly name: string
  readonly worker: PrivateKey
  readonly daemon: PrivateKey
}

export async function makeRebuilder(name: string): Promise<GeneratedRebuilder> {
  return { name, worker: await generateKeyPair('ed25519'), daemon: await generateKeyPair('ed25519') }
}

/** The key as `/api/v1/meta/public-keys` serves it: SPKI with the NULL parameter RFC 8410 forbids. */
export function rebuilderdPem(key: PrivateKey): string {
  const der = new Uint8Array([...hexToBytes('302c300706032b65700500032100'), ...hexToBytes(key.publicKey.public)])
  return `-----BEGIN PUBLIC KEY-----\n${bytesToBase64(der)}\n-----END PUBLIC KEY-----\n`
}

export interface AttestationOptions {
  /** The artifact file name the rebuild step names and whose digests it reports. */
  readonly artifact: string
  readonly digests: Digests
  /** Materials (rebuilderd: the `.buildinfo`); default one made-up buildinfo. */
  readonly materials?: Readonly<Record<string, Digests>>
  /** Who signs, in order (default: worker, then daemon). */
  readonly signers?: readonly PrivateKey[]
  /** The keyid each signature carries (default: the key's in-toto 1.x keyid, as rebuilderd writes it). */
  readonly keyids?: readonly string[]
}

/** The attestation file's bytes, compact as rebuilderd writes them. */
export async function rebuilderdAttestation(rebuilder: GeneratedRebuilder, options: AttestationOptions): Promise<Uint8Array> {
  const { artifact, digests } = options
  const signed = {
    _type: 'link',
    name: `rebuild ${artifact}`,
    materials: options.materials ?? { [`${artifact.replace(/_[^_]*$/, '')}.buildinfo`]: digestsOf(`buildinfo of ${artifact}`) },
    products: { [artifact]: { sha512: digests.sha512, sha256: digests.sha256 } },
    environment: null,
    byproducts: {},
    command: [],
  }
  const bytes = canonicalBytes(signed as unknown as JsonInput)
  const signatures = []
  for (const [index, key] of (options.signers ?? [rebuilder.worker, rebuilder.daemon]).entries()) {
    signatures.push({ keyid: options.keyids?.[index] ?? key.publicKey.keyid, sig: bytesToHex(await key.sign(bytes)) })
  }
  return new TextEncoder().encode(JSON.stringify({ signatures, signed }))
}

/** The same file with one product digest changed and the signatures left as they were. */
export function tamperProductDigest(file: Uint8Array, artifact: string): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(file)) as { signed: { products: Record<string, Digests> } }
  const hashes = json.signed.products[artifact]
  if (!hashes) throw new Error(`no product ${artifact}`)
  json.signed.products[artifact] = { ...hashes, sha256: hashes.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')) }
  return new TextEncoder().encode(JSON.stringify(json))
}
