/**
 * Reading signed in-toto files: a metablock or a DSSE envelope, holding a layout, a link, or
 * (DSSE only) an attestation Statement with the link predicate. Everything is validated
 * here, once; the rest of the core trusts the types.
 *
 * Metablock rules follow in-toto 1.3.1 `Metablock.load`: `signatures` defaults to `[]`,
 * `signed._type` must be "link" or "layout", members beside `signed`/`signatures` are
 * ignored, each signature must match securesystemslib's SIGNATURE_SCHEMA (`keyid`, `sig`
 * hex) or GPG_SIGNATURE_SCHEMA. DSSE rules follow in-toto 2.x `Metadata.from_dict`.
 */
import { CoreError, ValidationError, prefixPath, type Issue } from '../errors.ts'
import { base64ToBytes } from '../encoding/base64.ts'
import { isSchemaHex } from '../encoding/hex.ts'
import { parseJson, parseJsonBytes, decodeUtf8 } from '../json/parse.ts'
import { describeJsonType, joinPath, type JsonObject, type JsonValue } from '../json/value.ts'
import { parseLayout } from '../model/layout.ts'
import { parseLink } from '../model/link.ts'
import { pae } from './pae.ts'
import { normalizedSigned } from './sign.ts'
import { isStatement, statementToLink } from './statement.ts'
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope, type DsseSignature, type Envelope, type Metablock, type MetablockSignature, type SignedDocument } from './types.ts'
import { pushAll } from '../arrays.ts'

/** Reads an envelope from file bytes (strict UTF-8, strict JSON). */
export function readEnvelope(bytes: Uint8Array, file?: string): Envelope {
  return parseEnvelope(parseJsonBytes(bytes, { file }), file)
}

/** Reads an envelope from an already parsed JSON value. */
export function parseEnvelope(json: JsonValue, file?: string): Envelope {
  if (!(json instanceof Map)) {
    throw new CoreError('format', `expected a JSON object (a signed in-toto metablock or DSSE envelope), found ${describeJsonType(json)}`, { file })
  }
  if (json.has('payload') && !json.has('signed')) return parseDsse(json, file)
  return parseMetablock(json, file)
}

function parseMetablock(json: JsonObject, file: string | undefined): Metablock {
  const signedValue = memberOr(json, 'signed', new Map())
  if (!(signedValue instanceof Map)) {
    throw new CoreError('format', `"signed" must be an object, found ${describeJsonType(signedValue)}`, { file, path: 'signed' })
  }
  const content = parseSignedDocument(signedValue, file, 'signed')
  // `signatures: null` is refused, as `Metablock` refuses it at load: only a missing member means "no signatures".
  const signatures = parseMetablockSignatures(memberOr(json, 'signatures', []), file)
  const signed = normalizedSigned(content)
  const ignoredFields = [...[...json.keys()].filter((key) => key !== 'signed' && key !== 'signatures'), ...droppedMembers(signedValue, signed, 'signed')]
  return { format: 'metablock', content, signed, signatures, ignoredFields }
}

function parseSignedDocument(signed: JsonObject, file: string | undefined, path: string): SignedDocument {
  const type = signed.get('_type')
  try {
    if (type === 'layout') return { type: 'layout', layout: parseLayout(signed, file) }
    if (type === 'link') return { type: 'link', link: parseLink(signed, file) }
  } catch (error) {
    throw prefixPaths(error, path)
  }
  throw new CoreError(
    'format',
    `${JSON.stringify(joinPath(path, '_type'))} must be "link" or "layout", found ${type === undefined ? 'nothing' : JSON.stringify(typeof type === 'string' ? type : describeJsonType(type))}`,
    {
      file,
      path: joinPath(path, '_type'),
    },
  )
}

function parseMetablockSignatures(value: JsonValue, file: string | undefined): MetablockSignature[] {
  if (!Array.isArray(value)) {
    throw new ValidationError('signatures', [{ path: 'signatures', message: `must be a list, found ${describeJsonType(value)}` }], file)
  }
  const issues: Issue[] = []
  const signatures: MetablockSignature[] = []
  value.forEach((item, index) => {
    const path = joinPath('signatures', index)
    if (!(item instanceof Map)) {
      issues.push({ path, message: `a signature must be an object, found ${describeJsonType(item)}` })
      return
    }
    const keyid = item.get('keyid')
    const sig = item.get('sig')
    const isHex = (v: JsonValue | undefined): v is string => typeof v === 'string' && isSchemaHex(v)
    if (isHex(keyid) && isHex(sig)) {
      signatures.push({ keyid, sig, gpg: false, json: item })
      return
    }
    const otherHeaders = item.get('other_headers')
    const gpgSignature = item.get('signature')
    const shortKeyid = item.get('short_keyid')
    if (isHex(keyid) && isHex(otherHeaders) && isHex(gpgSignature) && (shortKeyid === undefined || isHex(shortKeyid))) {
      signatures.push({ keyid, sig: gpgSignature, gpg: true, json: item })
      return
    }
    if (!isHex(keyid)) issues.push({ path: joinPath(path, 'keyid'), message: keyid === undefined ? 'missing keyid' : 'keyid must be a hex string' })
    if (!isHex(sig)) issues.push({ path: joinPath(path, 'sig'), message: sig === undefined ? 'missing sig' : 'sig must be a hex string' })
  })
  if (issues.length > 0) throw new ValidationError('signatures', issues, file)
  return signatures
}

