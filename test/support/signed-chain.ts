/**
 * Supply chains built and signed in a test: deterministic ed25519 keys, a layout written as
 * its JSON document (keys filled in from the functionaries), links with the artifacts given,
 * all signed for real and handed to the verifier from memory.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { serializeEnvelope, signDocument } from '../../src/core/envelope/sign.ts'
import type { Envelope } from '../../src/core/envelope/types.ts'
import { utf8 } from '../../src/core/encoding/utf8.ts'
import { parseJson } from '../../src/core/json/parse.ts'
import { exportLayoutKeyObject } from '../../src/core/keys/export.ts'
import { publicOf } from '../../src/core/keys/material.ts'
import { ed25519PrivateMaterial } from '../../src/core/keys/private-der.ts'
import { createPrivateKey } from '../../src/core/keys/private-key.ts'
import { publicKeyFor } from '../../src/core/keys/public-key.ts'
import type { PrivateKey } from '../../src/core/keys/types.ts'
import { parseLayout } from '../../src/core/model/layout.ts'
import { createLink } from '../../src/core/model/link.ts'
import { linkFileName } from '../../src/core/model/names.ts'
import type { ArtifactMap, HashDict, Link } from '../../src/core/model/types.ts'

/** An ed25519 key derived from `seed` (the same key in every run). */
export function keyFromSeed(seed: string): PrivateKey {
  const material = ed25519PrivateMaterial(sha256(utf8(`signed-chain ${seed}`)))
  return createPrivateKey(material, publicKeyFor(publicOf(material)))
}

/** The first 8 characters of a key's keyid: what its link files are named with. */
export const short = (key: PrivateKey) => key.publicKey.keyid.slice(0, 8)

/** A sha256 hash dict whose digest stands for `content`. */
export function hashOf(content: string): HashDict {
  return new Map([['sha256', Buffer.from(sha256(utf8(content))).toString('hex')]])
}

/** Artifacts from `path → content` (each content hashed). */
export function artifacts(files: Readonly<Record<string, string>>): ArtifactMap {
  return new Map(Object.entries(files).map(([path, content]) => [path, hashOf(content)]))
}

export interface StepDoc {
  readonly name: string
  readonly functionaries: readonly PrivateKey[]
  readonly threshold?: number
  readonly expected_command?: readonly string[]
  readonly expected_materials?: readonly (readonly string[])[]
  readonly expected_products?: readonly (readonly string[])[]
}

export interface InspectionDoc {
  readonly name: string
  readonly run: readonly string[]
  readonly expected_materials?: readonly (readonly string[])[]
  readonly expected_products?: readonly (readonly string[])[]
}

/** A layout of `steps` and `inspect`, every functionary's key listed, signed by `owners`. */
export async function signedLayout(
  owners: readonly PrivateKey[],
  steps: readonly StepDoc[],
  options: { readonly inspect?: readonly InspectionDoc[]; readonly expires?: string } = {},
): Promise<Envelope> {
  const keys: Record<string, unknown> = {}
  for (const step of steps) for (const key of step.functionaries) keys[key.publicKey.keyid] = Object.fromEntries(exportLayoutKeyObject(key.publicKey))
  for (const value of Object.values(keys)) {
    const object = value as Record<string, unknown>
    object.keyval = Object.fromEntries(object.keyval as Map<string, string>)
  }
  const doc = {
    _type: 'layout',
    expires: options.expires ?? '2099-01-01T00:00:00Z',
    readme: '',
    keys,
    steps: steps.map((step) => ({
      _type: 'step',
      name: step.name,
      threshold: step.threshold ?? 1,
      pubkeys: step.functionaries.map((key) => key.publicKey.keyid),
      expected_command: step.expected_command ?? [],
      expected_materials: step.expected_materials ?? [],
      expected_products: step.expected_products ?? [],
    })),
    inspect: (options.inspect ?? []).map((inspection) => ({
      _type: 'inspection',
      name: inspection.name,
      run: inspection.run,
      expected_materials: inspection.expected_materials ?? [],
      expected_products: inspection.expected_products ?? [],
    })),
  }
  return signDocument({ type: 'layout', layout: parseLayout(parseJson(JSON.stringify(doc))) }, owners)
}

/** A link file of step `name` by `key` (named `NAME.KEYID8.link`, in `dir` when given). */
export async function signedLink(
  name: string,
  key: PrivateKey,
  fields: Partial<Pick<Link, 'command' | 'materials' | 'products' | 'byproducts'>> = {},
  dir = '',
): Promise<readonly [string, Uint8Array]> {
  const envelope = await signDocument({ type: 'link', link: createLink(name, { command: fields.command ?? [], ...fields }) }, [key])
  return [`${dir ? `${dir}/` : ''}${linkFileName(name, key.publicKey.keyid)}`, utf8(serializeEnvelope(envelope))]
}

/** A signed layout as a link file would carry it (a sublayout), named for `step` and `key`. */
export function sublayoutFile(step: string, key: PrivateKey, layout: Envelope): readonly [string, Uint8Array] {
  return [linkFileName(step, key.publicKey.keyid), utf8(serializeEnvelope(layout))]
}
