/**
 * Untrusted input the core must refuse with a clear error: a CoreError (ValidationError for
 * documents) whose message names the file and, for documents, the JSON path of the problem —
 * never a crash (TypeError, RangeError …) and never a silent pass. And one input that looks
 * dangerous but is legal: `__proto__` as an artifact name is a plain Map entry that round-trips.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { verifySignature } from '../../src/core/keys/signature.ts'
import { bytesToBase64 } from '../../src/core/encoding/base64.ts'
import { utf8 } from '../../src/core/encoding/utf8.ts'
import { CoreError, ValidationError, type CoreErrorCode } from '../../src/core/errors.ts'
import { readEnvelope } from '../../src/core/envelope/read.ts'
import { serializeEnvelope, signDocument } from '../../src/core/envelope/sign.ts'
import type { Envelope } from '../../src/core/envelope/types.ts'
import { verifyEnvelopeSignature } from '../../src/core/envelope/verify.ts'
import { canonicalBytes } from '../../src/core/json/canonical.ts'
import { exportPrivateKeyPkcs8Pem } from '../../src/core/keys/export.ts'
import { generateKeyPair } from '../../src/core/keys/generate.ts'
import { importPrivateKey, importPublicKey, importVerifyKeyFile } from '../../src/core/keys/import.ts'
import type { PublicKey } from '../../src/core/keys/types.ts'
import { DEMO } from '../support/key-fixtures.ts'
import { memoryLinks } from '../../src/core/links/index.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'

const FILE = 'untrusted/input.link'
const ALICE_PRIVATE = readFileSync(join(DEMO, 'alice'), 'utf8')
const ALICE_PUBLIC = readFileSync(join(DEMO, 'alice.pub'), 'utf8')
const DANNY_PRIVATE = readFileSync(join(DEMO, 'danny'), 'utf8')
const HEX64 = 'ab'.repeat(32)
/** A keyid starting with a digit, which JSON paths write in brackets: `keys["2fab…"]`. */
const KEYID = '2f' + 'ab'.repeat(31)
const ED25519_PUBLIC: PublicKey = { keyid: HEX64, keytype: 'ed25519', scheme: 'ed25519', public: JSON.parse(DANNY_PRIVATE).keyval.public }

// ------------------------------------------------------------------------------------------------
// Documents

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const LINK: Record<string, Json> = { _type: 'link', name: 'build', command: [], materials: {}, products: {}, byproducts: {}, environment: {} }
const STEP: Record<string, Json> = { _type: 'step', name: 'build', pubkeys: [HEX64], threshold: 1, expected_command: [], expected_materials: [], expected_products: [] }
const LAYOUT: Record<string, Json> = { _type: 'layout', expires: '2030-01-01T00:00:00Z', readme: '', keys: {}, steps: [STEP], inspect: [] }

function metablock(signed: Json, signatures: Json = []): string {
  return JSON.stringify({ signatures, signed })
}
const link = (fields: Record<string, Json>): string => metablock({ ...LINK, ...fields })
const layout = (fields: Record<string, Json>): string => metablock({ ...LAYOUT, ...fields })
const step = (fields: Record<string, Json>): Record<string, Json> => ({ ...STEP, ...fields })
/** `LINK` with `"environment"` holding a raw JSON text (for lexemes JSON.stringify cannot write). */
const linkWithRaw = (raw: string): string => metablock(LINK).replace('"environment":{}', `"environment":{"x":${raw}}`)

function dsse(payload: string, fields: Record<string, Json> = {}): string {
  return JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [], ...fields })
}
const b64 = (text: string): string => bytesToBase64(utf8(text))

interface DocumentCase {
  readonly name: string
  readonly input: string | Uint8Array
  /** JSON path the error must name (for problems at the document root: omitted). */
  readonly path?: string
  readonly code?: CoreErrorCode
  /** Text the message must contain besides file and path. */
  readonly says?: string | RegExp
}

