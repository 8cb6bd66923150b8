/**
 * `layout-studio sign`: sign a layout or link (in-toto-sign's flags and exit codes), or with
 * `--verify` check that every given key signed it.
 *
 * Exit codes as in-toto-sign 1.3.1: 0 success; 1 a signature is missing or invalid
 * (`--verify`); 2 anything else (usage, unreadable file or key, signing error).
 */
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { addOpenPgpSignatures, addSignatures, createEnvelope, serializeEnvelope } from '../../core/envelope/sign.ts'
import { signedBytesOf } from '../../core/envelope/signed-bytes.ts'
import { verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import { CoreError } from '../../core/errors.ts'
import type { JsonValue } from '../../core/json/value.ts'
import type { PrivateKey, VerificationKey } from '../../core/keys/types.ts'
import { keyidsOf } from '../../core/keys/keyid-generations.ts'
import { lintLayout } from '../../core/lint/lint.ts'
import { linkFileName, pythonStr, unsafeFileNameReason } from '../../core/model/names.ts'
import { readDocumentFile } from '../documents.ts'
import { keyTypesFor, loadPublicKeyFile, loadSigningKey } from '../key-files.ts'
import { exportOwnerKeys, gpgSign } from '../gnupg.ts'
import { describeSystemError } from '../safe-read.ts'
import { CommandFailure } from '../failure.ts'
import { UsageError } from '../usage.ts'

interface SignFlags {
  file: string
  key?: string[]
  keyType?: string[]
  output?: string
  append?: boolean
  dsse?: boolean
  password?: string
  prompt?: boolean
  verify?: boolean
  gpg?: string[] | boolean
  gpgHome?: string
  quiet?: boolean
}

const HELP = `
Without -o, a layout is written back to FILE and a link to '<name>.<keyid prefix>.link'.
Keys are recognized by their content: PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) and
securesystemslib JSON key files (with --verify also exported OpenPGP keys, .asc or binary).
--gpg signs through the installed gpg as in-toto-sign --gpg does (gpg's default key without
key IDs); with --verify it checks the signatures of the keys the GnuPG home holds for the IDs. -t is accepted as in in-toto-sign (one type per key) and then
requires that kind of key. A DSSE file stays DSSE; --dsse turns a metablock into DSSE.

Exit codes (as in-toto-sign): 0 signed / all signatures valid, 1 a signature is missing or
invalid (--verify), 2 any other error.`

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign a layout or link file, or check its signatures with --verify')
    .requiredOption('-f, --file <path>', 'the link or layout file to sign or verify')
    .option('-k, --key <paths...>', 'private keys to sign with (public keys with --verify)')
    .option('-t, --key-type <types...>', 'the type of each key: rsa, ed25519 or ecdsa (optional; checked against the key)')
    .option('-o, --output <path>', 'where to write the signed file')
    .option('-a, --append', 'add signatures instead of replacing the existing ones (layouts only)')
    .option('--dsse', 'write a DSSE envelope (in-toto 2.x) instead of a metablock')
    .option('--password <password>', 'password of encrypted private keys')
    .option('-p, --prompt', 'ask for the password of encrypted private keys')
    .option('--verify', 'check that every key given with -k signed the file')
    .option('-g, --gpg [keyids...]', "sign (or with --verify check) with these GPG keys through gpg; without key IDs, gpg's default key")
    .option('--gpg-home <dir>', "the GnuPG home for --gpg (default: GnuPG's)")
    .option('-q, --quiet', 'print nothing')
    .addHelpText('after', HELP)
    .action(async (flags: SignFlags) => {
      process.exitCode = await signCommand(flags)
    })
}

async function signCommand(flags: SignFlags): Promise<number> {
  if (flags.gpg !== undefined) return gpgCommand(flags)
  if (flags.gpgHome !== undefined) throw new UsageError('--gpg-home is for --gpg keys: give the key IDs with -g/--gpg')
  const keys = flags.key ?? []
  if (keys.length === 0) throw new UsageError('give the keys with -k/--key (or GPG keys with -g/--gpg)')
  if (flags.verify && (flags.append || flags.output !== undefined || flags.dsse)) {
    throw new UsageError("conflicting arguments: don't give --append, --output or --dsse when verifying signatures")
  }
  const types = keyTypesFor(flags.keyType, keys)
  try {
    const loaded = await readDocumentFile(flags.file, flags.verify ? 'file to verify' : 'file to sign')
    const envelope = loaded.envelope
    if (envelope.content.type === 'link') {
      if (keys.length > 1) throw new UsageError('a link is signed by the one functionary who carried out the step (and named after its key): give one key')
      if (flags.append) throw new UsageError('a link is signed by the one functionary who carried out the step: --append is for layouts')
    }
    if (flags.verify) {
      const publicKeys = await Promise.all(keys.map((file, index) => loadPublicKeyFile(file, types[index])))
      return await verifySignatures(envelope, publicKeys, keys, flags)
    }
    const signers: PrivateKey[] = []
    for (const [index, file] of keys.entries())
      signers.push(await loadSigningKey(file, types[index], { password: flags.password, prompt: flags.prompt === true || process.stdin.isTTY }))
    const signed = await sign(envelope, signers, flags)
    const output = flags.output ?? defaultOutput(flags.file, signed, (signers[0] as PrivateKey).publicKey.keyid)
    await writeFile(output, serializeEnvelope(signed)).catch((error: Error) => {
      throw new UsageError(`cannot write '${output}': ${describeSystemError(error)}`)
    })
    if (!flags.quiet) {
      for (const path of loaded.ignored) process.stderr.write(`warning: ${flags.file}: ${path}: unknown member dropped (the reference does not sign it)\n`)
      if (envelope.content.type === 'layout') {
        const errors = lintLayout(envelope.content.layout).filter((finding) => finding.severity === 'error')
        if (errors.length > 0)
          process.stderr.write(`warning: the layout has ${errors.length} error(s) that keep it from verifying as intended; see 'layout-studio check ${output}'\n`)
      }
      const ids = signers.map((signer) => signer.publicKey.keyid.slice(0, 8)).join(', ')
      process.stdout.write(`signed ${flags.file} with ${ids}; wrote ${output}\n`)
    }
    return 0
  } catch (error) {
    // in-toto-sign exits 2 on every error that is not a failed signature check.
    if (error instanceof CoreError) throw new UsageError(error.message)
    throw error
  }
}

