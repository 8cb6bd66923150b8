/**
 * `layout-studio run`: carry out a supply chain step and record it as in-toto-run 1.3.1
 * does: materials are hashed, the command runs (no shell), products are hashed, and the link
 * (command as its argument list; byproducts stdout, stderr and return-value; environment
 * empty) is signed and written to `<step>.<keyid prefix>.link`.
 *
 * The command's own exit status is recorded, not passed on: like in-toto-run, this exits 0
 * when the link was written, 1 when recording failed, 2 on usage errors.
 */
import type { Command } from 'commander'
import type { JsonObject } from '../../core/json/value.ts'
import { createLink } from '../../core/model/link.ts'
import { linkFileName } from '../../core/model/names.ts'
import { DEFAULT_COMMAND_TIMEOUT_SECONDS } from '../in-toto-settings.ts'
import { addRecordingOptions, prepareRecording, SETTINGS_HELP, signLink, writeEnvelope, type RecordingFlags } from '../link-recording.ts'
import { runStepCommand } from '../run-command.ts'
import { UsageError } from '../usage.ts'

interface RunFlags extends RecordingFlags {
  materials?: string[]
  products?: string[]
  recordStreams?: boolean
  noCommand?: boolean
  metadataDirectory?: string
  timeout?: string
  verbose?: boolean
}

const HELP = `
Examples:
  layout-studio run -n package -k alice -m src -p pkg.tar.gz -- tar czf pkg.tar.gz src
  layout-studio run -n review -k bob -m document.pdf -x
  layout-studio run -n build --gpg 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 -m src -p app -- make
${SETTINGS_HELP}`

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('run a supply chain step and write its signed link metadata (like in-toto-run)')
    .argument('[command...]', 'the command to run, after "--"')
  addRecordingOptions(command)
    .option('-m, --materials <paths...>', 'files or directories to record before the command runs')
    .option('-p, --products <paths...>', 'files or directories to record after the command runs')
    .option('-s, --record-streams', "record the command's stdout and stderr in the link (and show them)")
    .option('-x, --no-command', 'record without running a command (e.g. a review)')
    .option('-d, --metadata-directory <dir>', 'directory to write the link to (default: the working directory)')
    .option('--timeout <seconds>', `seconds the command may run (default: IN_TOTO_LINK_CMD_EXEC_TIMEOUT or ${DEFAULT_COMMAND_TIMEOUT_SECONDS})`)
    .addHelpText('after', HELP)
    .action(async (argv: string[], flags: RunFlags) => {
      process.exitCode = await runCommand(argv, flags)
    })
}

async function runCommand(argv: string[], flags: RunFlags): Promise<number> {
  // commander turns `-x, --no-command` into `command: false`.
  const noCommand = (flags as { command?: boolean }).command === false
  if (!noCommand && argv.length === 0) throw new UsageError('no command given: put it after "--", or record without one with -x/--no-command')
  const timeout = timeoutSeconds(flags.timeout)
  const recorder = await prepareRecording(flags)
  const commandArgs = noCommand ? [] : argv
  const materials = await recorder.record(flags.materials, 'materials')
  let byproducts: JsonObject = new Map()
  if (commandArgs.length > 0) {
    const result = await runStepCommand(commandArgs, {
      timeoutSeconds: timeout ?? recorder.settings.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS,
      recordStreams: flags.recordStreams === true,
    })
    byproducts = new Map<string, string | bigint>([
      ['stdout', result.stdout],
      ['stderr', result.stderr],
      ['return-value', BigInt(result.returnValue)],
    ])
  }
  const products = await recorder.record(flags.products, 'products')
  const link = createLink(flags.stepName, { command: commandArgs, materials, products, byproducts })
  const { envelope, keyid } = await signLink(link, recorder.identity, flags.dsse ? 'dsse' : 'metablock')
  const written = await writeEnvelope(envelope, linkFileName(flags.stepName, keyid), flags.metadataDirectory)
  if (flags.verbose) process.stderr.write(`recorded ${materials.size} material(s) and ${products.size} product(s)\n`)
  if (!flags.quiet) process.stderr.write(`wrote ${written}\n`)
  return 0
}

function timeoutSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not '${value}'`)
  return seconds
}
