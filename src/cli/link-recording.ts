/**
 * What `run` and `record start|stop` share: in-toto-run's options for keys and artifact
 * recording, the in-toto settings they override, hashing with progress, and writing the
 * signed link as `<step>.<keyid prefix>.link`.
 */
import { stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import { addOpenPgpSignatures, addSignatures, createEnvelope, serializeEnvelope, type EnvelopeFormat } from '../core/envelope/sign.ts'
import { signedBytesOf } from '../core/envelope/signed-bytes.ts'
import type { Envelope } from '../core/envelope/types.ts'
import type { PrivateKey } from '../core/keys/types.ts'
import type { ArtifactMap, Link } from '../core/model/types.ts'
import { linkFileName, unsafeFileNameReason } from '../core/model/names.ts'
import { recordArtifacts } from '../core/record/record.ts'
import { CommandFailure } from './failure.ts'
import { gpgSign } from './gnupg.ts'
import { readSettings, type InTotoSettings } from './in-toto-settings.ts'
import { loadSigningKey, parseKeyType } from './key-files.ts'
import { DiskRecordingFs } from './disk-recording.ts'
import { hashingProgress } from './record-progress.ts'
import { describeSystemError } from './safe-read.ts'
import { UsageError } from './usage.ts'

export interface RecordingFlags {
  stepName: string
  key?: string
  keyType?: string
  password?: string | boolean
  gpg?: string | boolean
  gpgHome?: string
  exclude?: string[]
  basePath?: string
  lstripPaths?: string[]
  dsse?: boolean
  quiet?: boolean
}

export const SETTINGS_HELP = `
Settings (as in-toto 1.3.1): IN_TOTO_ARTIFACT_EXCLUDE_PATTERNS ('a:b' for several),
IN_TOTO_ARTIFACT_BASE_PATH and IN_TOTO_LINK_CMD_EXEC_TIMEOUT (seconds, default 10) from the
environment, overridden by in-toto rcfiles (/etc/in_totorc, ~/.in_totorc, ./.in_totorc, ...),
overridden by the options. Default exclude patterns: *.link* .git *.pyc *~`

/** The options every recording command takes, named as in in-toto-run / in-toto-record. */
export function addRecordingOptions(command: Command): Command {
  return command
    .requiredOption('-n, --step-name <name>', 'the step name: it names the link file and ties the link to a step of the layout')
    .option('-k, --key <path>', 'private key to sign the link with (PEM or securesystemslib JSON)')
    .option('-t, --key-type <type>', 'rsa, ed25519 or ecdsa: require this kind of key (the format is recognized anyway)')
    .option('-P, --password [password]', 'password of an encrypted key; without a value, ask for it')
    .option('-g, --gpg [keyid]', "sign with this GPG key through gpg, as in-toto-run --gpg (without a key ID, gpg's default key)")
    .option('--gpg-home <dir>', "the GnuPG home for --gpg (default: GnuPG's)")
    .option('--exclude <patterns...>', 'gitignore-style patterns of paths not to record (replace the defaults)')
    .option('--base-path <dir>', 'record artifacts relative to this directory (it is not part of the recorded paths)')
    .option('--lstrip-paths <prefixes...>', 'strip these prefixes from recorded paths')
    .option('--dsse', 'write the link as a DSSE envelope (in-toto 2.x) instead of a metablock')
    .option('-v, --verbose', 'say what is recorded')
    .option('-q, --quiet', 'print nothing but errors')
}

/**
 * Who signs the link: a key file, or a GnuPG key signing through gpg (in-toto-run `--gpg
 * [KEYID] --gpg-home DIR`; no key ID: gpg's default key).
 */
export type SigningIdentity = { readonly kind: 'key'; readonly key: PrivateKey } | { readonly kind: 'gpg'; readonly keyid?: string; readonly home?: string }

export interface Recorder {
  readonly identity: SigningIdentity
  readonly settings: InTotoSettings
  /** Hashes `paths` (files and directory trees) relative to the base path. */
  record(paths: readonly string[] | undefined, label: string): Promise<ArtifactMap>
}

export async function prepareRecording(flags: RecordingFlags): Promise<Recorder> {
  // in-toto-run / in-toto-record: "Specify either '--key <key path>' or '--gpg [<keyid>]'".
  if ((flags.key === undefined) === (flags.gpg === undefined)) throw new UsageError('give either -k/--key KEY or -g/--gpg [KEYID]')
  if (flags.gpgHome !== undefined && flags.gpg === undefined) throw new UsageError('--gpg-home is for --gpg: give -g/--gpg [KEYID]')
  if (flags.gpg !== undefined && flags.dsse) throw new UsageError('GPG signatures go into metablocks: in-toto 2.x and 3.0 cannot sign or verify them in DSSE envelopes')
  checkStepName(flags.stepName)
  const settings = readSettings()
  let identity: SigningIdentity
  if (flags.key !== undefined) {
    const keyType = flags.keyType === undefined ? undefined : parseKeyType(flags.keyType)
    const key = await loadSigningKey(flags.key, keyType, {
      password: typeof flags.password === 'string' ? flags.password : undefined,
      prompt: flags.password === true || process.stdin.isTTY === true,
    })
    identity = { kind: 'key', key }
  } else identity = { kind: 'gpg', ...(typeof flags.gpg === 'string' ? { keyid: flags.gpg } : {}), ...(flags.gpgHome !== undefined ? { home: flags.gpgHome } : {}) }
  const base = await basePath(flags.basePath ?? settings.basePath)
  const fs = new DiskRecordingFs(base)
  const excludePatterns = flags.exclude ?? settings.excludePatterns
  return {
    identity,
    settings,
    async record(paths, label) {
      if (!paths || paths.length === 0) return new Map()
      const progress = flags.quiet ? { done: () => undefined } : hashingProgress(label)
      try {
        return await recordArtifacts(paths, fs, { excludePatterns, lstripPaths: flags.lstripPaths, onFile: progress.onFile })
      } finally {
        progress.done()
      }
    },
  }
}

/**
 * The step name names the link file (`NAME.KEYID8.link`, `.NAME.KEYID8.link-unfinished`): it
 * must not lead outside the directory the link is written to (in-toto writes wherever it leads).
 */
export function checkStepName(name: string): void {
  const unsafe = unsafeFileNameReason(linkFileName(name, '00000000'))
  if (unsafe !== undefined) throw new UsageError(`the step name '${name}' cannot name a link file: ${unsafe}`)
}

async function basePath(dir: string | undefined): Promise<string> {
  if (dir === undefined) return process.cwd()
  const info = await stat(dir).catch(() => undefined)
  if (!info?.isDirectory()) throw new CommandFailure(`cannot use '${dir}' as base path: ${info ? 'not a directory' : 'no such directory'}`)
  return resolve(dir)
}

/**
 * Signs `link` (replacing any signatures) in `format`, and says which keyid names its file: the
 * key's, or the signature's for gpg (a subkey's when gpg signs with one, as in-toto-run names it).
 */
export async function signLink(link: Link, identity: SigningIdentity, format: EnvelopeFormat): Promise<{ envelope: Envelope; keyid: string }> {
  const unsigned = createEnvelope({ type: 'link', link }, format)
  if (identity.kind === 'key') return { envelope: await addSignatures(unsigned, [identity.key], { replace: true }), keyid: identity.key.publicKey.keyid }
  const signature = await gpgSign(signedBytesOf(unsigned), identity.keyid, { home: identity.home })
  return { envelope: addOpenPgpSignatures(unsigned, [signature], { replace: true }), keyid: signature.keyid }
}

/** How the signer was given, for messages: `-k alice`, `--gpg 8465a1e2…`. */
export function describeIdentity(identity: SigningIdentity, keyFile: string | undefined): string {
  if (identity.kind === 'key') return `-k ${keyFile ?? identity.key.publicKey.keyid.slice(0, 8)}`
  return `--gpg${identity.keyid ? ` ${identity.keyid}` : ''}${identity.home ? ` --gpg-home ${identity.home}` : ''}`
}

/** Writes `envelope` to `file`, in `directory` when given; returns the path written. */
export async function writeEnvelope(envelope: Envelope, file: string, directory?: string): Promise<string> {
  const path = directory === undefined ? file : join(directory, file)
  try {
    await writeFile(path, serializeEnvelope(envelope))
  } catch (error) {
    throw new CommandFailure(`cannot write the link '${path}': ${describeSystemError(error)}`)
  }
  return path
}
