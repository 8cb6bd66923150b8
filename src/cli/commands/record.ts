/**
 * `layout-studio record start|stop`: a link in two steps, for work that is not one command
 * (like in-toto-record 1.3.1). `start` hashes the materials into a signed preliminary link
 * `.<step>.<keyid prefix>.link-unfinished` in the working directory; `stop` checks that file's
 * signature with the same key, adds the products, signs again, writes
 * `<step>.<keyid prefix>.link` and removes the preliminary file.
 */
import { unlink } from 'node:fs/promises'
import type { Command } from 'commander'
import { readEnvelope } from '../../core/envelope/read.ts'
import { verifyEnvelopeSignature } from '../../core/envelope/verify.ts'
import { createLink } from '../../core/model/link.ts'
import { linkFileName, unfinishedLinkFileName } from '../../core/model/names.ts'
import { CommandFailure } from '../failure.ts'
import { readInputFile } from '../key-files.ts'
import { addRecordingOptions, prepareRecording, SETTINGS_HELP, signLink, writeEnvelope, type RecordingFlags } from '../link-recording.ts'

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
  const envelope = await signLink(createLink(flags.stepName, { materials }), recorder.key, flags.dsse ? 'dsse' : 'metablock')
  const written = await writeEnvelope(envelope, unfinishedLinkFileName(flags.stepName, recorder.key.publicKey.keyid))
  if (!flags.quiet) process.stderr.write(`wrote ${written}; finish with 'layout-studio record stop -n ${flags.stepName} -k ${flags.key}'\n`)
  return 0
}

async function stop(flags: StopFlags): Promise<number> {
  const recorder = await prepareRecording(flags)
  const keyid = recorder.key.publicKey.keyid
  const unfinished = unfinishedLinkFileName(flags.stepName, keyid)
  const bytes = await readInputFile(unfinished, 'preliminary link').catch(() => {
    throw new CommandFailure(
      `no preliminary link '${unfinished}' for step '${flags.stepName}' and key ${keyid.slice(0, 8)} in the working directory: run 'layout-studio record start' first`,
    )
  })
  const preliminary = readEnvelope(bytes, unfinished)
  if (preliminary.content.type !== 'link') throw new CommandFailure(`${unfinished}: holds a layout, not a link`)
  const status = await verifyEnvelopeSignature(preliminary, recorder.key.publicKey)
  if (status !== 'valid') {
    throw new CommandFailure(
      `${unfinished}: ${status === 'missing' ? 'not signed by' : 'the signature does not verify with'} the key '${flags.key}' (keyid ${keyid.slice(0, 8)}); was it changed, or started with another key?`,
    )
  }
  const products = await recorder.record(flags.products, 'products')
  // Only the products change; `--dsse` (or a DSSE preliminary link) gives a DSSE link.
  const link = { ...preliminary.content.link, products }
  const envelope = await signLink(link, recorder.key, flags.dsse || preliminary.format === 'dsse' ? 'dsse' : 'metablock')
  const written = await writeEnvelope(envelope, linkFileName(flags.stepName, keyid), flags.metadataDirectory)
  await unlink(unfinished)
  if (!flags.quiet) process.stderr.write(`wrote ${written}\n`)
  return 0
}
