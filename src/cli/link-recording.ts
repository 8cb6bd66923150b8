/**
 * What `run` and `record start|stop` share: in-toto-run's options for keys and artifact
 * recording, the in-toto settings they override, hashing with progress, and writing the
 * signed link as `<step>.<keyid prefix>.link`.
 */
import { stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { addSignatures, createEnvelope, serializeEnvelope, type EnvelopeFormat } from '../core/envelope/sign.ts'
import type { Envelope } from '../core/envelope/types.ts'
import type { PrivateKey } from '../core/keys/types.ts'
import type { ArtifactMap, Link } from '../core/model/types.ts'
import { linkFileName, unsafeFileNameReason } from '../core/model/names.ts'
import { recordArtifacts } from '../core/record/record.ts'
import { CommandFailure } from './failure.ts'
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
    .addOption(new Option('-g, --gpg [keyid]', 'GPG keys (not supported)').hideHelp())
    .option('--exclude <patterns...>', 'gitignore-style patterns of paths not to record (replace the defaults)')
    .option('--base-path <dir>', 'record artifacts relative to this directory (it is not part of the recorded paths)')
    .option('--lstrip-paths <prefixes...>', 'strip these prefixes from recorded paths')
    .option('--dsse', 'write the link as a DSSE envelope (in-toto 2.x) instead of a metablock')
    .option('-v, --verbose', 'say what is recorded')
    .option('-q, --quiet', 'print nothing but errors')
}

export interface Recorder {
  readonly key: PrivateKey
  readonly settings: InTotoSettings
  /** Hashes `paths` (files and directory trees) relative to the base path. */
  record(paths: readonly string[] | undefined, label: string): Promise<ArtifactMap>
}

export async function prepareRecording(flags: RecordingFlags): Promise<Recorder> {
  if (flags.gpg !== undefined) throw new UsageError('GPG keys are not supported by layout-studio; sign with a key file (-k)')
  if (flags.key === undefined) throw new UsageError('give the signing key with -k/--key')
  checkStepName(flags.stepName)
  const settings = readSettings()
  const keyType = flags.keyType === undefined ? undefined : parseKeyType(flags.keyType)
  const key = await loadSigningKey(flags.key, keyType, {
    password: typeof flags.password === 'string' ? flags.password : undefined,
    prompt: flags.password === true || process.stdin.isTTY === true,
  })
  const base = await basePath(flags.basePath ?? settings.basePath)
  const fs = new DiskRecordingFs(base)
  const excludePatterns = flags.exclude ?? settings.excludePatterns
  return {
    key,
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

/** Signs `link` (replacing any signatures) in `format`. */
export async function signLink(link: Link, key: PrivateKey, format: EnvelopeFormat): Promise<Envelope> {
  return addSignatures(createEnvelope({ type: 'link', link }, format), [key], { replace: true })
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
