/**
 * Importing keys from the files people have: PEM (SPKI, PKCS#8, encrypted PKCS#8, PKCS#1, SEC1,
 * legacy OpenSSL encryption), securesystemslib JSON key files (plain or in securesystemslib's
 * encrypted format), and bare ed25519 hex. Keys come out as securesystemslib 0.26 would hold
 * them, so their keyids agree with the reference.
 *
 * Every problem is a `CoreError` naming the file: `key` (unreadable or wrong kind), `decrypt`
 * (password missing or wrong; see {@link PasswordRequiredError}), `unsupported-algorithm`,
 * `json`.
 */
import { DerError, DerReader, TAG } from '../asn1/der.ts'
import { ECDSA_KEYTYPES, signatureSchemeOf } from './signature.ts'
import { bytesToHex, hexToBytes } from '../encoding/hex.ts'
import { bytesEqual } from '../encoding/utf8.ts'
import { CoreError } from '../errors.ts'
import { decodeUtf8 } from '../json/parse.ts'
import { isLegacyEncrypted, decryptLegacyPem } from './legacy-pem.ts'
import { publicOf, type EcdsaPrivateMaterial, type PrivateMaterial } from './material.ts'
import { decryptPkcs8 } from './pbes2.ts'
import { extractPem, findPemBlock, pemLabels } from './pem.ts'
import { createPrivateKey } from './private-key.ts'
import { ed25519PrivateMaterial, parseEcPrivateKey, parsePkcs8, parseRsaPrivateKey } from './private-der.ts'
import { computeKeyId } from './keyid.ts'
import { publicKeyFor } from './public-key.ts'
import { loadPublicKeyPem, parseRsaPublicKey, parseSpki } from './spki.ts'
import { isSslibEncrypted, sslibDecrypt } from './sslib-encrypted.ts'
import { parseSslibKeyObject, publicKeyOfObject, type SslibKeyObject } from './sslib-key.ts'
import type { KeyAlgorithm, PrivateKey, PublicKey } from './types.ts'

/** An encrypted key was given without a password: ask for one and try again. */
export class PasswordRequiredError extends CoreError {
  constructor(detail: string, where: { file?: string } = {}) {
    super('decrypt', detail, where)
    this.name = 'PasswordRequiredError'
  }

  override inFile(file: string | undefined): CoreError {
    if (file === undefined || this.file !== undefined) return this
    return new PasswordRequiredError(this.detail, { file })
  }
}

export interface ImportPublicKeyOptions {
  /** Require this kind of key. */
  readonly keyType?: KeyAlgorithm
  /** File name, for error messages. */
  readonly file?: string
  /** Signature scheme for PEM keys (defaults: `rsassa-pss-sha256`, `ecdsa-sha2-nistp256`). */
  readonly scheme?: string
}

/**
 * Reads a public key from: SPKI PEM (`BEGIN PUBLIC KEY`: RSA, EC, Ed25519), PKCS#1
 * `BEGIN RSA PUBLIC KEY`, a securesystemslib JSON key file (public or private; the public part
 * is taken and the keyid recomputed), or 64 hex digits (an ed25519 public key).
 *
 * For RSA SPKI PEM, `public` is the text from `-----BEGIN PUBLIC KEY-----` through
 * `-----END PUBLIC KEY-----` verbatim with `\r\n`→`\n` (securesystemslib
 * `import_rsakey_from_public_pem`); ECDSA SPKI PEM is re-serialized as securesystemslib generates
 * it (see below); Ed25519 SPKI becomes hex.
 */
export function importPublicKey(text: string, options: ImportPublicKeyOptions = {}): PublicKey {
  try {
    const key = readPublicKey(text, options)
    requireKind(key.keytype, options.keyType)
    return key
  } catch (error) {
    throw inFile(error, options.file)
  }
}