/** `sign --gpg`: in-toto-sign's `--gpg [KEYID …]`, through gpg; `--verify --gpg KEYID …` checks them. */
async function gpgCommand(flags: SignFlags): Promise<number> {
  if (flags.key !== undefined) throw new UsageError('give either -k/--key or -g/--gpg, not both')
  const keyids: string[] = Array.isArray(flags.gpg) ? flags.gpg : []
  const home = { home: flags.gpgHome }
  try {
    const loaded = await readDocumentFile(flags.file, flags.verify ? 'file to verify' : 'file to sign')
    const { envelope } = loaded
    if (flags.verify) {
      if (flags.append || flags.output !== undefined || flags.dsse) throw new UsageError("conflicting arguments: don't give --append, --output or --dsse when verifying signatures")
      if (keyids.length === 0) throw new UsageError('give the GPG key IDs whose signatures to check with -g/--gpg')
      return await verifySignatures(envelope, await exportOwnerKeys(keyids, home), keyids, flags)
    }
    if (envelope.content.type === 'link') {
      if (keyids.length > 1) throw new UsageError('a link is signed by the one functionary who carried out the step (and named after its key): give one key')
      if (flags.append) throw new UsageError('a link is signed by the one functionary who carried out the step: --append is for layouts')
    }
    if (flags.dsse || envelope.format === 'dsse') {
      throw new UsageError('GPG signatures go into metablocks: in-toto 2.x and 3.0 cannot sign or verify them in DSSE envelopes')
    }
    const bytes = signedBytesOf(envelope)
    const signatures = []
    for (const keyid of keyids.length === 0 ? [undefined] : keyids) signatures.push(await gpgSign(bytes, keyid, home))
    const signed = addOpenPgpSignatures(envelope, signatures, { replace: !flags.append })
    const output = flags.output ?? defaultOutput(flags.file, signed, signatures[0]!.keyid)
    await writeFile(output, serializeEnvelope(signed)).catch((error: Error) => {
      throw new UsageError(`cannot write '${output}': ${describeSystemError(error)}`)
    })
    if (!flags.quiet)
      process.stdout.write(`signed ${flags.file} with GPG key${signatures.length > 1 ? 's' : ''} ${signatures.map((sig) => sig.keyid.slice(0, 8)).join(', ')}; wrote ${output}\n`)
    return 0
  } catch (error) {
    // in-toto-sign exits 2 on every error that is not a failed signature check.
    if (error instanceof CoreError || error instanceof CommandFailure) throw new UsageError(error.message)
    throw error
  }
}

async function sign(envelope: Envelope, signers: readonly PrivateKey[], flags: SignFlags): Promise<Envelope> {
  if (flags.dsse && envelope.format === 'metablock') {
    if (flags.append && envelope.signatures.length > 0) {
      throw new UsageError('cannot --append to metablock signatures while converting to DSSE (they sign different bytes); sign without --append')
    }
    return addSignatures(createEnvelope(envelope.content, 'dsse'), signers, { replace: true })
  }
  return addSignatures(envelope, signers, { replace: !flags.append })
}

/** in-toto-sign: a layout goes back to its file, a link to `<name>.<keyid prefix>.link`. */
function defaultOutput(file: string, envelope: Envelope, signerKeyid: string): string {
  if (envelope.content.type === 'layout') return file
  const name: JsonValue = envelope.content.link.name
  if (name instanceof Map || Array.isArray(name)) throw new UsageError(`the link's name is not a string, so it cannot name the output file: give -o`)
  const output = linkFileName(pythonStr(name), signerKeyid)
  const unsafe = unsafeFileNameReason(output)
  // in-toto-sign writes wherever the link's name leads (a name '../x' writes outside).
  if (unsafe !== undefined) throw new UsageError(`the link's name cannot name the output file '${output}': ${unsafe}; give -o`)
  return output
}

const SIGNATURE_WORDS: Readonly<Record<string, string>> = {
  valid: 'valid signature',
  missing: 'no signature by this key',
  invalid: 'INVALID signature',
  expired: 'EXPIRED key (the OpenPGP key is past its validity)',
  revoked: 'REVOKED key',
}

async function verifySignatures(envelope: Envelope, keys: readonly VerificationKey[], files: readonly string[], flags: SignFlags): Promise<number> {
  let failed = 0
  for (const [index, key] of keys.entries()) {
    // Like verify's owner keys: a signature under either keyid generation of the key.
    const status = await verifyEnvelopeSignature(envelope, key, { keyids: keyidsOf(key) })
    const line = `${files[index]} (keyid ${key.keyid.slice(0, 8)}): ${SIGNATURE_WORDS[status]}`
    if (status !== 'valid') failed++
    if (!flags.quiet) (status === 'valid' ? process.stdout : process.stderr).write(`${line}\n`)
  }
  if (!flags.quiet) {
    if (failed === 0) process.stdout.write(`${flags.file}: all ${keys.length} signature(s) valid\n`)
    else process.stderr.write(`${flags.file}: signature verification failed for ${failed} of ${keys.length} key(s)\n`)
  }
  return failed === 0 ? 0 : 1
}
