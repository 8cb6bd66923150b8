/**
 * A JSON Schema (draft-07) of the signed layout object, for completions and hover text in the
 * JSON view. It describes what in-toto 1.3.1 accepts for hand-written layouts; the editor
 * still validates with the real rules (core/model/layout.ts) before applying text.
 */

/** `MATCH` → `[Mm][Aa][Tt][Cc][Hh]`: rule keywords are case-insensitive, JSON Schema patterns are not. */
function anyCase(word: string): string {
  return [...word].map((ch) => `[${ch.toUpperCase()}${ch.toLowerCase()}]`).join('')
}

const RULE_TYPES = ['MATCH', 'ALLOW', 'DISALLOW', 'REQUIRE', 'CREATE', 'DELETE', 'MODIFY']

const rule = {
  type: 'array',
  description:
    'An artifact rule: [TYPE, pattern] for ALLOW, DISALLOW, REQUIRE, CREATE, DELETE, MODIFY; or ["MATCH", pattern, ("IN", prefix,) "WITH", "MATERIALS"|"PRODUCTS", ("IN", prefix,) "FROM", step].',
  items: { type: 'string' },
  minItems: 2,
  maxItems: 10,
  prefixItems: [{ type: 'string', pattern: `^(${RULE_TYPES.map(anyCase).join('|')})$`, enum: RULE_TYPES }],
  defaultSnippets: [
    { label: 'MATCH … WITH PRODUCTS FROM …', body: ['MATCH', '${1:*}', 'WITH', 'PRODUCTS', 'FROM', '${2:step}'] },
    { label: 'DISALLOW *', body: ['DISALLOW', '*'] },
    { label: 'ALLOW', body: ['ALLOW', '${1:*}'] },
    { label: 'CREATE', body: ['CREATE', '${1:file}'] },
  ],
}

const rules = { type: 'array', items: rule, description: 'Ordered: the first rule that matches an artifact consumes it.' }
const args = { type: 'array', description: 'A command as an argument list.', items: { type: 'string' } }
const hex = '^[0-9a-fA-F]+$'

export const LAYOUT_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'in-toto layout (signed part)',
  type: 'object',
  required: ['_type', 'steps', 'inspect'],
  additionalProperties: false,
  properties: {
    _type: { const: 'layout' },
    expires: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$',
      description: 'Expiry, UTC, exactly YYYY-MM-DDTHH:MM:SSZ.',
    },
    readme: { type: 'string', description: 'Free text for people reading the layout.' },
    keys: {
      type: 'object',
      description: 'Functionary public keys by keyid.',
      propertyNames: { pattern: hex },
      additionalProperties: {
        type: 'object',
        required: ['keytype', 'keyval'],
        properties: {
          keyid: { type: 'string', pattern: hex },
          keytype: { enum: ['rsa', 'ed25519', 'ecdsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384'] },
          scheme: { type: 'string' },
          keyid_hash_algorithms: { type: 'array', items: { enum: ['sha256', 'sha512'] } },
          keyval: {
            type: 'object',
            required: ['public'],
            properties: { public: { type: 'string' }, private: { const: '' } },
          },
        },
      },
    },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          _type: { const: 'step' },
          name: { type: 'string', description: 'Unique across steps and inspections; link files are named <name>.<keyid prefix>.link.' },
          threshold: { type: 'integer', minimum: 1, description: 'How many authorized functionaries must sign agreeing links.' },
          pubkeys: { type: 'array', items: { type: 'string', pattern: hex }, description: 'Keyids allowed to sign this step.' },
          expected_command: args,
          expected_materials: rules,
          expected_products: rules,
        },
      },
    },
    inspect: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'run'],
        properties: {
          _type: { const: 'inspection' },
          name: { type: 'string' },
          run: { ...args, minItems: 1, description: 'The command the verifier runs; it must exit with 0.' },
          expected_materials: rules,
          expected_products: rules,
        },
      },
    },
  },
} as const
