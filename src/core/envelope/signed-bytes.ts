/**
 * The bytes an envelope's signatures cover, computed on first use. The reference only
 * canonicalizes a metablock when it checks a signature, so a value canonical JSON cannot
 * encode (a float, say) is fatal only for metablocks whose signatures get checked.
 */
import { canonicalBytes } from '../json/canonical.ts'
import type { Envelope } from './types.ts'

const cache = new WeakMap<Envelope, Uint8Array<ArrayBuffer>>()

export function signedBytesOf(envelope: Envelope): Uint8Array<ArrayBuffer> {
  let bytes = cache.get(envelope)
  if (bytes === undefined) {
    bytes = envelope.format === 'dsse' ? envelope.pae : canonicalBytes(envelope.signed, 'signed')
    cache.set(envelope, bytes)
  }
  return bytes
}
