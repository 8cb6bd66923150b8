/**
 * `layout-studio verify`: in-toto-verify's flags (current and legacy) and exit codes
 * (0 pass, 1 fail, 2 usage), with a report that says why in plain words.
 */
import type { Command } from 'commander'
import { CoreError } from '../../core/errors.ts'
import { parseJsonBytes } from '../../core/json/parse.ts'
import { describeJsonType, joinPath, type JsonValue } from '../../core/json/value.ts'
import { importVerifyKeyFile } from '../../core/keys/import.ts'
import type { VerificationKey } from '../../core/keys/types.ts'
import { toErrorInfo } from '../../core/errors.ts'
import { failureReport, type Failure, type VerificationReport } from '../../core/verify/report.ts'
import { verifyLayoutFile } from '../../core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../inspection-runner.ts'
import { exportOwnerKeys } from '../gnupg.ts'
import { loadOpenPgpKeyBytes, loadPublicKeyFile, MAX_KEY_FILE_BYTES, readInputFile } from '../key-files.ts'
import { DirectoryLinks } from '../links/index.ts'
import { renderReport } from '../report-text.ts'
import { UsageError, collect } from '../usage.ts'
import { progressReporter } from '../progress.ts'

interface VerifyFlags {
  layout: string
  verificationKeys?: string[]
  layoutKeys?: string[]
  keyTypes?: string[]
  gpg?: string[]
  gpgHome?: string
  linkDir: string
  inspectionTimeout: string
  substitutionParameters?: string[]
  format: string
  verbose?: boolean
  quiet?: boolean
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("verify a supply chain: the layout, its signatures and expiry, every step's links, artifact rules and inspections")
    .requiredOption('-l, --layout <path>', 'path to the signed root layout')
    .option('--verification-keys <paths...>', 'public keys (PEM) of the layout owners; every one must have signed the layout')
    .option('-k, --layout-keys <paths...>', 'legacy: layout owner public keys (see --key-types)')
    .option('-t, --key-types <types...>', 'legacy: the type of each --layout-keys file: rsa (PEM, the default), ed25519 or ecdsa (securesystemslib JSON)')
    .option(
      '-g, --gpg <keyids...>',
      'GPG key IDs of layout owners, exported from the GnuPG home (as in-toto-verify); exported key files (.asc or binary) also work with --verification-keys',
    )
    .option('--gpg-home <dir>', "the GnuPG home to export --gpg keys from (default: GnuPG's)")
    .option('--link-dir <dir>', 'directory with the link metadata files', '.')
    .option('--inspection-timeout <seconds>', 'seconds an inspection command may run', '10')
    .option('--substitution-parameters <params...>', 'parameter substitution: KEY=VALUE pairs or one JSON file')
    .option('--format <format>', 'output: text or json (the full report)', 'text')
    .option('-v, --verbose', 'show every step, link and rule')
    .option('-q, --quiet', 'print nothing; only the exit code tells')
    .action(async (flags: VerifyFlags) => {
      process.exitCode = await verifyCommand(flags)
    })
}

async function verifyCommand(flags: VerifyFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`)
  const json = flags.format === 'json'
  let report: VerificationReport
  let exitCode: number | undefined
  try {
    report = await verifyWithFlags(flags)
  } catch (error) {
    // Usage errors in text mode are printed as usage errors (program.ts); everything else that
    // stopped the command is a report too (with --format json, a script reads stdout).
    if (!json && error instanceof UsageError) throw error
    const failure = failureOf(error)
    report = failureReport(failure.failure, new Date())
    exitCode = failure.exitCode
  }
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else if (!flags.quiet) {
    const text = renderReport(report, { verbose: flags.verbose })
    if (report.verdict === 'fail') process.stderr.write(`${text}\n`)
    else process.stdout.write(`${text}\n`)
  }
  return exitCode ?? (report.verdict === 'pass' ? 0 : 1)
}

async function verifyWithFlags(flags: VerifyFlags): Promise<VerificationReport> {
  const timeout = Number(flags.inspectionTimeout)
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--inspection-timeout must be a positive number of seconds, not '${flags.inspectionTimeout}'`)
  const keys = await loadOwnerKeys(flags)
  const parameters = flags.substitutionParameters ? await loadParameters(flags.substitutionParameters) : undefined
  const layoutBytes = await readInputFile(flags.layout, 'layout')
  // Big bundles decode their links on worker threads (small ones stay on this thread); main.ts
  // started them before the program loaded (links/threads.ts), and the links take those.
  const links = new DirectoryLinks(flags.linkDir)
  return verifyLayoutFile(layoutBytes, flags.layout, {
    layoutKeys: keys,
    links,
    inspections: new SubprocessInspectionRunner({ timeoutSeconds: timeout }),
    parameters,
    onProgress: flags.quiet || flags.format === 'json' ? undefined : progressReporter(),
  }).finally(() => links.close())
}

