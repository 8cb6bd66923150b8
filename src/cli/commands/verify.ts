/**
 * `layout-studio verify`: in-toto-verify's flags (current and legacy) and exit codes
 * (0 pass, 1 fail, 2 usage), with a report that says why in plain words.
 */
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { importVerifyKeyFile } from '../../core/keys/import.ts'
import type { PublicKey } from '../../core/keys/types.ts'
import { verifyLayoutFile } from '../../core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../inspection-runner.ts'
import { loadPublicKeyFile } from '../key-files.ts'
import { DecodePool } from '../decode-pool.ts'
import { DirectoryLinkSource } from '../node-fs.ts'
import { renderReport } from '../report-text.ts'
import { UsageError, collect } from '../usage.ts'
import { progressReporter } from '../progress.ts'

interface VerifyFlags {
  layout: string
  verificationKeys?: string[]
  layoutKeys?: string[]
  keyTypes?: string[]
  gpg?: string[]
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
    .option('-g, --gpg <keyids...>', 'GPG keys (not supported)')
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
  if (flags.gpg) throw new UsageError('GPG keys are not supported by layout-studio; use PEM or securesystemslib keys')
  const timeout = Number(flags.inspectionTimeout)
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--inspection-timeout must be a positive number of seconds, not '${flags.inspectionTimeout}'`)
  // Big bundles decode their links on worker threads (small ones stay on this thread); main.ts
  // started them before the program loaded (decode-threads.ts), and the pool takes those.
  const decoder = new DecodePool()
  const keys = await loadOwnerKeys(flags)
  const parameters = flags.substitutionParameters ? await loadParameters(flags.substitutionParameters) : undefined
  const layoutBytes = await readFile(flags.layout).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the layout '${flags.layout}': ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
  })
  const report = await verifyLayoutFile(layoutBytes, flags.layout, {
    layoutKeys: keys,
    links: new DirectoryLinkSource(flags.linkDir),
    inspections: new SubprocessInspectionRunner({ timeoutSeconds: timeout }),
    parameters,
    decoder,
    onProgress: flags.quiet || flags.format === 'json' ? undefined : progressReporter(),
  }).finally(() => decoder.close())
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  else if (!flags.quiet) {
    const text = renderReport(report, { verbose: flags.verbose })
    if (report.verdict === 'fail') process.stderr.write(`${text}\n`)
    else process.stdout.write(`${text}\n`)
  }
  return report.verdict === 'pass' ? 0 : 1
}

async function loadOwnerKeys(flags: VerifyFlags): Promise<PublicKey[]> {
  const legacy = flags.layoutKeys ?? []
  const current = flags.verificationKeys ?? []
  if (legacy.length === 0 && current.length === 0) throw new UsageError('pass the layout owner keys with --verification-keys (or -k/--layout-keys)')
  const types = flags.keyTypes ?? legacy.map(() => 'rsa')
  if (types.length !== legacy.length) throw new UsageError(`--key-types names ${types.length} type(s) for ${legacy.length} --layout-keys file(s); give one per key`)
  for (const type of types) if (!['rsa', 'ed25519', 'ecdsa'].includes(type)) throw new UsageError(`unknown key type '${type}' (rsa, ed25519 or ecdsa)`)
  const keys = new Map<string, PublicKey>()
  for (const [index, file] of legacy.entries()) {
    const key = importVerifyKeyFile(await readText(file), types[index] as 'rsa' | 'ed25519' | 'ecdsa', file)
    keys.set(key.keyid, key)
  }
  for (const file of current) {
    // Shared with `sign --verify`: an ECDSA PEM key gets the keyid `keygen` printed for it.
    const key = await loadPublicKeyFile(file, undefined)
    keys.set(key.keyid, key)
  }
  // Like the reference, keys are collected by keyid: the same key given twice counts once.
  return [...keys.values()]
}

async function loadParameters(values: readonly string[]): Promise<Map<string, string>> {
  const first = values[0] as string
  if (values.length === 1 && !first.includes('=')) {
    const json: unknown = JSON.parse(await readText(first))
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`'${first}' must hold a JSON object of parameter names to string values`)
    const parameters = new Map<string, string>()
    for (const [key, value] of Object.entries(json)) {
      if (typeof value !== 'string') throw new UsageError(`parameter '${key}' in '${first}' must be a string`)
      parameters.set(key, value)
    }
    return parameters
  }
  return collect(values, 'substitution parameter')
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read '${file}': ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
}
