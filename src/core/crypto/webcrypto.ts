/**
 * Access to WebCrypto. Node 20 and Chromium both have `crypto.subtle` with Ed25519, RSA-PSS,
 * ECDSA, PBKDF2, HMAC, AES-CBC and AES-CTR (toolchain.md "WebCrypto"); pages on plain http
 * (other than localhost) have no `crypto.subtle` at all, and older browsers lack Ed25519.
 */
import { CoreError } from '../errors.ts'
import { subtleOrUndefined } from '../hash.ts'

export { asBufferSource, subtleOrUndefined } from '../hash.ts'

/** `crypto.subtle`, or a `CoreError` explaining that `purpose` needs it. */
export function requireSubtle(purpose: string): SubtleCrypto {
  const subtle = subtleOrUndefined()
  if (!subtle) {
    throw new CoreError('unsupported-algorithm', `${purpose} needs WebCrypto (crypto.subtle), which is only available in secure contexts (https or localhost)`)
  }
  return subtle
}

/** RFC 8032 §7.1 test 1 public key: a known-good key to probe Ed25519 support with. */
const PROBE_KEY = Uint8Array.from([
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7,
  0x07, 0x51, 0x1a,
])

let ed25519Probe: Promise<boolean> | undefined

/** Whether WebCrypto can import Ed25519 keys here (probed once). */
export function webCryptoHasEd25519(): Promise<boolean> {
  ed25519Probe ??= (async () => {
    const subtle = subtleOrUndefined()
    if (!subtle) return false
    try {
      await subtle.importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify'])
      return true
    } catch {
      return false
    }
  })()
  return ed25519Probe
}

/** Random bytes from `crypto.getRandomValues` (present even where `crypto.subtle` is not). */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  const crypto = (globalThis as { crypto?: Crypto }).crypto
  if (!crypto?.getRandomValues) throw new CoreError('unsupported-algorithm', 'no secure random number generator (crypto.getRandomValues) is available')
  // getRandomValues fills at most 65,536 bytes per call.
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}