function readPublicKey(text: string, options: ImportPublicKeyOptions): PublicKey {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) return publicKeyOfObject(parseSslibKeyObject(text, 'key file'))
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) {
    return publicKeyFor({ type: 'ed25519', raw: hexToBytes(trimmed, 'ed25519 public key', 'key') })
  }
  const pem = extractPem(text)
  if (pem !== undefined) {
    const normalized = pem.replace(/\r\n/g, '\n')
    const block = findPemBlock(normalized, ['PUBLIC KEY'], 'PEM public key')
    if (!block) throw new CoreError('key', 'the "-----BEGIN PUBLIC KEY-----" block is malformed')
    const parsed = parseSpki(block.der, 'PEM public key')
    switch (parsed.type) {
      case 'ed25519':
        return publicKeyFor(parsed)
      case 'rsa': {
        const scheme = options.scheme ?? 'rsassa-pss-sha256'
        signatureSchemeOf(parsed.type, scheme)
        return Object.freeze({ keyid: computeKeyId(parsed.type, scheme, normalized), keytype: parsed.type, scheme, public: normalized })
      }
      case 'ecdsa':
        // One keyid per key pair: securesystemslib gives a generated ECDSA key (and in-toto 2.x any
        // ECDSA PEM) the re-serialized SPKI PEM with its final newline, which is also what signing
        // with the private key puts on signatures. Only 1.3.1's unused-by-in-toto
        // `import_ecdsakey_from_public_pem` hashes the text verbatim; following it would make a
        // functionary's .pub disagree with the links its private key signs.
        return publicKeyFor(parsed, options.scheme ?? 'ecdsa-sha2-nistp256')
      case 'unsupported':
        throw new CoreError('unsupported-algorithm', `the PEM public key is ${parsed.description}`)
    }
  }
  const pkcs1 = findPemBlock(text, ['RSA PUBLIC KEY'], 'PEM public key')
  if (pkcs1) {
    // The reference cannot import PKCS#1 public keys; store the SPKI form it would write.
    const material = parseRsaPublicKey(pkcs1.der, 'PKCS#1 RSA public key')
    return publicKeyFor(material, options.scheme)
  }
  const labels = pemLabels(text)
  if (labels.some((label) => label.includes('PRIVATE KEY'))) {
    throw new CoreError('key', `this is a private key (${labels.join(', ')}), not a public key: import it as a private key`)
  }
  if (labels.length > 0) throw new CoreError('key', `no public key in this PEM file (found ${labels.join(', ')})`)
  if (/^[0-9a-fA-F]+$/.test(trimmed)) {
    throw new CoreError('key', `an ed25519 public key is 64 hex digits (32 bytes); this has ${trimmed.length}`)
  }
  throw new CoreError('key', 'not a recognized public key (expected a PEM "BEGIN PUBLIC KEY" block, a securesystemslib JSON key, or 64 hex digits)')
}

/**
 * Loads one `in-toto-verify --layout-keys FILE --key-types TYPE` file exactly as in-toto 1.3.1
 * does (securesystemslib 0.26 `interface.import_publickeys_from_file`, verifier-semantics §2.4):
 * - `rsa`: the text must contain `-----BEGIN PUBLIC KEY-----` … `-----END PUBLIC KEY-----`; that
 *   span (`\r\n`→`\n`) becomes `public`, scheme `rsassa-pss-sha256`. Nothing else is checked
 *   here: a PKCS#1 or private PEM or a JSON file is rejected, but a malformed body or a non-RSA
 *   key only fails later, when a signature is verified with it.
 * - `ed25519`: a JSON key object whose keytype is exactly `ed25519`;
 * - `ecdsa`: a JSON key object of any keytype (the reference does not check it).
 * The keyid is always recomputed.
 */
export function importVerifyKeyFile(text: string, keyType: string, file?: string): PublicKey {
  try {
    switch (keyType) {
      case 'rsa': {
        const pem = extractPem(text)
        if (pem === undefined) {
          throw new CoreError('key', 'Cannot import improperly formatted PEM file: no "-----BEGIN PUBLIC KEY-----" … "-----END PUBLIC KEY-----" block')
        }
        const publicValue = pem.replace(/\r\n/g, '\n')
        return Object.freeze({ keyid: computeKeyId('rsa', 'rsassa-pss-sha256', publicValue), keytype: 'rsa', scheme: 'rsassa-pss-sha256', public: publicValue })
      }
      case 'ed25519': {
        const object = parseSslibKeyObject(text, 'key file')
        if (object.keytype !== 'ed25519') throw new CoreError('key', `Invalid key type loaded: ${JSON.stringify(object.keytype)} (expected "ed25519")`)
        return publicKeyOfObject(object)
      }
      case 'ecdsa':
        return publicKeyOfObject(parseSslibKeyObject(text, 'key file'))
      default:
        throw new CoreError('unsupported-algorithm', `Unsupported key type ${JSON.stringify(keyType)}. Must be "rsa", "ed25519" or "ecdsa".`)
    }
  } catch (error) {
    throw inFile(error, file)
  }
}

export interface ImportPrivateKeyOptions {
  /** Password for an encrypted key; an empty string counts as none (as the reference's prompt). */
  readonly password?: string
  /** File name, for error messages. */
  readonly file?: string
  /** Require this kind of key (like `in-toto-sign -t`). */
  readonly keyType?: KeyAlgorithm
  /** Signature scheme for PEM keys (defaults: `rsassa-pss-sha256`, `ecdsa-sha2-nistp256`). */
  readonly scheme?: string
}