const DOCUMENT_CASES: readonly DocumentCase[] = [
  // JSON syntax and encoding
  { name: 'truncated JSON', input: '{"signed": {"_type": "link", "name": "x"', code: 'json' },
  { name: 'an empty file', input: '', code: 'json' },
  { name: 'trailing garbage after the document', input: `${metablock(LINK)} trailing`, code: 'json' },
  { name: 'single-quoted strings', input: "{'signed': {}}", code: 'json' },
  { name: 'a trailing comma', input: '{"signed": {"_type": "link",}}', code: 'json' },
  { name: 'a duplicate key', input: metablock(LINK).replace('"name":"build"', '"name":"build","name":"other"'), path: 'signed.name', code: 'json', says: /duplicate/i },
  { name: 'a UTF-8 byte order mark', input: Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(metablock(LINK))]), code: 'json', says: /byte order mark/ },
  { name: 'invalid UTF-8', input: Uint8Array.from([...utf8('{"signed": {"name": "'), 0xc3, 0x28, ...utf8('"}}')]), code: 'json', says: /UTF-8/ },
  {
    name: 'a lone surrogate in an artifact name',
    input: link({ materials: {} }).replace('"materials":{}', '"materials":{"\\ud800":{"sha256":"ab"}}'),
    code: 'json',
    says: /surrogate/,
  },
  { name: 'an integer with 5000 digits', input: linkWithRaw('9'.repeat(5000)), code: 'json', says: /digits/ },
  { name: 'nesting 600 levels deep', input: linkWithRaw('['.repeat(600) + ']'.repeat(600)), code: 'json', says: /deep|nest/i },
  { name: 'a float in byproducts', input: link({ byproducts: { 'return-value': 0.5 } }), path: 'signed.byproducts.return-value', says: '0.5' },
  { name: 'NaN in environment', input: linkWithRaw('NaN'), path: 'signed.environment.x', says: 'NaN' },
  { name: 'an exponent (a float) as threshold', input: layout({ steps: [step({})] }).replace('"threshold":1', '"threshold":1e3'), path: 'signed.steps[0].threshold' },
  { name: '-Infinity as threshold', input: layout({ steps: [step({})] }).replace('"threshold":1', '"threshold":-Infinity'), path: 'signed.steps[0].threshold' },
  // Envelope shape
  { name: 'a JSON array at the top', input: '[]', code: 'format' },
  { name: 'a JSON string at the top', input: '"signed"', code: 'format' },
  { name: '"signed" that is a list', input: metablock([]), path: 'signed' },
  { name: 'a missing _type', input: metablock({ name: 'x' }), path: 'signed._type' },
  { name: 'an unknown _type', input: metablock({ ...LINK, _type: 'Link' }), path: 'signed._type', says: 'Link' },
  { name: '"signatures" that is an object', input: metablock(LINK, {}), path: 'signatures' },
  { name: 'a non-hex signature', input: metablock(LINK, [{ keyid: HEX64, sig: 'not hex!' }]), path: 'signatures[0].sig' },
  { name: 'a signature without keyid', input: metablock(LINK, [{ sig: 'abcd' }]), path: 'signatures[0].keyid' },
  { name: 'a signature that is a string', input: metablock(LINK, ['abcd']), path: 'signatures[0]' },
  // Links
  { name: 'materials given as a list', input: link({ materials: [] }), path: 'signed.materials' },
  { name: 'a non-hex artifact digest', input: link({ materials: { 'src/a.c': { sha256: 'xyz' } } }), path: 'signed.materials["src/a.c"].sha256' },
  { name: 'an empty artifact digest', input: link({ products: { 'a.txt': { sha256: '' } } }), path: 'signed.products["a.txt"].sha256' },
  { name: 'an artifact whose hashes are a string', input: link({ materials: { 'src/a.c': 'ab' } }), path: 'signed.materials["src/a.c"]' },
  { name: 'a command that is a string', input: link({ command: 'make all' }), path: 'signed.command' },
  { name: 'byproducts that are a list', input: link({ byproducts: [] }), path: 'signed.byproducts' },
  { name: 'a link member named self', input: link({ self: 1 }), path: 'signed.self' },
  // Layouts
  { name: 'a layout without steps', input: metablock({ _type: 'layout', expires: '2030-01-01T00:00:00Z', inspect: [] }), path: 'signed.steps' },
  { name: 'a step that is a string', input: layout({ steps: ['build'] }), path: 'signed.steps[0]' },
  {
    name: 'an unknown rule type',
    input: layout({ steps: [step({}), step({ name: 'package', expected_materials: [['MACTH', '*', 'WITH', 'PRODUCTS', 'FROM', 'build']] })] }),
    path: 'signed.steps[1].expected_materials[0]',
    says: 'MACTH',
  },
  { name: 'MATCH without FROM', input: layout({ steps: [step({ expected_products: [['MATCH', '*', 'WITH', 'PRODUCTS']] })] }), path: 'signed.steps[0].expected_products[0]' },
  { name: 'a rule given as one string', input: layout({ steps: [step({ expected_products: ['CREATE foo'] })] }), path: 'signed.steps[0].expected_products[0]' },
  { name: 'threshold as a string', input: layout({ steps: [step({ threshold: '2' })] }), path: 'signed.steps[0].threshold', says: '"2"' },
  { name: 'expires without a time', input: layout({ expires: '2030-01-01' }), path: 'signed.expires', says: '2030-01-01' },
  { name: 'expires as a number', input: layout({ expires: 20300101 }), path: 'signed.expires' },
  { name: 'expires on February 30', input: layout({ expires: '2030-02-30T00:00:00Z' }), path: 'signed.expires' },
  { name: 'a non-hex pubkey', input: layout({ steps: [step({ pubkeys: ['alice'] })] }), path: 'signed.steps[0].pubkeys[0]' },
  { name: 'two steps with one name', input: layout({ steps: [step({}), step({})] }), path: 'signed.steps[1].name', says: 'build' },
  {
    name: 'a keys entry whose keyid is not hex',
    input: layout({ keys: { alice: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: HEX64 } } } }),
    path: 'signed.keys.alice',
  },
  { name: 'a key without keyval', input: layout({ keys: { [KEYID]: { keytype: 'ed25519', scheme: 'ed25519' } } }), path: `signed.keys["${KEYID}"]`, says: 'keyval' },
  {
    name: 'a key whose public value is a number',
    input: layout({ keys: { [KEYID]: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: 7 } } } }),
    path: `signed.keys["${KEYID}"].keyval.public`,
  },
  {
    name: 'a layout key carrying a private key',
    input: layout({ keys: { [HEX64]: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: HEX64, private: HEX64 } } } }),
    path: `signed.keys.${HEX64}.keyval.private`,
  },
  { name: 'a readme that is a list', input: layout({ readme: ['a'] }), path: 'signed.readme' },
  { name: 'an inspection run that is a string', input: layout({ inspect: [{ _type: 'inspection', name: 'untar', run: 'tar xf foo.tar.gz' }] }), path: 'signed.inspect[0].run' },
  { name: 'an expected_command that is an object', input: layout({ steps: [step({ expected_command: { argv: [] } })] }), path: 'signed.steps[0].expected_command' },
  { name: 'a step name that is a list', input: layout({ steps: [step({ name: ['build'] })] }), path: 'signed.steps[0].name' },
  // DSSE
  { name: 'a DSSE payload that is not base64', input: dsse('!!not base64!!'), path: 'payload', says: /base64/ },
  { name: 'a DSSE payload type other than in-toto', input: dsse(b64(JSON.stringify(LINK)), { payloadType: 'text/plain' }), path: 'payloadType', says: 'text/plain' },
  { name: 'a DSSE payload that is not JSON', input: dsse(b64('hello')), path: 'payload', code: 'json' },
  { name: 'a DSSE payload that is a JSON list', input: dsse(b64('[1]')), path: 'payload' },
  { name: 'a DSSE signature without sig', input: dsse(b64(JSON.stringify(LINK)), { signatures: [{ keyid: HEX64 }] }), path: 'signatures[0]' },
  {
    name: 'two DSSE signatures by one keyid',
    input: dsse(b64(JSON.stringify(LINK)), {
      signatures: [
        { keyid: HEX64, sig: 'AA==' },
        { keyid: HEX64, sig: 'AA==' },
      ],
    }),
    path: 'signatures[1].keyid',
  },
  { name: 'a float inside a DSSE link payload', input: dsse(b64(JSON.stringify({ ...LINK, byproducts: { x: 1.5 } }))), path: 'payload.byproducts.x' },
]