/** A failure before or outside verification, as the report's failure and the exit code. */
function failureOf(error: unknown): { failure: Failure; exitCode: number } {
  if (error instanceof UsageError) return { failure: { stage: 'usage', errorType: 'UsageError', message: error.message }, exitCode: 2 }
  if (error instanceof ParameterFileError) return { failure: error.failure, exitCode: 1 }
  if (error instanceof CoreError) return { failure: { stage: 'format', errorType: error.exception, message: error.message, file: error.file, path: error.path }, exitCode: 1 }
  const message = error instanceof Error ? error.message : String(error)
  return { failure: { stage: 'internal', errorType: 'Error', message: `unexpected error: ${message}` }, exitCode: 1 }
}

async function loadOwnerKeys(flags: VerifyFlags): Promise<VerificationKey[]> {
  const legacy = flags.layoutKeys ?? []
  const current = flags.verificationKeys ?? []
  const gpg = flags.gpg ?? []
  if (legacy.length === 0 && current.length === 0 && gpg.length === 0) {
    throw new UsageError('pass the layout owner keys with --verification-keys (or -k/--layout-keys, or -g/--gpg KEYID --gpg-home DIR)')
  }
  if (flags.gpgHome !== undefined && gpg.length === 0) throw new UsageError('--gpg-home names where --gpg keys come from: give the key IDs with -g/--gpg')
  const types = flags.keyTypes
  if (types !== undefined && types.length !== legacy.length)
    throw new UsageError(`--key-types names ${types.length} type(s) for ${legacy.length} --layout-keys file(s); give one per key`)
  for (const type of types ?? []) if (!['rsa', 'ed25519', 'ecdsa'].includes(type)) throw new UsageError(`unknown key type '${type}' (rsa, ed25519 or ecdsa)`)
  const keys = new Map<string, VerificationKey>()
  for (const [index, file] of legacy.entries()) {
    // With -t, as the reference reads each type (in_toto_verify: rsa as PEM, ed25519/ecdsa as securesystemslib JSON).
    // Without it the reference assumes rsa; we recognize the file instead, so every public key the app exports
    // (PEM or JSON, any type) works with -k (docs/compatibility.md).
    // An exported OpenPGP key is recognized whatever -t says (the reference has no -t for them: --gpg).
    const openpgp = types === undefined ? undefined : await loadOpenPgpKeyBytes(await readInputFile(file, 'key file', MAX_KEY_FILE_BYTES), file)
    const key =
      openpgp ?? (types === undefined ? await loadPublicKeyFile(file, undefined) : importVerifyKeyFile(await readText(file), types[index] as 'rsa' | 'ed25519' | 'ecdsa', file))
    keys.set(key.keyid, key)
  }
  for (const file of current) {
    // Shared with `sign --verify`: an ECDSA PEM key gets the keyid `keygen` printed for it.
    const key = await loadPublicKeyFile(file, undefined)
    keys.set(key.keyid, key)
  }
  // in-toto-verify --gpg: each key ID exported from the GnuPG home with gpg, read by the core.
  for (const key of await exportOwnerKeys(gpg, { home: flags.gpgHome })) keys.set(key.keyid, key)
  // Like the reference, keys are collected by keyid: the same key given twice counts once.
  return [...keys.values()]
}

/**
 * `--substitution-parameters`: `KEY=VALUE` pairs, or one file holding a JSON object of string
 * values, read with the strict parser (strict UTF-8, no duplicate keys) as every document is.
 */
async function loadParameters(values: readonly string[]): Promise<Map<string, string>> {
  const first = values[0] as string
  if (values.length !== 1 || first.includes('=')) return collect(values, 'substitution parameter')
  const bytes = await readInputFile(first, 'substitution parameters file')
  let json: JsonValue
  try {
    json = parseJsonBytes(bytes, { file: first })
  } catch (error) {
    const info = toErrorInfo(error, first)
    throw new ParameterFileError({
      stage: 'parameters',
      errorType: info.exception,
      message: `The substitution parameters could not be read: ${info.message}`,
      file: first,
      path: info.path,
    })
  }
  const refuse = (message: string, path?: string): never => {
    throw new ParameterFileError({
      stage: 'parameters',
      errorType: 'FormatError',
      message: `The substitution parameters could not be read: ${first}${path ? `: ${path}` : ''}: ${message}`,
      file: first,
      path,
    })
  }
  if (!(json instanceof Map)) return refuse(`must hold a JSON object of parameter names to string values, found ${describeJsonType(json)}`)
  const parameters = new Map<string, string>()
  for (const [key, value] of json) {
    if (typeof value !== 'string') refuse(`parameter '${key}' must be a string, found ${describeJsonType(value)}`, joinPath('', key))
    else parameters.set(key, value)
  }
  return parameters
}

/** A substitution parameters file whose content is refused: a verification failure at stage `parameters`. */
class ParameterFileError extends Error {
  readonly failure: Failure
  constructor(failure: Failure) {
    super(failure.message)
    this.failure = failure
  }
}

async function readText(file: string): Promise<string> {
  return new TextDecoder().decode(await readInputFile(file, 'key file', MAX_KEY_FILE_BYTES))
}
