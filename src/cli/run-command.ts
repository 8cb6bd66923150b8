/**
 * Running a step's command as in-toto-run 1.3.1 does (securesystemslib.process): no shell,
 * standard input inherited, a timeout after which the command is killed and nothing is
 * recorded. Without `recordStreams` the command's output is discarded; with it, stdout and
 * stderr are shown and captured as text (universal newlines, like Python's text mode).
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { CommandFailure } from './failure.ts'

export interface CommandResult {
  readonly stdout: string
  readonly stderr: string
  /** The exit status; a command killed by signal N gives -N, as Python reports it. */
  readonly returnValue: number
}

export interface RunCommandOptions {
  readonly cwd?: string
  readonly timeoutSeconds: number
  readonly recordStreams: boolean
  /** Where shown output goes (the terminal by default). */
  readonly echo?: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream }
}

export function runStepCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const [file, ...args] = argv
  if (file === undefined) throw new CommandFailure('no command to run')
  const echo = options.echo ?? { stdout: process.stdout, stderr: process.stderr }
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      stdio: ['inherit', options.recordStreams ? 'pipe' : 'ignore', options.recordStreams ? 'pipe' : 'ignore'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk)
      echo.stdout.write(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk)
      echo.stderr.write(chunk)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutSeconds * 1000)
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const reason = error.code === 'ENOENT' ? 'no such program' : error.code === 'EACCES' ? 'permission denied' : error.message
      reject(new CommandFailure(`cannot run '${file}': ${reason}`, { cause: error }))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (timedOut) {
        reject(
          new CommandFailure(
            `the command '${argv.join(' ')}' did not finish within ${options.timeoutSeconds} seconds (set IN_TOTO_LINK_CMD_EXEC_TIMEOUT or --timeout); no link was written`,
          ),
        )
        return
      }
      resolve({
        stdout: text(out),
        stderr: text(err),
        returnValue: code ?? -(signal ? (constants.signals[signal] ?? 1) : 1),
      })
    })
  })
}

/** Python text mode: UTF-8 with universal newlines (`\r\n` and `\r` read as `\n`). */
function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8').replace(/\r\n?/g, '\n')
}