/** Runs `action`, which must throw; returns what it threw. */
async function thrown(action: () => unknown): Promise<unknown> {
  try {
    await action()
  } catch (error) {
    return error
  }
  return expect.fail('expected an error, but the input was accepted')
}

/** Every JSON path the error reports (a ValidationError may list several problems). */
function pathsOf(error: CoreError): string[] {
  return error instanceof ValidationError ? error.issues.map((issue) => issue.path) : [error.path ?? '']
}

function expectClearError(error: unknown, file: string, expected: { path?: string; code?: CoreErrorCode; says?: string | RegExp }): void {
  expect(error, String(error instanceof Error ? error.stack : error)).toBeInstanceOf(CoreError)
  const core = error as CoreError
  expect(core.file).toBe(file)
  expect(core.message).toContain(file)
  if (expected.code) expect(core.code).toBe(expected.code)
  if (expected.path !== undefined) {
    expect(pathsOf(core)).toContain(expected.path)
    expect(core.message).toContain(expected.path)
  }
  if (typeof expected.says === 'string') expect(core.message).toContain(expected.says)
  else if (expected.says) expect(core.message).toMatch(expected.says)
}

describe('malformed documents', () => {
  it('has a large table', () => {
    expect(DOCUMENT_CASES.length).toBeGreaterThanOrEqual(40)
  })

  it.each(DOCUMENT_CASES.map((kase) => [kase.name, kase] as const))('%s is refused with the file and JSON path', async (_name, kase) => {
    const bytes = typeof kase.input === 'string' ? utf8(kase.input) : kase.input
    expectClearError(await thrown(() => readEnvelope(bytes, FILE)), FILE, kase)
  })
})

