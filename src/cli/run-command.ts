/**
 * Running a step's command as in-toto-run 1.3.1 does (securesystemslib.process): no shell,
 * standard input inherited, a timeout after which the command is killed and nothing is
 * recorded. Without `recordStreams` the command's output is discarded; with it, stdout and
 * stderr are shown and captured as text (universal newlines, like Python's text mode).
 */
import { constants } from 'node:os'
import { CommandFailure } from './failure.ts'
import { formatBytes } from './safe-read.ts'
import { CommandStartError, shortened, startCommand, startFailure } from './start-command.ts'

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
  /** Most bytes of output recorded (default {@link MAX_RECORDED_STREAM_BYTES}). */
  readonly maxRecordedBytes?: number
  /** Where shown output goes (the terminal by default). */
  readonly echo?: { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream }
}

/**
 * Most output `--record-streams` keeps (stdout and stderr together): a link holding more could
 * not be verified here (link files are limited to 256 MiB, and JSON escaping can grow text
 * several times), and a string past V8's limit (~512 MiB) cannot even be made.
 */
export const MAX_RECORDED_STREAM_BYTES = 64 * 1024 * 1024

export function runStepCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const echo = options.echo ?? { stdout: process.stdout, stderr: process.stderr }
  const maxBytes = options.maxRecordedBytes ?? MAX_RECORDED_STREAM_BYTES
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof startCommand>
    try {
      child = startCommand(argv, {
        cwd: options.cwd,
        stdio: ['inherit', options.recordStreams ? 'pipe' : 'ignore', options.recordStreams ? 'pipe' : 'ignore'],
      })
    } catch (error) {
      reject(error instanceof CommandStartError ? new CommandFailure(`cannot run the command: ${error.message}; no link was written`, { cause: error }) : error)
      return
    }
    const out: Buffer[] = []
    const err: Buffer[] = []
    let recorded = 0
    let overflow = false
    const keep = (chunks: Buffer[], chunk: Buffer) => {
      // Past the limit the output is still shown, no longer kept: the command runs to its end, and no link is written.
      recorded += chunk.length
      if (recorded > maxBytes) overflow = true
      if (!overflow) chunks.push(chunk)
    }
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(out, chunk)
      echo.stdout.write(chunk)
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      keep(err, chunk)
      echo.stderr.write(chunk)
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutSeconds * 1000)
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(new CommandFailure(startFailure(argv[0] as string, error).message, { cause: error }))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (timedOut) {
        reject(
          new CommandFailure(
            `the command '${shortened(argv.join(' '))}' did not finish within ${options.timeoutSeconds} seconds (set IN_TOTO_LINK_CMD_EXEC_TIMEOUT or --timeout); no link was written`,
          ),
        )
        return
      }
      if (overflow) {
        reject(
          new CommandFailure(
            `the command printed ${formatBytes(recorded)} on stdout and stderr, more than the ${formatBytes(maxBytes)} --record-streams may record in a link; no link was written (record without -s, or send the output to a file and record that as a product)`,
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
