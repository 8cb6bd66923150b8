/**
 * `layout-studio rebuilders`: for each package file, which trusted rebuilders attest exactly
 * its bytes, and whether that meets the threshold (src/core/rebuilders/check.ts). Exit 0 when
 * every package meets it, 1 when any does not, 2 on a usage error (unreadable policy or key,
 * a threshold no set of trusted rebuilders can meet).
 */
import { constants } from 'node:fs'
import { open, readdir, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Command } from 'commander'
import type { BundleInput, Refusal } from '../../core/bundle/assemble.ts'
import { BundleError } from '../../core/bundle/limits.ts'
import { CoreError } from '../../core/errors.ts'
import type { ByteSource, DigestMap } from '../../core/hashing/artifact-hasher.ts'
import type { UnreadableAttestation } from '../../core/rebuilders/attestation.ts'
import { fileNameOf, type Attestation } from '../../core/rebuilders/attestation.ts'
import { checkPackages, HASH_ALGORITHMS, type PackageFile, type PolicyCheck } from '../../core/rebuilders/check.ts'
import { ATTESTATION_LIMITS, gatherAttestations } from '../../core/rebuilders/gather.ts'
import { addRebuilderKeys, emptyPolicy, parsePolicy, POLICY_LIMITS, policyProblems, setQuorum, setThreshold, type RebuilderPolicy } from '../../core/rebuilders/policy.ts'
import { readPolicyKeyFile } from '../../core/rebuilders/policy-key.ts'
import { MAX_KEY_FILE_BYTES, readInputFile } from '../key-files.ts'
import { nodeHasher } from '../node-hashing.ts'
import { FileReadError, readRegularFile } from '../safe-read.ts'
import { UsageError } from '../usage.ts'
import { pushAll } from '../../core/arrays.ts'

interface RebuildersFlags {
  threshold?: string
  rebuilder: string[]
  attestations?: string[]
  policy?: string
  quorum?: boolean
  format: string
}

export function registerRebuilders(program: Command): void {
  program
    .command('rebuilders')
    .description('check package files against a rebuilder policy: which trusted rebuilders reproduced exactly these bytes, and is that enough?')
    .argument('<packages...>', 'the package files to check (.deb, .pkg.tar.zst, any file); attestations name them by file name')
    .option('--threshold <k>', 'how many distinct trusted rebuilders must reproduce each file exactly')
    .option(
      '--rebuilder <name=keyfile>',
      'a trusted rebuilder and its public key file (Ed25519 SPKI PEM as rebuilderd serves it, an OpenPGP key export, or securesystemslib JSON; every key in the file); repeat a name to give one operator several keys (one vote)',
      collectRepeated,
      [],
    )
    .option('--attestations <paths...>', 'attestation files (any naming), folders and archives (.tar, .tar.gz, .zip, .intoto.jsonl)')
    .option('--policy <file>', 'a rebuilder policy saved by the app (the flags add to it)')
    .option('--quorum', 'accept k agreeing rebuilders even when another trusted rebuilder reports different bytes (the dissent is still shown)')
    .option('--format <format>', 'output: text (one line per package) or json (per-rebuilder detail)', 'text')
    .action(async (packages: string[], flags: RebuildersFlags) => {
      process.exitCode = await rebuildersCommand(packages, flags)
    })
}

function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value]
}

async function rebuildersCommand(packagePaths: string[], flags: RebuildersFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`)
  const policy = await buildPolicy(flags)
  const packages = await packageFiles(packagePaths)
  const gathered = await readAttestations(flags.attestations ?? [])
  const result = await checkPackages(policy, packages, gathered.attestations, hashFile)
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify(jsonReport(policy, result, gathered), null, 2)}\n`)
  } else {
    for (const item of result.packages) process.stdout.write(`${item.verdict === 'pass' ? 'PASS' : 'FAIL'} ${item.path}: ${item.sentence}\n`)
    for (const note of new Set(result.packages.flatMap((item) => item.notes))) process.stderr.write(`note: ${note}\n`)
    for (const refusal of gathered.refusals) process.stderr.write(`warning: refused: ${refusal.message}\n`)
    for (const file of gathered.unreadable) process.stderr.write(`warning: not an attestation: ${file.problem}\n`)
  }
  return result.packages.every((item) => item.verdict === 'pass') ? 0 : 1
}

