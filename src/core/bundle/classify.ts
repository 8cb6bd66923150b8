/**
 * What a dropped file is: a link (metablock or DSSE), an attestation Statement, a layout, a
 * public key, or something else — told from its content, never from its name, with the reason
 * when it is not readable (naming file, line and JSON path).
 */
import type { Envelope } from '../envelope/types.ts'
import { importPublicKey } from '../keys/import.ts'
import type { JsonValue } from '../json/value.ts'
import { pythonStr } from '../model/names.ts'
import { toErrorInfo } from '../errors.ts'
import { LinkReader } from '../links/index.ts'

export type FileKind =
  /** A metablock link (`{"signed": {"_type": "link"}, "signatures": …}`). */
  | 'link'
  /** A DSSE envelope carrying a legacy link. */
  | 'dsse-link'
  /** A DSSE envelope carrying an in-toto Statement with the link predicate. */
  | 'statement'
  /** A signed layout (in a link bundle: a sublayout, when it sits where a step's link belongs). */
  | 'layout'
  | 'key'
  | 'unknown'

export interface ClassifiedFile {
  readonly path: string
  readonly kind: FileKind
  readonly size: number
  /** Links: the step name they carry, as the reference would print it. */
  readonly name?: string
  /** Signed documents: the keyids of their signatures, in order (duplicates removed). */
  readonly signers: readonly string[]
  /** Keys: the keyid. */
  readonly keyid?: string
  /** Unknown files: why they could not be read as in-toto metadata or a key. */
  readonly problem?: string
  /**
   * Signed documents, for matching and for the verifier (not sent across threads): read with
   * the verifier's own reader, so the verifier can take it instead of reading the file again
   * (links/memory.ts `classifiedLinks`).
   */
  readonly envelope?: Envelope
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/

/**
 * What `bytes` is, read with `reader`. With a region memo in the reader, artifact maps the
 * files it read before held (the links of one step, a step's products as the next one's
 * materials) are not read again; the envelopes then share those maps.
 */
export function classifyFile(path: string, bytes: Uint8Array, reader: LinkReader = new LinkReader()): ClassifiedFile {
  const base = { path, size: bytes.length, signers: [] as string[] }
  const start = firstNonSpace(bytes)
  if (start === 0x7b /* { */ || path.endsWith('.link') || path.endsWith('.layout')) {
    let envelope: Envelope
    try {
      // readEnvelope's result and errors, faster for links as in-toto writes them (fast-link.ts).
      envelope = reader.read(bytes, path)
    } catch (error) {
      const asKey = start === 0x7b ? tryKey(bytes, path) : undefined
      if (asKey) return { ...base, kind: 'key', keyid: asKey }
      return { ...base, kind: 'unknown', problem: describe(error, path) }
    }
    const signers = [...new Set(envelope.signatures.map((signature) => signature.keyid))]
    if (envelope.content.type === 'layout') return { ...base, kind: 'layout', signers, envelope }
    const kind = envelope.format === 'metablock' ? 'link' : envelope.statement ? 'statement' : 'dsse-link'
    return { ...base, kind, signers, envelope, name: stepNameOf(envelope.content.link.name) }
  }
  if (start === 0x2d /* - */ && PEM.test(new TextDecoder().decode(bytes.subarray(0, 4096)))) {
    const keyid = tryKey(bytes, path)
    if (keyid) return { ...base, kind: 'key', keyid }
    return { ...base, kind: 'unknown', problem: describe(keyError(bytes, path), path) }
  }
  return { ...base, kind: 'unknown', problem: 'not in-toto metadata or a public key' }
}

/** Python `str()` of a link's name: what the reference would build its file name from. */
export function stepNameOf(name: JsonValue): string {
  if (name instanceof Map || Array.isArray(name)) return JSON.stringify(name)
  return pythonStr(name)
}

function tryKey(bytes: Uint8Array, path: string): string | undefined {
  try {
    return importPublicKey(new TextDecoder().decode(bytes), { file: path }).keyid
  } catch {
    return undefined
  }
}

function keyError(bytes: Uint8Array, path: string): unknown {
  try {
    importPublicKey(new TextDecoder().decode(bytes), { file: path })
    return undefined
  } catch (error) {
    return error
  }
}

function describe(error: unknown, path: string): string {
  return toErrorInfo(error, path).message
}

function firstNonSpace(bytes: Uint8Array): number | undefined {
  // Skip a UTF-8 byte order mark and whitespace.
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  return bytes[i]
}
