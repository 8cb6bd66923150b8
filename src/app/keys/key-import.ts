/**
 * One entry point for whatever a person drops, picks or pastes: a private key (any format the
 * core reads, encrypted ones with a password) or a public key (a functionary's, to authorize in
 * the layout). Private is tried first, because a securesystemslib private key file also holds a
 * readable public part.
 */
import { CoreError } from '../../core/errors.ts'
import { decodeUtf8 } from '../../core/json/parse.ts'
import { PasswordRequiredError, importPrivateKey, importPublicKey } from '../../core/keys/import.ts'
import type { PrivateKey, PublicKey } from '../../core/keys/types.ts'

export type ImportedKey = { readonly kind: 'private'; readonly key: PrivateKey } | { readonly kind: 'public'; readonly publicKey: PublicKey }

export async function importAnyKey(input: string | Uint8Array, options: { readonly file?: string; readonly password?: string } = {}): Promise<ImportedKey> {
  try {
    return { kind: 'private', key: await importPrivateKey(input, options) }
  } catch (privateError) {
    // A password problem is about this key, never a sign that it is a public key.
    if (privateError instanceof PasswordRequiredError || !(privateError instanceof CoreError) || privateError.code === 'decrypt') throw privateError
    let text: string
    try {
      text = typeof input === 'string' ? input : decodeUtf8(input, options.file)
    } catch {
      throw privateError
    }
    try {
      return { kind: 'public', publicKey: importPublicKey(text, { file: options.file }) }
    } catch (publicError) {
      // Report the reading the input was closest to: text that mentions a private key gets the private-key diagnosis.
      throw /PRIVATE KEY|"private"\s*:\s*"[^"]/.test(text) ? privateError : publicError
    }
  }
}

/** A label from a file name: `alice.pub.pem` → `alice`. */
export function labelFromFileName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file
  const stem = base.replace(/(\.(pub|pem|key|json|txt|der|priv|private|public))+$/i, '')
  return stem || base
}
