/**
 * Runs inspections as the reference does (in-toto 1.3.1 `run_all_inspections`): record the
 * working directory as materials, run the command (no shell, output discarded, with a
 * timeout), record it again as products, and keep the unsigned inspection link as
 * `<name>.link` in the working directory (later inspections exclude it via `*.link*`).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createEnvelope, serializeEnvelope } from '../core/envelope/sign.ts'
import type { ReferenceException } from '../core/errors.ts'
import type { JsonObject } from '../core/json/value.ts'
import type { Inspection, Link } from '../core/model/types.ts'
import { unsafeFileNameReason } from '../core/model/names.ts'
import { RecordError, recordArtifacts } from '../core/record/record.ts'
import type { InspectionResult, InspectionRunner } from '../core/verify/inspection-runner.ts'
import { DiskRecordingFs } from './disk-recording.ts'
import { describeSystemError } from './safe-read.ts'
import { CommandStartError, shortened, startCommand, startFailure } from './start-command.ts'

export interface SubprocessRunnerOptions {
  /** Where inspections run and record artifacts (the reference: the process's working directory). */
  readonly cwd?: string
  /** Seconds before a command is killed (the reference: 10). */
  readonly timeoutSeconds?: number
  /** Write `<inspection>.link` like the reference does. */
  readonly persistLinks?: boolean
}

export class SubprocessInspectionRunner implements InspectionRunner {
  private readonly cwd: string
  private readonly timeoutMs: number
  private readonly persist: boolean

  constructor(options: SubprocessRunnerOptions = {}) {
    this.cwd = options.cwd ?? process.cwd()
    this.timeoutMs = (options.timeoutSeconds ?? 10) * 1000
    this.persist = options.persistLinks ?? true
  }

  async run(inspection: Inspection, signal?: AbortSignal): Promise<InspectionResult> {
    const argv = inspection.run
    if (argv.some((arg) => typeof arg !== 'string')) {
      return { status: 'error', errorType: 'TypeError', message: 'every element of the run command must be a string' }
    }
    // Refused before anything runs: the reference would run the command, then write the link there.
    const linkFile = `${inspection.name}.link`
    const unsafe = unsafeFileNameReason(linkFile)
    if (this.persist && unsafe !== undefined) {
      return { status: 'error', errorType: 'ValueError', message: `its link '${shortened(linkFile)}' cannot be written in the working directory: ${unsafe}; rename the inspection` }
    }
    try {
      const fs = new DiskRecordingFs(this.cwd)
      const materials = await recordArtifacts(['.'], fs, { signal })
      let byproducts: JsonObject = new Map()
      if (argv.length > 0) {
        const outcome = await runCommand(argv as string[], this.cwd, this.timeoutMs, signal)
        if ('error' in outcome) return { status: 'error', errorType: outcome.error, message: outcome.message }
        byproducts = new Map<string, string | bigint>([
          ['stdout', ''],
          ['stderr', ''],
          ['return-value', BigInt(outcome.code)],
        ])
      }
      const products = await recordArtifacts(['.'], fs, { signal })
      const link: Link = { type: 'link', name: inspection.rawName ?? inspection.name, command: argv, materials, products, byproducts, environment: new Map() }
      if (this.persist) {
        const path = join(this.cwd, linkFile)
        try {
          await writeFile(path, serializeEnvelope(createEnvelope({ type: 'link', link }, 'metablock')))
        } catch (error) {
          return { status: 'error', errorType: 'OSError', message: `its link '${shortened(linkFile)}' could not be written: ${describeSystemError(error)}` }
        }
      }
      return { status: 'ran', how: 'executed', link }
    } catch (error) {
      if (error instanceof RecordError) return { status: 'error', errorType: error.exception, message: `recording the working directory failed: ${error.message}` }
      throw error
    }
  }
}

type CommandOutcome = { code: number } | { error: ReferenceException; message: string }

function runCommand(argv: string[], cwd: string, timeoutMs: number, signal?: AbortSignal): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof startCommand>
    try {
      child = startCommand(argv, { cwd, stdio: 'ignore', signal })
    } catch (error) {
      if (!(error instanceof CommandStartError)) throw error
      resolve({ error: error.errorType, message: error.message })
      return
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ error: 'TimeoutExpired', message: `the command did not finish within ${timeoutMs / 1000} seconds` })
    }, timeoutMs)
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const failure = startFailure(argv[0] as string, error)
      resolve({ error: failure.errorType, message: failure.message })
    })
    child.on('exit', (code, killedBy) => {
      clearTimeout(timer)
      // Python reports a command killed by signal N as return code -N.
      resolve({ code: code ?? -signalNumber(killedBy) })
    })
  })
}

function signalNumber(name: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 }
  return (name && numbers[name]) || 1
}