// ------------------------------------------------------------------------------------------------
// Signatures that only fail when checked (the reference raises there, too)

describe('malformed signatures, found when verifying', () => {
  const read = (text: string): Envelope => readEnvelope(utf8(text), FILE)
  const cases = [
    // An odd-length sig passes the load-time HEX schema; the reference's unhexlify raises later.
    { name: 'an odd-length hex sig', text: metablock(LAYOUT, [{ keyid: ED25519_PUBLIC.keyid, sig: 'abc' }]), code: 'signature-format', says: /odd/ },
    {
      name: 'a DSSE sig that is not base64',
      text: dsse(b64(JSON.stringify(LAYOUT)), { signatures: [{ keyid: ED25519_PUBLIC.keyid, sig: '%%%' }] }),
      code: 'format',
      says: /base64/,
    },
    { name: 'an ed25519 signature of 62 bytes', text: metablock(LAYOUT, [{ keyid: ED25519_PUBLIC.keyid, sig: 'ab'.repeat(62) }]), code: 'signature-format', says: /64/ },
  ] as const

  it.each(cases.map((kase) => [kase.name, kase] as const))('%s: a CoreError from the signature check, and the verifier names the file', async (_name, kase) => {
    const error = await thrown(() => verifyEnvelopeSignature(read(kase.text), ED25519_PUBLIC))
    expect(error).toBeInstanceOf(CoreError)
    expect(error).toMatchObject({ code: kase.code, message: expect.stringMatching(kase.says) })

    const report = await verifyLayoutFile(utf8(kase.text), 'root.layout', { layoutKeys: [ED25519_PUBLIC], links: memoryLinks([]), now: new Date('2029-01-01T00:00:00Z') })
    expect(report.verdict).toBe('fail')
    expect(report.failure).toMatchObject({ file: 'root.layout', message: expect.stringContaining(ED25519_PUBLIC.keyid) })
  })
})