async function buildPolicy(flags: RebuildersFlags): Promise<RebuilderPolicy> {
  let policy = emptyPolicy()
  if (flags.policy) {
    const text = utf8(await readInputFile(flags.policy, 'policy file', POLICY_LIMITS.maxBytes))
    policy = await asUsage(() => parsePolicy(text, flags.policy))
  } else if (flags.threshold === undefined) {
    throw new UsageError('give --threshold K (or a --policy file that has one)')
  }
  if (flags.threshold !== undefined) {
    if (!/^[1-9][0-9]{0,2}$/.test(flags.threshold)) throw new UsageError(`--threshold must be a whole number of at least 1, not '${flags.threshold}'`)
    policy = setThreshold(policy, Number(flags.threshold))
  }
  if (flags.quorum) policy = setQuorum(policy, true)
  for (const pair of flags.rebuilder) {
    const at = pair.indexOf('=')
    if (at <= 0 || at === pair.length - 1) throw new UsageError(`--rebuilder '${pair}' must look like NAME=KEYFILE`)
    const name = pair.slice(0, at)
    const file = pair.slice(at + 1)
    const bytes = await readInputFile(file, 'key file', MAX_KEY_FILE_BYTES)
    const label = basename(file).replace(/\.(pub|pem|json|key|asc|gpg)$/i, '')
    const keys = await asUsage(() => readPolicyKeyFile(bytes, file, label))
    const current = policy
    policy = await asUsage(async () => addRebuilderKeys(current, name, keys))
  }
  const problems = policyProblems(policy)
  if (problems.length > 0) throw new UsageError(`${problems.join(' ')} Add trusted rebuilders with --rebuilder NAME=KEYFILE.`)
  return policy
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes)
}

async function asUsage<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (error instanceof CoreError) throw new UsageError(error.message)
    throw error
  }
}

async function packageFiles(paths: readonly string[]): Promise<PackageFile[]> {
  const out: PackageFile[] = []
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>
    try {
      info = await stat(path)
    } catch {
      throw new UsageError(`cannot read the package '${path}': no such file`)
    }
    if (!info.isFile()) throw new UsageError(`the package '${path}' is not a regular file`)
    out.push({ path, name: fileNameOf(path.split('\\').join('/')), size: info.size })
  }
  return out
}

/**
 * sha256 and sha512 in one read of the file (the core's hasher over node:crypto). Opened
 * without blocking and checked on the open descriptor (safe-read.ts): a FIFO or device named
 * as a package is refused, not read forever.
 */
async function hashFile(file: PackageFile): Promise<DigestMap> {
  const handle = await open(file.path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) throw new UsageError(`the package '${file.path}' is not a regular file`)
    const source: ByteSource = {
      size: info.size,
      read: async (offset, length) => {
        const buffer = Buffer.allocUnsafe(length)
        let filled = 0
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled)
          if (bytesRead === 0) break
          filled += bytesRead
        }
        return buffer.subarray(0, filled)
      },
    }
    return await nodeHasher.hash(source, HASH_ALGORITHMS)
  } finally {
    await handle.close()
  }
}

interface Gathered {
  readonly attestations: Attestation[]
  readonly unreadable: UnreadableAttestation[]
  readonly refusals: Refusal[]
}

/**
 * Each named path is gathered on its own (a folder's files relative to it, a file by its
 * name), so files of the same name in two folders stay apart; the count limit holds for all
 * of them together.
 */