/**
 * Reads a private key from PEM (PKCS#8, encrypted PKCS#8, PKCS#1 and SEC1, each optionally with
 * legacy OpenSSL encryption), DER bytes of those, or a securesystemslib JSON key file (plain or
 * encrypted). A password given for an unencrypted key is ignored.
 *
 * For securesystemslib JSON private keys, `publicKey` is the file's own `keyval.public`, and
 * its keyid is the file's `keyid` when present: that is the keyid in-toto-sign and in-toto-run
 * put on signatures (`keys.create_signature` uses `key_dict["keyid"]`). The public key must
 * belong to the private key.
 */
export async function importPrivateKey(input: string | Uint8Array, options: ImportPrivateKeyOptions = {}): Promise<PrivateKey> {
  try {
    const password = options.password === '' ? undefined : options.password
    const key = await readPrivateKey(input, password, options)
    requireKind(key.publicKey.keytype, options.keyType)
    return key
  } catch (error) {
    throw inFile(error, options.file)
  }
}

async function readPrivateKey(input: string | Uint8Array, password: string | undefined, options: ImportPrivateKeyOptions): Promise<PrivateKey> {
  if (typeof input !== 'string') {
    const der = sniffDer(input)
    if (der) return fromMaterial(await materialFromDer(input, der, password), options.scheme)
    try {
      input = decodeUtf8(input)
    } catch (cause) {
      throw new CoreError('key', 'not a private key: neither DER nor UTF-8 text', { cause })
    }
  }
  const text = input
  const trimmed = text.trim()
  if (isSslibEncrypted(trimmed)) {
    if (password === undefined) throw new PasswordRequiredError('the securesystemslib key file is encrypted: a password is required')
    return fromSslibObject(parseSslibKeyObject(await sslibDecrypt(trimmed, password, 'encrypted key file'), 'decrypted key file'))
  }
  if (trimmed.startsWith('{')) return fromSslibObject(parseSslibKeyObject(text, 'key file'))
  return fromMaterial(await materialFromPem(text, password), options.scheme)
}

