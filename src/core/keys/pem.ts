/**
 * PEM text: finding, decoding and writing `-----BEGIN X-----` blocks.
 *
 * Two different readers are needed to agree with the reference:
 * - {@link extractPem} is securesystemslib 0.26 `keys.extract_pem`: a plain substring search
 *   from the first `-----BEGIN PUBLIC KEY-----` to the next `-----END PUBLIC KEY-----`. Its
 *   result (after `\r\n`→`\n`) is the `keyval.public` text whose hash is the keyid.
 * - {@link findPemBlock} decodes like OpenSSL's `PEM_read_bio` (what `cryptography` calls when the
 *   key is used): line-based, skipping blocks with other labels, optional RFC 1421 headers
 *   (`Proc-Type`, `DEK-Info`), base64 body.
 */
import { bytesToBase64 } from '../encoding/base64.ts'
import { CoreError } from '../errors.ts'

export interface PemBlock {
  readonly label: string
  /** RFC 1421 headers such as `Proc-Type` and `DEK-Info` (legacy OpenSSL encryption). */
  readonly headers: ReadonlyMap<string, string>
  readonly der: Uint8Array<ArrayBuffer>
}

const BEGIN = /^-----BEGIN ([^-]+(?:-[^-]+)*)-----$/
const END = /^-----END ([^-]+(?:-[^-]+)*)-----$/

/** Labels of all PEM blocks in `text`, in order (for error messages and format sniffing). */
export function pemLabels(text: string): string[] {
  const labels: string[] = []
  for (const line of text.split(/\r?\n/)) {
    const match = BEGIN.exec(line.trimEnd())
    if (match) labels.push(match[1]!)
  }
  return labels
}

/**
 * The first PEM block whose label is one of `labels`, decoded; `undefined` when there is none.
 * Throws `CoreError` `key` when that block is malformed (no END line, bad base64).
 */
export function findPemBlock(text: string, labels: readonly string[], what = 'PEM data'): PemBlock | undefined {
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trimEnd())
    if (!begin || !labels.includes(begin[1]!)) continue
    const label = begin[1]!
    const headers = new Map<string, string>()
    let body = ''
    let j = i + 1
    let inHeaders = true
    for (; j < lines.length; j++) {
      const line = lines[j]!.trimEnd()
      const end = END.exec(line)
      if (end) {
        if (end[1] !== label) throw new CoreError('key', `${what}: "-----BEGIN ${label}-----" is closed by "-----END ${end[1]}-----"`)
        break
      }
      if (inHeaders) {
        const colon = line.indexOf(':')
        if (colon > 0 && /^[A-Za-z-]+$/.test(line.slice(0, colon))) {
          headers.set(line.slice(0, colon), line.slice(colon + 1).trim())
          continue
        }
        inHeaders = false
        if (line === '') continue
      }
      body += line
    }
    if (j >= lines.length) throw new CoreError('key', `${what}: "-----BEGIN ${label}-----" has no "-----END ${label}-----" line (truncated?)`)
    return { label, headers, der: decodePemBase64(body, `${what} (${label})`) }
  }
  return undefined
}

/** securesystemslib `keys.extract_pem` for public keys: the text from BEGIN to END, or `undefined`. */
export function extractPem(text: string, label = 'PUBLIC KEY'): string | undefined {
  const header = `-----BEGIN ${label}-----`
  const footer = `-----END ${label}-----`
  const start = text.indexOf(header)
  if (start < 0) return undefined
  const end = text.indexOf(footer, start + header.length)
  if (end < 0) return undefined
  return text.slice(start, end + footer.length)
}

/**
 * PEM as OpenSSL/`cryptography` write it: base64 in 64-character lines. `trailingNewline` is
 * `true` for files; securesystemslib strips it from RSA public keys (`extract_pem`) but keeps it
 * for ECDSA public keys, and the difference enters the keyid.
 */
export function encodePem(label: string, der: Uint8Array, trailingNewline = true): string {
  const b64 = bytesToBase64(der)
  let out = `-----BEGIN ${label}-----\n`
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n'
  out += `-----END ${label}-----`
  return trailingNewline ? out + '\n' : out
}

const BASE64_BODY = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

function decodePemBase64(body: string, what: string): Uint8Array<ArrayBuffer> {
  const compact = body.replace(/[ \t]/g, '')
  if (compact === '') throw new CoreError('key', `${what} is empty`)
  if (!BASE64_BODY.test(compact)) throw new CoreError('key', `${what} is not valid base64`)
  const binary = atob(compact)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
