/**
 * Hooks for a host's native crypto, in the manner of noble's configurable hashes. WebCrypto's
 * `verify` copies the message and runs on a thread pool; for megabyte-sized links in Node that
 * was about a tenth of a whole verification. A host with a synchronous verifier that reads the
 * message in place (Node's `crypto.verify`, registered by the CLI) may register it here; the
 * core stays free of Node built-ins and uses WebCrypto (or noble) when nothing is registered.
 * A registered verifier must decide exactly as WebCrypto's Ed25519 in the same host does (the
 * libsodium pre-checks of ed25519.ts run before it either way).
 */

/** Given a 32-byte public key, a check of 64-byte signatures over messages. */
export type NativeEd25519 = (publicKey: Uint8Array) => (signature: Uint8Array, message: Uint8Array) => boolean

let ed25519: NativeEd25519 | undefined

/** Registers (or, with `undefined`, removes) the host's Ed25519 verifier. */
export function useNativeEd25519(verifier: NativeEd25519 | undefined): void {
  ed25519 = verifier
}

export function nativeEd25519(): NativeEd25519 | undefined {
  return ed25519
}
