/**
 * `layout-studio`: the command line over src/core. Exit codes follow in-toto's tools:
 * 0 success, 1 verification or signing failure, 2 usage error.
 */
import { Command, CommanderError } from 'commander'
import { CoreError } from '../core/errors.ts'
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
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    if (error instanceof UsageError) {
      process.stderr.write(`layout-studio: ${error.message}\n`)
      return 2
    }
    if (error instanceof CoreError || error instanceof CommandFailure) {
      process.stderr.write(`layout-studio: ${error.message}\n`)
      return 1
    }
    process.stderr.write(`layout-studio: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}