const PRIVATE_LABELS = ['ENCRYPTED PRIVATE KEY', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'] as const

async function materialFromPem(text: string, password: string | undefined): Promise<PrivateMaterial> {
  const block = findPemBlock(text, PRIVATE_LABELS, 'PEM private key')
  if (!block) {
    const labels = pemLabels(text)
    if (labels.some((label) => label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY')) {
      throw new CoreError('key', 'this is a public key, not a private key')
    }
    if (labels.length > 0) throw new CoreError('key', `no private key in this PEM file (found ${labels.join(', ')})`)
    throw new CoreError('key', 'not a recognized private key (expected PEM or a securesystemslib JSON key file)')
  }
  switch (block.label) {
    case 'ENCRYPTED PRIVATE KEY':
      return materialFromDer(block.der, 'encrypted-pkcs8', password)
    case 'PRIVATE KEY':
      return parsePkcs8(block.der, 'PKCS#8 private key')
    case 'RSA PRIVATE KEY':
    case 'EC PRIVATE KEY': {
      const kind = block.label === 'RSA PRIVATE KEY' ? 'pkcs1' : 'sec1'
      if (!isLegacyEncrypted(block)) return parseTraditional(block.der, kind)
      if (password === undefined) throw new PasswordRequiredError(`the ${block.label} is encrypted: a password is required`)
      const der = await decryptLegacyPem(block, password, `encrypted ${block.label}`)
      return afterDecryption(() => parseTraditional(der, kind))
    }
    default:
      throw new CoreError('key', `unexpected PEM block ${block.label}`)
  }
}

type DerKind = 'pkcs8' | 'encrypted-pkcs8' | 'pkcs1' | 'sec1'

async function materialFromDer(der: Uint8Array, kind: DerKind, password: string | undefined): Promise<PrivateMaterial> {
  if (kind !== 'encrypted-pkcs8') return kind === 'pkcs8' ? parsePkcs8(der, 'PKCS#8 private key') : parseTraditional(der, kind)
  if (password === undefined) throw new PasswordRequiredError('the PKCS#8 private key is encrypted: a password is required')
  const plain = await decryptPkcs8(der, password, 'encrypted PKCS#8 private key')
  return afterDecryption(() => parsePkcs8(plain, 'PKCS#8 private key'))
}

function parseTraditional(der: Uint8Array, kind: 'pkcs1' | 'sec1'): PrivateMaterial {
  return kind === 'pkcs1' ? parseRsaPrivateKey(der, 'RSA private key') : parseEcPrivateKey(der, 'EC private key')
}

/** Decrypted bytes that do not parse mean the password was wrong (CBC padding matched by chance). */
function afterDecryption(parse: () => PrivateMaterial): PrivateMaterial {
  try {
    return parse()
  } catch (error) {
    if (error instanceof CoreError && error.code === 'key') throw new CoreError('decrypt', 'decryption failed (wrong password?)', { cause: error })
    throw error
  }
}

/** Recognizes binary DER key files by their structure; `undefined` for anything else. */
function sniffDer(bytes: Uint8Array): DerKind | undefined {
  if (bytes[0] !== TAG.SEQUENCE) return undefined
  try {
    const top = new DerReader(bytes)
    const outer = top.sequence()
    top.end()
    const first = outer.next()
    if (first.tag === TAG.SEQUENCE) return 'encrypted-pkcs8'
    if (first.tag !== TAG.INTEGER) return undefined
    const second = outer.peekTag()
    if (second === TAG.SEQUENCE) return 'pkcs8'
    if (second === TAG.INTEGER) return 'pkcs1'
    if (second === TAG.OCTET_STRING) return 'sec1'
    return undefined
  } catch (error) {
    if (error instanceof DerError) return undefined
    throw error
  }
}

function fromMaterial(material: PrivateMaterial, scheme: string | undefined): PrivateKey {
  return createPrivateKey(material, publicKeyFor(publicOf(material), scheme))
}

/**
 * A securesystemslib private key object (`import_ed25519_privatekey_from_file`,
 * `import_ecdsa_privatekey_from_file`; RSA objects only come from `keys.encrypt_key` callers).
 */
async function fromSslibObject(object: SslibKeyObject): Promise<PrivateKey> {
  const { keytype, scheme } = object
  if (object.private === undefined || object.private === '') {
    throw new CoreError('key', 'the key file holds no private key ("keyval.private" is missing or empty): is this a .pub file?')
  }
  signatureSchemeOf(keytype, scheme)
  let material: PrivateMaterial
  if (keytype === 'ed25519') {
    // create_signature: binascii.unhexlify, then ED25519SEED_SCHEMA (32 bytes).
    material = ed25519PrivateMaterial(hexToBytes(object.private, '"keyval.private"', 'key'), 'ed25519 private key')
    if (object.public.toLowerCase() !== bytesToHex(material.publicKey)) {
      throw new CoreError('key', '"keyval.public" is not the public key of "keyval.private"')
    }
  } else if (ECDSA_KEYTYPES.includes(keytype)) {
    // ecdsa_keys.create_signature: load_pem_private_key(private, password=None).
    material = await materialFromPem(object.private, undefined)
    if (material.type !== 'ecdsa') throw new CoreError('key', `"keyval.private" holds ${material.type} key material, not an EC key`)
    requireSamePublic(object.public, material)
  } else if (keytype === 'rsa') {
    material = await materialFromPem(object.private, undefined)
    if (material.type !== 'rsa') throw new CoreError('key', `"keyval.private" holds ${material.type} key material, not an RSA key`)
    const loaded = loadPublicKeyPem(object.public, '"keyval.public"')
    if (loaded.type !== 'rsa' || loaded.n !== material.n || loaded.e !== material.e) {
      throw new CoreError('key', '"keyval.public" is not the public key of "keyval.private"')
    }
  } else {
    throw new CoreError('unsupported-algorithm', `unsupported keytype ${JSON.stringify(keytype)}`)
  }
  const keyid = object.keyid
  if (keyid !== undefined && (typeof keyid !== 'string' || !/^[0-9a-fA-F]+$/.test(keyid))) {
    throw new CoreError('key', '"keyid" is not a hex string')
  }
  const publicKey: PublicKey = {
    keyid: keyid ?? computeKeyId(keytype, scheme, object.public),
    keytype,
    scheme,
    public: object.public,
  }
  return createPrivateKey(material, publicKey)
}

function requireSamePublic(publicPem: string, material: EcdsaPrivateMaterial): void {
  const loaded = loadPublicKeyPem(publicPem, '"keyval.public"')
  if (loaded.type !== 'ecdsa' || loaded.curve !== material.curve || !bytesEqual(loaded.point, material.point)) {
    throw new CoreError('key', '"keyval.public" is not the public key of "keyval.private"')
  }
}

function requireKind(keytype: string, wanted: KeyAlgorithm | undefined): void {
  if (wanted === undefined) return
  const kind = keytype === 'rsa' ? 'rsa' : keytype === 'ed25519' ? 'ed25519' : ECDSA_KEYTYPES.includes(keytype) ? 'ecdsa' : keytype
  if (kind !== wanted) throw new CoreError('key', `expected an ${wanted} key, but this is an ${keytype} key`)
}

function inFile(error: unknown, file: string | undefined): unknown {
  return error instanceof CoreError ? error.inFile(file) : error
}
