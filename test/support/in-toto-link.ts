/**
 * Link files as in-toto writes them, for tests of the link readers, and everything a reader
 * of an envelope can observe, as plain data to compare.
 */
import { signedBytesOf } from '../../src/core/envelope/signed-bytes.ts'
import type { Envelope } from '../../src/core/envelope/types.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import { pythonJsonDumps } from '../../src/core/json/python-dump.ts'
import type { JsonValue } from '../../src/core/json/value.ts'
import type { ArtifactMap } from '../../src/core/model/types.ts'

const artifactEntries = (map: ArtifactMap) => [...map].map(([path, hashes]) => [path, [...hashes]])

/** Everything a reader of the envelope can observe, as plain data. */
export function observe(envelope: Envelope) {
  const content = envelope.content
  const link = content.type === 'link' ? content.link : undefined
  return {
    format: envelope.format,
    ignoredFields: envelope.ignoredFields,
    signatures: envelope.signatures.map((signature) => ({ ...signature, json: [...signature.json] })),
    link: link && {
      name: link.name,
      command: link.command,
      byproducts: [...link.byproducts],
      environment: [...link.environment],
      materials: artifactEntries(link.materials),
      materialsSize: link.materials.size,
      products: artifactEntries(link.products),
      productsSize: link.products.size,
      lookups: [...link.products.keys()].slice(0, 50).map((path) => [link.products.has(path), link.products.get(path) && [...(link.products.get(path) as Map<string, string>)]]),
    },
    signed: envelope.format === 'metablock' ? Buffer.from(canonicalBytes(envelope.signed)).toString() : undefined,
    signedBytes: Buffer.from(signedBytesOf(envelope)).toString(),
  }
}

/** A link as in-toto's `Metablock.dump` writes it (sorted keys, indent 1). */
export function inTotoLink(signed: Record<string, unknown>): string {
  const toJson = (value: unknown): JsonValue => {
    if (value === null || typeof value !== 'object' || value instanceof Map) return value as JsonValue
    if (Array.isArray(value)) return value.map(toJson)
    return new Map(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, toJson(item)]),
    )
  }
  const content = toJson({ signatures: [{ keyid: 'ab'.repeat(32), sig: 'cd'.repeat(64) }], signed: { _type: 'link', ...signed } })
  return pythonJsonDumps(content, { indent: 1 })
}

export function artifacts(count: number, digest = (i: number) => i.toString(16).padStart(64, '0')): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (let i = 0; i < count; i++) out[`src/pkg${i % 7}/file_${String(i).padStart(5, '0')}.py`] = { sha256: digest(i) }
  return out
}

export const FULL = {
  byproducts: { 'return-value': 0n, stderr: '', stdout: 'ok' },
  command: ['make', 'build'],
  environment: {},
  materials: artifacts(300),
  name: 'build',
  products: artifacts(500, (i) => (i * 7919).toString(16).padStart(64, 'f')),
}
