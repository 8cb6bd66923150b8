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

/**
 * Records the signed bytes of `envelope` when the caller already has them, e.g. taken from
 * the file by `compactJsonBytes` (the caller guarantees they equal what `signedBytesOf` would
 * compute; the link decoder's tests check that on every vector).
 */
export function rememberSignedBytes(envelope: Envelope, bytes: Uint8Array<ArrayBuffer>): void {
  cache.set(envelope, bytes)
}

/** The bytes recorded for `envelope` (by {@link rememberSignedBytes} or a first use), without computing them. */
export function recordedSignedBytes(envelope: Envelope): Uint8Array<ArrayBuffer> | undefined {
  return cache.get(envelope)
}

/** Forgets the recorded bytes: a later use computes them again (for bytes lent for a moment, fast-link.ts). */
export function forgetSignedBytes(envelope: Envelope): void {
  cache.delete(envelope)
}
