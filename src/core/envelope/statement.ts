/**
 * in-toto attestation Statements carrying the link predicate, converted to a legacy link as
 * the attestation spec defines it (spec/predicates/link.md): the predicate's `materials`
 * (ResourceDescriptors with `name` and `digest`) become the link's materials, the
 * Statement's `subject` becomes its products, and name, command, byproducts and environment
 * are copied. Neither in-toto 1.3.1 nor 2.x verifies layouts against Statements; this is our
 * extension, listed in docs/compatibility.md.
 */
import { ValidationError, type Issue } from '../errors.ts'
import { isSchemaHex } from '../encoding/hex.ts'
import { joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import type { ArtifactMap, HashDict, Link } from '../model/types.ts'
import { LINK_PREDICATE_V03, STATEMENT_TYPE_V1 } from './types.ts'

const STATEMENT_TYPES = new Set([STATEMENT_TYPE_V1, 'https://in-toto.io/Statement/v0.1'])

export function isStatement(json: JsonValue): json is JsonObject {
  return json instanceof Map && typeof json.get('_type') === 'string' && STATEMENT_TYPES.has(json.get('_type') as string)
}

/** Converts a Statement with the link predicate into a link; reports every problem with its path. */
export function statementToLink(statement: JsonObject, file?: string): { link: Link; predicateType: string } {
  const issues: Issue[] = []
  const predicateType = statement.get('predicateType')
  if (predicateType !== LINK_PREDICATE_V03) {
    issues.push({
      path: 'predicateType',
      message: `only the link predicate (${LINK_PREDICATE_V03}) can stand in for link metadata, found ${JSON.stringify(typeof predicateType === 'string' ? predicateType : String(predicateType))}`,
    })
    throw new ValidationError('attestation', issues, file)
  }
  const predicate = statement.get('predicate') ?? new Map()
  if (!(predicate instanceof Map)) {
    throw new ValidationError('attestation', [{ path: 'predicate', message: 'must be an object' }], file)
  }
  const products = descriptorsToArtifacts(statement.get('subject'), 'subject', issues)
  const materials = descriptorsToArtifacts(predicate.get('materials') ?? [], 'predicate.materials', issues)
  const name = predicate.get('name')
  if (typeof name !== 'string') issues.push({ path: 'predicate.name', message: 'the link predicate requires a string name' })
  const command = predicate.get('command') ?? []
  if (!Array.isArray(command) || command.some((arg) => typeof arg !== 'string')) {
    issues.push({ path: 'predicate.command', message: 'must be a list of strings' })
  }
  const byproducts = predicate.get('byproducts') ?? new Map()
  if (!(byproducts instanceof Map)) issues.push({ path: 'predicate.byproducts', message: 'must be an object' })
  const environment = predicate.get('environment') ?? new Map()
  if (!(environment instanceof Map)) issues.push({ path: 'predicate.environment', message: 'must be an object' })
  if (issues.length > 0) throw new ValidationError('attestation', issues, file)
  return {
    predicateType,
    link: {
      type: 'link',
      name: name as string,
      command: command as JsonValue[],
      materials,
      products,
      byproducts: byproducts as JsonObject,
      environment: environment as JsonObject,
    },
  }
}

function descriptorsToArtifacts(value: JsonValue | undefined, path: string, issues: Issue[]): ArtifactMap {
  const artifacts = new Map<string, HashDict>()
  if (!Array.isArray(value)) {
    issues.push({ path, message: 'must be a list of resource descriptors' })
    return artifacts
  }
  value.forEach((descriptor, index) => {
    const at = joinPath(path, index)
    if (!(descriptor instanceof Map)) {
      issues.push({ path: at, message: 'must be an object' })
      return
    }
    const name = descriptor.get('name')
    const digest = descriptor.get('digest')
    if (typeof name !== 'string') {
      issues.push({ path: joinPath(at, 'name'), message: 'a resource descriptor standing for an artifact needs a string name' })
      return
    }
    if (artifacts.has(name)) {
      issues.push({ path: joinPath(at, 'name'), message: `duplicate artifact name ${JSON.stringify(name)}` })
      return
    }
    if (!(digest instanceof Map) || digest.size === 0) {
      issues.push({ path: joinPath(at, 'digest'), message: 'must be a non-empty object of algorithm → hex digest' })
      return
    }
    const hashes = new Map<string, string>()
    for (const [algorithm, hex] of digest) {
      if (typeof hex !== 'string' || !isSchemaHex(hex)) {
        issues.push({ path: joinPath(joinPath(at, 'digest'), algorithm), message: 'must be a hex string' })
        return
      }
      hashes.set(algorithm, hex)
    }
    artifacts.set(name, hashes)
  })
  return artifacts
}