async function readAttestations(paths: readonly string[]): Promise<Gathered> {
  const groups: { base: string; inputs: BundleInput[] }[] = []
  let total = 0
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined)
    if (!info) throw new UsageError(`cannot read the attestations '${path}': no such file or folder`)
    if (!info.isDirectory() && !info.isFile()) throw new UsageError(`cannot read the attestations '${path}': it is not a regular file or a folder`)
    const inputs = info.isDirectory() ? await folderInputs(path, ATTESTATION_LIMITS.maxEntries + 1 - total) : [fileInput(path, basename(path), info.size)]
    total += inputs.length
    groups.push({ base: info.isDirectory() ? path : join(path, '..'), inputs })
  }
  if (total > ATTESTATION_LIMITS.maxEntries) {
    const message = `more than ${ATTESTATION_LIMITS.maxEntries.toLocaleString('en-US')} attestation files were given; at most ${ATTESTATION_LIMITS.maxEntries.toLocaleString('en-US')} are read at once (choose the attestations of the packages you check); nothing was read`
    return { attestations: [], unreadable: [], refusals: [{ file: paths.join(' '), code: 'too-many-entries', message }] }
  }
  const out: Gathered = { attestations: [], unreadable: [], refusals: [] }
  for (const { base, inputs } of groups) {
    const shown = (inner: string) => (base === '.' ? inner : join(base, inner))
    const gathered = await gatherAttestations(inputs)
    pushAll(
      out.attestations,
      gathered.attestations.map((attestation) => ({ ...attestation, path: shown(attestation.path) })),
    )
    pushAll(
      out.unreadable,
      gathered.unreadable.map((file) => ({ path: shown(file.path), problem: file.problem.startsWith(file.path) ? shown(file.problem) : file.problem })),
    )
    pushAll(
      out.refusals,
      gathered.refusals.map((refusal) => ({
        ...refusal,
        file: shown(refusal.file),
        message: refusal.message.startsWith(refusal.file) ? shown(refusal.message) : refusal.message,
      })),
    )
  }
  return out
}

/** A file read when its turn comes, only if it is still a regular file within the limit; else refused by the bundle reader. */
function fileInput(file: string, path: string, size: number): BundleInput {
  return {
    path,
    size,
    read: async () => {
      try {
        return await readRegularFile(file, { maxBytes: ATTESTATION_LIMITS.maxFileBytes, what: 'an attestation' })
      } catch (error) {
        if (error instanceof FileReadError) throw new BundleError('unsupported', path, error.reason)
        throw error
      }
    },
  }
}

/** Files below `dir` (8 levels at most), stopping once `limit` are found. */
async function folderInputs(dir: string, limit: number): Promise<BundleInput[]> {
  const out: BundleInput[] = []
  const visit = async (relative: string, depth: number): Promise<void> => {
    if (depth > 8 || out.length >= limit) return
    const entries = await readdir(join(dir, relative), { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (out.length >= limit) return
      const inner = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) await visit(inner, depth + 1)
      else if (entry.isFile()) out.push(fileInput(join(dir, inner), inner, (await stat(join(dir, inner))).size))
    }
  }
  await visit('', 0)
  return out
}

function jsonReport(policy: RebuilderPolicy, result: PolicyCheck, gathered: Gathered) {
  return {
    policy: {
      threshold: policy.threshold,
      quorum: policy.quorum,
      rebuilders: policy.rebuilders.map((rebuilder) => ({ name: rebuilder.name, keys: rebuilder.keys.map((key) => ({ label: key.label, format: key.format, keyid: key.keyid })) })),
    },
    verdict: result.packages.every((item) => item.verdict === 'pass') ? 'pass' : 'fail',
    packages: result.packages,
    otherAttestations: result.otherAttestations,
    unreadable: gathered.unreadable,
    refused: gathered.refusals.map((refusal) => ({ file: refusal.file, message: refusal.message })),
  }
}
