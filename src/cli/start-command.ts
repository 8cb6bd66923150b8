/**
 * Starting a step's or an inspection's command: the one place both runners (run-command.ts,
 * inspection-runner.ts) spawn a process, so that every way starting can fail becomes the same
 * plain failure naming the command, with the exception the reference raises there
 * (securesystemslib `process.run` → `subprocess.Popen`): a NUL byte in the program or an
 * argument (`ValueError: embedded null byte`), arguments too long for the system (`OSError:
 * [Errno 7] Argument list too long`), no such program, no permission. Node throws the first
 * two synchronously from `spawn`, the others arrive later as the child's `error` event.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import type { ReferenceException } from '../core/errors.ts'
import { describeSystemError, formatBytes } from './safe-read.ts'

/** Why a command could not be started, with the reference's exception name. */
export class CommandStartError extends Error {
  readonly errorType: ReferenceException

  constructor(errorType: ReferenceException, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CommandStartError'
    this.errorType = errorType
  }
}

/** Spawns `argv`; throws {@link CommandStartError} when it cannot even be tried. */
export function startCommand(argv: readonly string[], options: SpawnOptions): ChildProcess {
  const [file, ...args] = argv
  if (file === undefined) throw new CommandStartError('ValueError', 'the command is empty')
  argv.forEach((arg, index) => {
    if (arg.includes('\0')) {
      throw new CommandStartError(
        'ValueError',
        `${index === 0 ? 'the program name' : `argument ${index}`} of the command contains a NUL byte, which no command line can hold (embedded null byte)`,
      )
    }
  })
  try {
    return spawn(file, args, options)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'E2BIG') {
      const bytes = argv.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0)
      throw new CommandStartError(
        'OSError',
        `the command's ${argv.length} argument(s) take ${formatBytes(bytes)}, more than the operating system allows for a command line (E2BIG)`,
        {
          cause: error,
        },
      )
    }
    throw new CommandStartError('OSError', `cannot start '${shortened(file)}': ${describeSystemError(error)}`, { cause: error })
  }
}

/** The child's `error` event (the program could not be run) as a {@link CommandStartError}. */
export function startFailure(file: string, error: NodeJS.ErrnoException): CommandStartError {
  if (error.code === 'ENOENT') return new CommandStartError('FileNotFoundError', `cannot run '${shortened(file)}': no such program`, { cause: error })
  if (error.code === 'EACCES') return new CommandStartError('PermissionError', `cannot run '${shortened(file)}': permission denied`, { cause: error })
  return new CommandStartError('OSError', `cannot run '${shortened(file)}': ${describeSystemError(error)}`, { cause: error })
}

/** A command or argument for a message: at most 200 characters (an argument may be megabytes). */
export function shortened(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}… (${text.length.toLocaleString('en-US')} characters)`
}
