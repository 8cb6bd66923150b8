/**
 * Names of the key files the Keys panel writes, shared by the export buttons and the run sheet
 * so that the commands name the files people actually downloaded. They follow `in-toto-keygen`:
 * `NAME` is the securesystemslib JSON private key and `NAME.pub` its public key; PEM files get
 * `.pem` / `.pub.pem`.
 */
export interface KeyFileNames {
  readonly publicPem: string
  readonly publicSslib: string
  readonly privatePem: string
  readonly privateSslib: string
}

/** A file-name-safe stem from a display name ("Alice Smith" → `alice-smith`). */
export function fileStem(label: string): string {
  const stem = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
  return stem || 'key'
}

export function keyFileNames(label: string): KeyFileNames {
  const stem = fileStem(label)
  return { publicPem: `${stem}.pub.pem`, publicSslib: `${stem}.pub`, privatePem: `${stem}.pem`, privateSslib: stem }
}
