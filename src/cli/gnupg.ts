/**
 * The installed GnuPG, used as in-toto's tools use it (securesystemslib 0.26 `gpg/constants.py`,
 * `gpg/functions.py`): the command is `$GNUPG`, else `gpg2`, else `gpg`; keys are exported with
 * `gpg [--homedir DIR] --export KEYID`; data is signed with `gpg --detach-sign --digest-algo
 * SHA256 [--local-user KEYID] [--homedir DIR]` reading the data on standard input. Everything
 * else (reading the keys and signatures) is the core's (src/core/openpgp).
 */
import { spawn, spawnSync } from 'node:child_process'
import { CoreError } from '../core/errors.ts'
import { ownerKeysFor } from '../core/keys/openpgp-keys.ts'
import type { OpenPgpPublicKey } from '../core/keys/types.ts'
import type { OpenPgpCertificate } from '../core/openpgp/certificate.ts'
import { OpenPgpFormatError } from '../core/openpgp/cursor.ts'
import { findCertificate, importOpenPgpKeys } from '../core/openpgp/import.ts'
import { signatureFromDetached, type CreatedSignature } from '../core/openpgp/signature-object.ts'
import { CommandFailure } from './failure.ts'

export interface GnupgOptions {
  /** `--gpg-home`: the GnuPG home directory (default: GnuPG's own default). */
  readonly home?: string
}

/** Python `re.match(r"[a-fA-F0-9]+$")`: securesystemslib's KEYID_SCHEMA. */
const KEYID = /^[a-fA-F0-9]+\n?$/

let command: string | undefined

/** `securesystemslib.gpg.constants.gpg_command`: `$GNUPG` if it runs, else `gpg2`, else `gpg`. */
export function gpgCommand(): string {
  if (command !== undefined) return command
  const candidates = process.env.GNUPG ? [process.env.GNUPG] : ['gpg2', 'gpg']
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['--version'], { stdio: 'ignore' })
    if (probe.error === undefined && probe.status === 0) return (command = candidate)
  }
  throw new CommandFailure(`GPG support needs GnuPG ('gpg2' or 'gpg', 2.1 or newer) on the PATH${process.env.GNUPG ? `; GNUPG=${process.env.GNUPG} does not run` : ''}`)
}

function homeArgs(options: GnupgOptions): string[] {
  return options.home === undefined ? [] : ['--homedir', options.home]
}

/** Runs gpg; resolves with its standard output, or fails with its standard error. */
export function runGpg(args: readonly string[], input?: Uint8Array): Promise<Uint8Array> {
  const program = gpgCommand()
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', (error) => reject(new CommandFailure(`cannot run '${program}': ${error.message}`)))
    child.on('close', (code) => {
      if (code === 0) return resolve(new Uint8Array(Buffer.concat(out)))
      const stderr = Buffer.concat(err).toString('utf8').trim()
      reject(new CommandFailure(`'${[program, ...args].join(' ')}' exited with status ${code}${stderr ? `:\n${stderr}` : ''}`))
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(input === undefined ? undefined : Buffer.from(input.buffer, input.byteOffset, input.byteLength))
  })
}

function checkKeyid(keyid: string): void {
  if (!KEYID.test(keyid)) throw new CommandFailure(`'${keyid}' is not a GPG key ID (hex digits: a fingerprint or its end)`)
}

/** `gpg --export KEYID`, read: the certificates it holds (none when the home has no such key). */
export async function exportCertificates(keyid: string, options: GnupgOptions): Promise<OpenPgpCertificate[]> {
  checkKeyid(keyid)
  const data = await runGpg([...homeArgs(options), '--export', keyid])
  if (data.length === 0) return []
  return importOpenPgpKeys(data, `gpg --export ${keyid}`)
}

/**
 * `securesystemslib.gpg.functions.export_pubkeys`: each key ID exported from the home and read,
 * keyed by its primary fingerprint. `KeyNotFoundError` (a `CoreError`) for one it does not hold.
 */
export async function exportOwnerKeys(keyids: readonly string[], options: GnupgOptions): Promise<OpenPgpPublicKey[]> {
  const keys = new Map<string, OpenPgpPublicKey>()
  for (const keyid of keyids) {
    const certificates = await exportCertificates(keyid, options)
    const where = options.home === undefined ? 'the default GnuPG home' : `the GnuPG home '${options.home}'`
    for (const key of ownerKeysFor(certificates, [keyid], where)) keys.set(key.keyid, key)
  }
  return [...keys.values()]
}

/**
 * `securesystemslib.gpg.functions.create_signature`: `data` signed by gpg (`keyid`: the key, or
 * with a final `!` exactly that subkey; none: gpg's default key), as in-toto's signature object.
 */
export async function gpgSign(data: Uint8Array, keyid: string | undefined, options: GnupgOptions): Promise<CreatedSignature> {
  if (keyid !== undefined) checkKeyid(keyid.replace(/!$/, ''))
  const output = await runGpg(['--detach-sign', '--digest-algo', 'SHA256', ...(keyid === undefined ? [] : ['--local-user', keyid]), ...homeArgs(options)], data)
  let signature: CreatedSignature
  try {
    signature = signatureFromDetached(output)
  } catch (error) {
    if (error instanceof OpenPgpFormatError) throw new CommandFailure(`gpg's signature cannot be used: ${error.message}`)
    throw error
  }
  if (signature.keyid) return signature
  // GnuPG before 2.1 names only the 64-bit key ID: find the full fingerprint in the exported key.
  const short = signature.shortKeyid as string
  const certificate = findCertificate(await exportCertificates(short, options), short)
  const fingerprint =
    certificate &&
    (certificate.primary.fingerprint.endsWith(short) ? certificate.primary.fingerprint : certificate.subkeys.find((sub) => sub.fingerprint.endsWith(short))?.fingerprint)
  if (!fingerprint) throw new CoreError('key', `Full keyid could not be determined for the signature by '${short}'`)
  return { ...signature, keyid: fingerprint }
}
