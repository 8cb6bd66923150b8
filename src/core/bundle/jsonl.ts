/**
 * in-toto attestation bundles (`*.intoto.jsonl`, attestation spec bundle.md): one DSSE
 * envelope per line. The verifier looks links up by file name (`STEP.KEYID8.link`), so each
 * envelope is given the name the reference would have written for it: one per signer, in
 * the bundle's directory.
 */
import { readEnvelope } from '../envelope/read.ts'
import { linkFileName } from '../model/names.ts'
import { toErrorInfo } from '../errors.ts'
import { stepNameOf } from './classify.ts'

export interface JsonlEntry {
  readonly path: string
  readonly bytes: Uint8Array
  readonly line: number
}

export interface JsonlProblem {
  readonly line: number
  readonly message: string
}

export function isJsonlName(path: string): boolean {
  return /\.jsonl$/i.test(path)
}

/** Splits a bundle into link files named `STEP.KEYID8.link` under `dir`. */
export function splitJsonl(bytes: Uint8Array, file: string, dir: string): { entries: JsonlEntry[]; problems: JsonlProblem[] } {
  const entries: JsonlEntry[] = []
  const problems: JsonlProblem[] = []
  let start = 0
  let line = 0
  while (start < bytes.length) {
    line++
    let end = bytes.indexOf(0x0a, start)
    if (end < 0) end = bytes.length
    const lineBytes = bytes.subarray(start, end)
    start = end + 1
    if (lineBytes.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d)) continue
    try {
      const envelope = readEnvelope(lineBytes, `${file}:${line}`)
      if (envelope.content.type !== 'link') {
        problems.push({ line, message: `${file}:${line}: holds a layout; a bundle line must be a link or an attestation` })
        continue
      }
      const signers = [...new Set(envelope.signatures.map((signature) => signature.keyid))]
      if (signers.length === 0) {
        problems.push({ line, message: `${file}:${line}: the envelope has no signatures, so no step can count it` })
        continue
      }
      const name = stepNameOf(envelope.content.link.name)
      for (const keyid of signers) entries.push({ path: dir ? `${dir}/${linkFileName(name, keyid)}` : linkFileName(name, keyid), bytes: lineBytes, line })
    } catch (error) {
      problems.push({ line, message: toErrorInfo(error, `${file}:${line}`).message })
    }
  }
  return { entries, problems }
}
