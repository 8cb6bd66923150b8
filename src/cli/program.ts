/**
 * `layout-studio`: the command line over src/core. Exit codes follow in-toto's tools:
 * 0 success, 1 verification or signing failure, 2 usage error.
 */
import { Command, CommanderError } from 'commander'
import { CoreError } from '../core/errors.ts'
import { failureReport, type Failure } from '../core/verify/report.ts'
import { registerCheck } from './commands/check.ts'
import { registerDiff } from './commands/diff.ts'
import { registerInfer } from './commands/infer.ts'
import { registerKeygen } from './commands/keygen.ts'
import { registerRebuilders } from './commands/rebuilders.ts'
import { registerMatchProducts } from './commands/match-products.ts'
import { registerRecord } from './commands/record.ts'
import { registerRun } from './commands/run.ts'
import { registerSign } from './commands/sign.ts'
import { registerVerify } from './commands/verify.ts'
import { CommandFailure } from './failure.ts'
import { installNodeCrypto } from './native-crypto.ts'
import { UsageError } from './usage.ts'
import { VERSION } from './version.ts'

export function buildProgram(): Command {
  const program = new Command()
  program
    .name('layout-studio')
    .description('Design, sign and verify in-toto supply-chain layouts (verdicts match in-toto-verify 1.3.1).')
    .version(VERSION, '--version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride()
  registerVerify(program)
  registerSign(program)
  registerKeygen(program)
  registerRun(program)
  registerRecord(program)
  registerCheck(program)
  registerInfer(program)
  registerRebuilders(program)
  registerDiff(program)
  registerMatchProducts(program)
  const configure = (command: Command): void => {
    command.exitOverride().showHelpAfterError()
    command.commands.forEach(configure)
  }
  program.commands.forEach(configure)
  return program
}

export async function main(argv: readonly string[]): Promise<number> {
  installNodeCrypto()
  const program = buildProgram()
  try {
    process.exitCode = 0
    await program.parseAsync(argv, { from: 'user' })
    return Number(process.exitCode ?? 0)
  } catch (error) {
    const failure = commandFailure(error)
    if (failure === undefined) return 0
    // With --format json a script reads stdout: whatever stopped the command is JSON there too.
    if (jsonRequested(argv)) process.stdout.write(`${JSON.stringify(argv[0] === 'verify' ? failureReport(failure, new Date()) : { error: failure }, null, 2)}\n`)
    if (!(error instanceof CommanderError)) process.stderr.write(`layout-studio: ${failure.message}\n`)
    return failure.stage === 'usage' ? 2 : 1
  }
}

/** What stopped a command, as a report's failure; `undefined` for a clean exit (`--help`, `--version`). */
function commandFailure(error: unknown): Failure | undefined {
  if (error instanceof CommanderError) return error.exitCode === 0 ? undefined : { stage: 'usage', errorType: 'UsageError', message: error.message.replace(/^error: /, '') }
  if (error instanceof UsageError) return { stage: 'usage', errorType: 'UsageError', message: error.message }
  if (error instanceof CoreError) return { stage: 'format', errorType: error.exception, message: error.message, file: error.file, path: error.path }
  if (error instanceof CommandFailure) return { stage: 'internal', errorType: 'Error', message: error.message }
  // A bug: the message, and the stack only when asked for (a stack trace is no message for a person).
  const detail = error instanceof Error ? (process.env.LAYOUT_STUDIO_DEBUG ? (error.stack ?? error.message) : error.message) : String(error)
  return {
    stage: 'internal',
    errorType: 'Error',
    message: `unexpected error: ${detail}${process.env.LAYOUT_STUDIO_DEBUG ? '' : ' (a bug of layout-studio; LAYOUT_STUDIO_DEBUG=1 shows where)'}`,
  }
}

/** `--format json` or `--format=json` among the arguments (the last `--format` wins, as with commander). */
function jsonRequested(argv: readonly string[]): boolean {
  let format: string | undefined
  argv.forEach((arg, index) => {
    if (arg === '--format') format = argv[index + 1]
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length)
  })
  return format === 'json'
}