function parseDsse(json: JsonObject, file: string | undefined): DsseEnvelope {
  const issues: Issue[] = []
  const payloadType = json.get('payloadType')
  const payloadText = json.get('payload')
  if (typeof payloadType !== 'string') issues.push({ path: 'payloadType', message: 'missing or not a string' })
  else if (payloadType !== IN_TOTO_PAYLOAD_TYPE && !/^application\/vnd\.in-toto\.[A-Za-z0-9.+-]+\+json$/.test(payloadType)) {
    issues.push({ path: 'payloadType', message: `expected "${IN_TOTO_PAYLOAD_TYPE}", found ${JSON.stringify(payloadType)}` })
  }
  if (typeof payloadText !== 'string') issues.push({ path: 'payload', message: 'missing or not a string' })
  const signaturesValue = memberOr(json, 'signatures', [])
  const signatures: DsseSignature[] = []
  if (!Array.isArray(signaturesValue)) issues.push({ path: 'signatures', message: 'must be a list' })
  else {
    const seen = new Set<string>()
    signaturesValue.forEach((item, index) => {
      const path = joinPath('signatures', index)
      const keyid = item instanceof Map ? item.get('keyid') : undefined
      const sig = item instanceof Map ? item.get('sig') : undefined
      if (!(item instanceof Map) || typeof keyid !== 'string' || typeof sig !== 'string') {
        issues.push({ path, message: 'a DSSE signature must be an object with string "keyid" and "sig"' })
        return
      }
      // securesystemslib refuses envelopes with two signatures by the same key.
      if (seen.has(keyid)) issues.push({ path: joinPath(path, 'keyid'), message: `a second signature by keyid ${JSON.stringify(keyid)}` })
      seen.add(keyid)
      const otherHeaders = item.get('other_headers')
      if (otherHeaders === undefined) {
        signatures.push({ keyid, sig, gpg: false, json: item })
        return
      }
      if (typeof otherHeaders !== 'string' || !isSchemaHex(otherHeaders)) {
        issues.push({ path: joinPath(path, 'other_headers'), message: 'the other_headers of an OpenPGP signature must be a hex string' })
        return
      }
      signatures.push({ keyid, sig, gpg: true, json: item })
    })
  }
  if (issues.length > 0 || typeof payloadType !== 'string' || typeof payloadText !== 'string') {
    throw new ValidationError('DSSE envelope', issues, file)
  }
  let payload: Uint8Array<ArrayBuffer>
  try {
    payload = base64ToBytes(payloadText, 'payload')
  } catch (error) {
    throw new CoreError('format', error instanceof Error ? error.message : String(error), { file, path: 'payload' })
  }
  let payloadJson: JsonValue
  try {
    payloadJson = parseJson(decodeUtf8(payload, file), { file })
  } catch (error) {
    throw error instanceof CoreError ? new CoreError(error.code, `in the DSSE payload: ${error.detail}`, { file, path: prefixPath('payload', error.path) }) : error
  }
  if (!(payloadJson instanceof Map)) {
    throw new CoreError('format', `the DSSE payload must be a JSON object, found ${describeJsonType(payloadJson)}`, { file, path: 'payload' })
  }
  const base = { format: 'dsse' as const, payloadType, payload, pae: pae(payloadType, payload), signatures }
  if (isStatement(payloadJson)) {
    let converted: ReturnType<typeof statementToLink>
    try {
      converted = statementToLink(payloadJson, file)
    } catch (error) {
      throw prefixPaths(error, 'payload')
    }
    return { ...base, content: { type: 'link', link: converted.link }, ignoredFields: [], statement: { predicateType: converted.predicateType } }
  }
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new CoreError('format', `payload type ${JSON.stringify(payloadType)} is only accepted for attestation Statements`, { file, path: 'payloadType' })
  }
  const content = parseSignedDocument(payloadJson, file, 'payload')
  // DSSE signs the payload bytes as they are: unknown members are covered, but still unused.
  return { ...base, content, ignoredFields: droppedMembers(payloadJson, normalizedSigned(content), 'payload') }
}

/** Members of `raw` that normalization dropped, at the levels the reference rebuilds objects. */
function droppedMembers(raw: JsonObject, normalized: JsonObject, path: string): string[] {
  const dropped = [...raw.keys()].filter((key) => !normalized.has(key)).map((key) => joinPath(path, key))
  for (const list of ['steps', 'inspect']) {
    const rawItems = raw.get(list)
    const normalizedItems = normalized.get(list)
    if (!Array.isArray(rawItems) || !Array.isArray(normalizedItems)) continue
    rawItems.forEach((item, index) => {
      const normalizedItem = normalizedItems[index]
      if (item instanceof Map && normalizedItem instanceof Map) pushAll(dropped, droppedMembers(item, normalizedItem, joinPath(joinPath(path, list), index)))
    })
  }
  return dropped
}

/** Errors from the model carry paths relative to the signed object; make them file-relative. */
function prefixPaths(error: unknown, base: string): unknown {
  return error instanceof CoreError ? error.under(base) : error
}

/**
 * The member's value, or `fallback` when the member is absent. A member that is present with
 * `null` stays `null` (and is then refused where a list or object is required): Python's
 * `data.get("signatures", [])` gives `None` for it, which the reference refuses.
 */
export function memberOr(json: JsonObject, key: string, fallback: JsonValue): JsonValue {
  return json.has(key) ? (json.get(key) as JsonValue) : fallback
}
