/**
 * `layout-studio keygen`: a new key pair, written as NAME (private) and NAME.pub (public), with
 * the keyid printed on standard output.
 */
import { access, chmod, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { exportPrivateKeyPkcs8Pem, exportPrivateKeySslibJson, exportPublicKeyJson, exportPublicKeyPem } from '../../core/keys/export.ts'
import { DEFAULT_RSA_BITS, generateKeyPair } from '../../core/keys/generate.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import { parseKeyType } from '../key-files.ts'
import { askPassword } from '../password.ts'
import { UsageError } from '../usage.ts'

interface KeygenFlags {
  type: string
  bits: string
  format: string
  password?: string | boolean
  prompt?: boolean
  force?: boolean
  quiet?: boolean
}

const FORMAT_HELP = `
Key file formats:
  pem (default)      NAME is PKCS#8 PEM ("BEGIN PRIVATE KEY", or "BEGIN ENCRYPTED PRIVATE KEY"
                     with a password: PBES2, PBKDF2-SHA256, AES-256-CBC), NAME.pub is SPKI PEM.
                     OpenSSL and layout-studio read both for every key type. in-toto 1.3.1 reads
                     them only for RSA keys (in-toto-sign/in-toto-run -t rsa, in-toto-verify -k
                     NAME.pub -t rsa): its -t ed25519 and -t ecdsa expect securesystemslib JSON.
  securesystemslib   what in-toto-keygen writes: for ed25519 and ecdsa, securesystemslib JSON
                     (encrypted in securesystemslib's format with a password), readable by
                     in-toto 1.3.1 with -t ed25519 / -t ecdsa; for rsa, the same PEM files as pem.

The private key file is created readable by its owner only. Existing files are not
overwritten unless --force is given.`

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('generate a key pair: NAME (private key) and NAME.pub (public key); prints the keyid')
    .argument('<name>', 'file name of the private key; the public key goes to NAME.pub')
    .option('-t, --type <type>', 'key type: ed25519, ecdsa (NIST P-256) or rsa', 'rsa')
    .option('-b, --bits <bits>', 'RSA key size in bits', String(DEFAULT_RSA_BITS))
    .option('--format <format>', 'key file format: pem or securesystemslib (see below)', 'pem')
    .option('--password <password>', 'encrypt the private key with this password')
    .option('-p, --prompt', 'ask for the encryption password (an empty answer leaves the key unencrypted)')
    .option('--no-password', 'write the private key unencrypted without asking')
    .option('-f, --force', 'overwrite existing key files')
    .option('-q, --quiet', 'print only the keyid')
    .addHelpText('after', FORMAT_HELP)
    .action(async (name: string, flags: KeygenFlags) => {
      process.exitCode = await keygenCommand(name, flags)
    })
}

async function keygenCommand(name: string, flags: KeygenFlags): Promise<number> {
  const type = parseKeyType(flags.type)
  if (flags.format !== 'pem' && flags.format !== 'securesystemslib') throw new UsageError(`--format must be pem or securesystemslib, not '${flags.format}'`)
  const bits = Number(flags.bits)
  if (type === 'rsa' && (!Number.isSafeInteger(bits) || bits < 2048)) throw new UsageError(`--bits must be a whole number of at least 2048, not '${flags.bits}'`)
  const password = await encryptionPassword(flags)
  const publicFile = `${name}.pub`
  if (!flags.force) {
    for (const file of [name, publicFile]) {
      if (await exists(file)) throw new UsageError(`'${file}' exists; choose another name or pass --force to overwrite it`)
    }
  }

  const key = await generateKeyPair(type, { rsaBits: bits })
  const { privateText, publicText } = await keyFiles(key, flags.format, password)
  await writeKeyFile(name, privateText, 0o600)
  await writeKeyFile(publicFile, publicText, 0o644)
  process.stdout.write(`${key.publicKey.keyid}\n`)
  if (!flags.quiet) {
    process.stderr.write(`wrote the ${type} private key to '${name}' (${password === undefined ? 'unencrypted' : 'encrypted'}) and the public key to '${publicFile}'\n`)
  }
  return 0
}

/** `undefined` for an unencrypted key. Without a flag, ask on a terminal and refuse to guess in scripts. */
async function encryptionPassword(flags: KeygenFlags): Promise<string | undefined> {
  // commander turns `--no-password` into `password: false` (the last of --password and --no-password wins).
  const given = typeof flags.password === 'string' ? flags.password : undefined
  const choices = [given !== undefined, flags.prompt === true, flags.password === false].filter(Boolean).length
  if (choices > 1) throw new UsageError('give only one of --password, --prompt and --no-password')
  if (given !== undefined) {
    if (given === '') throw new UsageError('--password must not be empty (use --no-password for an unencrypted key)')
    return given
  }
  if (flags.password === false) return undefined
  if (!flags.prompt && !process.stdin.isTTY) {
    throw new UsageError('no terminal to ask for a password: pass --password PASSWORD, --prompt (reads standard input) or --no-password')
  }
  const answer = await askPassword('Enter a password to encrypt the private key (empty for none): ', { confirm: true })
  return answer === '' ? undefined : answer
}

async function keyFiles(key: PrivateKey, format: string, password: string | undefined): Promise<{ privateText: string; publicText: string }> {
  if (format === 'securesystemslib' && key.algorithm !== 'rsa') {
    return { privateText: await exportPrivateKeySslibJson(key, password), publicText: exportPublicKeyJson(key.publicKey) }
  }
  return { privateText: await exportPrivateKeyPkcs8Pem(key, password), publicText: exportPublicKeyPem(key.publicKey) }
}

async function writeKeyFile(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(file, text, { mode })
    // writeFile's mode applies only to new files; an overwritten key must not stay readable.
    await chmod(file, mode)
  } catch (error) {
    throw new UsageError(`cannot write '${file}': ${(error as Error).message}`)
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  )
}
