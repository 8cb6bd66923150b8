/**
 * `layout-studio record start|stop`: a link in two steps, for work that is not one command
 * (like in-toto-record 1.3.1). `start` hashes the materials into a signed preliminary link
 * `.<step>.<keyid prefix>.link-unfinished` in the working directory; `stop` checks that file's
 * signature with the same key, adds the products, signs again, writes
 * `<step>.<keyid prefix>.link` and removes the preliminary file.
 */
import { readdir, unlink } from 'node:fs/promises'
import type { Command } from 'commander'
import { readEnvelope } from '../../core/envelope/read.ts'
import { verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import type { PrivateKey, VerificationKey } from '../../core/keys/types.ts'
import { createLink } from '../../core/model/link.ts'
import { linkFileName, unfinishedLinkFileName } from '../../core/model/names.ts'
import { CommandFailure } from '../failure.ts'
import { exportOwnerKeys } from '../gnupg.ts'
import { readInputFile } from '../key-files.ts'
import { addRecordingOptions, describeIdentity, prepareRecording, SETTINGS_HELP, signLink, writeEnvelope, type RecordingFlags, type SigningIdentity } from '../link-recording.ts'

interface StartFlags extends RecordingFlags {
  materials?: string[]
}

interface StopFlags extends RecordingFlags {
  products?: string[]
  metadataDirectory?: string
}

const HELP = `
Example:
  layout-studio record start -n edit-files -k alice -m .
  ... edit the files ...
  layout-studio record stop -n edit-files -k alice -p .
  layout-studio record start -n edit-files --gpg -m .   (gpg's default key; or --gpg KEYID)
${SETTINGS_HELP}`

export function registerRecord(program: Command): void {
  const record = program.command('record').description('record link metadata in two steps: start (materials) and stop (products), like in-toto-record').addHelpText('after', HELP)
  addRecordingOptions(record.command('start').description('hash the materials into a signed preliminary link (.<step>.<keyid prefix>.link-unfinished)'))
    .option('-m, --materials <paths...>', 'files or directories to record as materials')
    .action(async (flags: StartFlags) => {
      process.exitCode = await start(flags)
    })
  addRecordingOptions(record.command('stop').description('add the products to the preliminary link, sign it and write <step>.<keyid prefix>.link'))
    .option('-p, --products <paths...>', 'files or directories to record as products')
    .option('-d, --metadata-directory <dir>', 'directory to write the link to (default: the working directory)')
    .action(async (flags: StopFlags) => {
      process.exitCode = await stop(flags)
    })
}

async function start(flags: StartFlags): Promise<number> {
  const recorder = await prepareRecording(flags)
  const materials = await recorder.record(flags.materials, 'materials')
  const { envelope, keyid } = await signLink(createLink(flags.stepName, { materials }), recorder.identity, flags.dsse ? 'dsse' : 'metablock')
  const written = await writeEnvelope(envelope, unfinishedLinkFileName(flags.stepName, keyid))
  if (!flags.quiet) process.stderr.write(`wrote ${written}; finish with 'layout-studio record stop -n ${flags.stepName} ${describeIdentity(recorder.identity, flags.key)}'\n`)
  return 0
}

async function stop(flags: StopFlags): Promise<number> {
  const recorder = await prepareRecording(flags)
  const { unfinished, key, keyid } =
    recorder.identity.kind === 'key' ? keyFilePreliminary(flags.stepName, recorder.identity.key) : await gpgPreliminary(flags.stepName, recorder.identity)
  const bytes = await readInputFile(unfinished, 'preliminary link').catch(() => {
    throw new CommandFailure(
      `no preliminary link '${unfinished}' for step '${flags.stepName}' and key ${keyid.slice(0, 8)} in the working directory: run 'layout-studio record start' first`,
    )
  })
  const preliminary = readEnvelope(bytes, unfinished)
  if (preliminary.content.type !== 'link') throw new CommandFailure(`${unfinished}: holds a layout, not a link`)
  const verificationKey = key ?? (await exportOwnerKeys([preliminary.signatures[0]?.keyid ?? ''], { home: gpgHome(recorder.identity) }))[0]!
  const status = await verifyEnvelopeSignature(preliminary, verificationKey)
  if (status !== 'valid') {
    throw new CommandFailure(
      `${unfinished}: ${status === 'missing' ? 'not signed by' : status === 'invalid' ? 'the signature does not verify with' : `an ${status} OpenPGP key signed it:`} the key ${describeIdentity(recorder.identity, flags.key)} (keyid ${keyid.slice(0, 8)}); was it changed, or started with another key?`,
    )
  }
  const products = await recorder.record(flags.products, 'products')
  // Only the products change; `--dsse` (or a DSSE preliminary link) gives a DSSE link.
  const link = { ...preliminary.content.link, products }
  // in-toto-record stop --gpg signs with the key it exported (gpg picks its signing subkey) and
  // names the link after that key's fingerprint, not after the new signature's keyid.
  const identity = recorder.identity.kind === 'gpg' ? { ...recorder.identity, keyid: keyid } : recorder.identity
  const { envelope } = await signLink(link, identity, flags.dsse || preliminary.format === 'dsse' ? 'dsse' : 'metablock')
  const written = await writeEnvelope(envelope, linkFileName(flags.stepName, keyid), flags.metadataDirectory)
  await unlink(unfinished)
  if (!flags.quiet) process.stderr.write(`wrote ${written}\n`)
  return 0
}

interface Preliminary {
  readonly unfinished: string
  /** The key that checks it; for `--gpg` without a key ID, found from its signature. */
  readonly key?: VerificationKey
  /** The keyid that names the finished link. */
  readonly keyid: string
}

function keyFilePreliminary(stepName: string, key: PrivateKey): Preliminary {
  return { unfinished: unfinishedLinkFileName(stepName, key.publicKey.keyid), key: key.publicKey, keyid: key.publicKey.keyid }
}

/**
 * in-toto-record stop with `--gpg`: the one `.STEP.*.link-unfinished` in the working directory;
 * with a key ID, that key exported from the GnuPG home checks it and names the link (its primary
 * fingerprint); without, the preliminary link's signature names both.
 */
async function gpgPreliminary(stepName: string, identity: Extract<SigningIdentity, { kind: 'gpg' }>): Promise<Preliminary> {
  const prefix = `.${stepName}.`
  const found = (await readdir('.')).filter((name) => name.startsWith(prefix) && name.endsWith('.link-unfinished') && name.length === prefix.length + 8 + '.link-unfinished'.length)
  if (found.length === 0) throw new CommandFailure(`Could not find a preliminary link for step '${stepName}' in the current working directory.`)
  if (found.length > 1) {
    throw new CommandFailure(
      `Found more than one preliminary links for step '${stepName}' in the current working directory: ${found.join(', ')}. We need exactly one to stop recording.`,
    )
  }
  const unfinished = found[0]!
  if (identity.keyid === undefined) {
    const envelope = readEnvelope(await readInputFile(unfinished, 'preliminary link'), unfinished)
    const keyid = envelope.signatures[0]?.keyid
    if (keyid === undefined) throw new CommandFailure(`${unfinished}: it has no signature`)
    return { unfinished, keyid }
  }
  const [key] = await exportOwnerKeys([identity.keyid], { home: identity.home })
  return { unfinished, key, keyid: key!.keyid }
}

function gpgHome(identity: SigningIdentity): string | undefined {
  return identity.kind === 'gpg' ? identity.home : undefined
}