// ------------------------------------------------------------------------------------------------
// Keys

const KEY_FILE = 'keys/input.key'
const fakePem = (label: string, body = 'MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUgbm90IGEga2V5MAoGCCqGSM49BAMC'): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`
const sslibJson = (fields: Record<string, Json>): string => JSON.stringify({ keytype: 'ed25519', scheme: 'ed25519', keyval: { public: ED25519_PUBLIC.public }, ...fields })

interface KeyCase {
  readonly name: string
  readonly run: (file: string) => unknown
  readonly code: CoreErrorCode
  readonly says?: string | RegExp
}

const KEY_CASES: readonly KeyCase[] = [
  { name: 'a bare ed25519 public key of 31 bytes', run: (file) => importPublicKey('ab'.repeat(31), { file }), code: 'key', says: /64 hex digits/ },
  {
    name: 'an ed25519 JSON key of 33 bytes, used',
    run: (file) =>
      verifySignature(importPublicKey(sslibJson({ keyval: { public: 'ab'.repeat(33) } }), { file }), new Uint8Array(64), utf8('x')).catch((e: CoreError) =>
        Promise.reject(e.inFile(file)),
      ),
    code: 'key',
    says: /32/,
  },
  {
    name: 'an ed25519 JSON key that is not hex, used',
    run: (file) =>
      verifySignature(importPublicKey(sslibJson({ keyval: { public: 'zz'.repeat(32) } }), { file }), new Uint8Array(64), utf8('x')).catch((e: CoreError) =>
        Promise.reject(e.inFile(file)),
      ),
    code: 'key',
  },
  { name: 'a private PEM where a public key is expected', run: (file) => importPublicKey(ALICE_PRIVATE, { file }), code: 'key', says: /private key/ },
  { name: 'a certificate where a public key is expected', run: (file) => importPublicKey(fakePem('CERTIFICATE'), { file }), code: 'key', says: 'CERTIFICATE' },
  { name: 'garbage base64 in a PUBLIC KEY block', run: (file) => importPublicKey(fakePem('PUBLIC KEY', 'this is not base64 at all!'), { file }), code: 'key' },
  { name: 'valid base64 of garbage in a PUBLIC KEY block', run: (file) => importPublicKey(fakePem('PUBLIC KEY', 'AAAAAAAA'), { file }), code: 'key' },
  { name: 'a public PEM where a private key is expected', run: (file) => importPrivateKey(ALICE_PUBLIC, { file }), code: 'key', says: /public key/ },
  { name: 'a certificate where a private key is expected', run: (file) => importPrivateKey(fakePem('CERTIFICATE'), { file }), code: 'key', says: 'CERTIFICATE' },
  { name: 'garbage in a PRIVATE KEY block', run: (file) => importPrivateKey(fakePem('PRIVATE KEY', 'AAAAAAAA'), { file }), code: 'key' },
  {
    name: 'a JSON private key whose public part belongs to another key',
    run: (file) => importPrivateKey(DANNY_PRIVATE.replace(/"public": "[0-9a-f]+"/, `"public": "${'00'.repeat(32)}"`), { file }),
    code: 'key',
    says: /is not the public key/,
  },
  {
    name: 'a JSON private key whose keyid is not hex',
    run: (file) => importPrivateKey(DANNY_PRIVATE.replace(/"keyid": "[0-9a-f]+"/, '"keyid": "danny"'), { file }),
    code: 'key',
    says: 'keyid',
  },
  { name: 'a JSON key of keytype dsa', run: (file) => importPublicKey(sslibJson({ keytype: 'dsa' }), { file }), code: 'key', says: 'dsa' },
  {
    name: 'an ed25519 key with an RSA scheme, used',
    run: (file) => importPrivateKey(DANNY_PRIVATE.replace('"scheme": "ed25519"', '"scheme": "rsassa-pss-sha256"'), { file }),
    code: 'unsupported-algorithm',
  },
  { name: 'a JSON key file as --key-types rsa', run: (file) => importVerifyKeyFile(sslibJson({}), 'rsa', file), code: 'key', says: /PEM/ },
  {
    name: 'an RSA PEM as --key-types ed25519',
    run: (file) => importVerifyKeyFile(ALICE_PUBLIC, 'ed25519', file),
    code: 'json',
    says: /not a securesystemslib JSON key \(this is PEM text/,
  },
  {
    name: 'an ed25519 JSON key as --key-types ecdsa, used',
    run: (file) =>
      verifySignature({ ...importVerifyKeyFile(sslibJson({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256' }), 'ecdsa', file) }, new Uint8Array(8), utf8('x')).catch(
        (e: CoreError) => Promise.reject(e.inFile(file)),
      ),
    code: 'key',
  },
  { name: 'an unknown --key-types', run: (file) => importVerifyKeyFile(ALICE_PUBLIC, 'dsa', file), code: 'unsupported-algorithm' },
]

describe('malformed keys', () => {
  it.each(KEY_CASES.map((kase) => [kase.name, kase] as const))('%s is refused with the file name', async (_name, kase) => {
    expectClearError(await thrown(() => kase.run(KEY_FILE)), KEY_FILE, kase)
  })

  it('an encrypted PKCS#8 key without a password asks for one; a wrong password is a decrypt error', async () => {
    const key = await generateKeyPair('ecdsa')
    const encrypted = await exportPrivateKeyPkcs8Pem(key, 'correct horse', { iterations: 1000 })
    const missing = await thrown(() => importPrivateKey(encrypted, { file: KEY_FILE }))
    expectClearError(missing, KEY_FILE, { code: 'decrypt', says: /password/ })
    expect((missing as Error).name).toBe('PasswordRequiredError')
    expectClearError(await thrown(() => importPrivateKey(encrypted, { file: KEY_FILE, password: 'battery staple' })), KEY_FILE, { code: 'decrypt' })
    expect((await importPrivateKey(encrypted, { password: 'correct horse' })).publicKey).toEqual(key.publicKey)
  })
})

// ------------------------------------------------------------------------------------------------
// Legal input that looks dangerous

describe('__proto__ and other Object.prototype names as artifact names', () => {
  const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString']
  const artifacts = Object.fromEntries(names.map((name, index) => [name, { sha256: `${index}`.repeat(64) }]))
  const text = link({ materials: {}, products: {} })
    // JSON.stringify writes an own "__proto__" key only through a computed member; splice it in as text.
    .replace('"materials":{}', `"materials":{${names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(artifacts[name])}`).join(',')}}`)
    .replace('"products":{}', '"products":{"__proto__":{"sha256":"ab"}}')

  it('keeps them as ordinary Map entries', () => {
    const envelope = readEnvelope(utf8(text), FILE)
    if (envelope.content.type !== 'link') return expect.fail('expected a link')
    const { materials, products } = envelope.content.link
    expect([...materials.keys()]).toEqual(names)
    expect(materials.get('__proto__')?.get('sha256')).toBe('0'.repeat(64))
    expect(products.get('__proto__')?.get('sha256')).toBe('ab')
    expect(({} as Record<string, unknown>).sha256).toBeUndefined()
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('round-trips them through canonical JSON, file text and signing', async () => {
    const envelope = readEnvelope(utf8(text), FILE)
    const canonical = new TextDecoder().decode(canonicalBytes(envelope.format === 'metablock' ? envelope.signed : new Map()))
    expect(canonical).toContain('"materials":{"__proto__":{"sha256":"0000')
    expect(canonical).toContain('"products":{"__proto__":{"sha256":"ab"}}')

    const key = await generateKeyPair('ed25519')
    const signed = await signDocument(envelope.content, [key])
    const again = readEnvelope(utf8(serializeEnvelope(signed)), 'again.link')
    expect(again.format === 'metablock' && new TextDecoder().decode(canonicalBytes(again.signed))).toBe(canonical)
    expect(await verifyEnvelopeSignature(again, key.publicKey)).toBe('valid')
  })
})
