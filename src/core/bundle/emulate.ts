/**
 * Inspections a browser can run without running commands: safe, built-in implementations of
 * the common ones, over the product files in memory. Recording follows the CLI (and the
 * reference): the working directory is recorded as materials, the command "runs", and it is
 * recorded again as products, with in-toto's default exclude patterns.
 *
 * Emulated: `tar xf|xzf|xvzf|-xzf … FILE` (GNU tar detects gzip itself), `unzip [-o] [-q] FILE`,
 * `true`, `false`. Anything the emulation would not reproduce exactly — symbolic links, paths
 * leaving the directory, a file a prompt would ask about, archives past the size limits, a
 * missing input file — is reported as *not run*, never guessed.
 */
import type { ArtifactHasher } from '../hashing/artifact-hasher.ts'
import type { JsonValue } from '../json/value.ts'
import type { HashDict, Inspection, Link } from '../model/types.ts'
import { recordArtifacts } from '../record/record.ts'
import { normpath } from '../record/posix-path.ts'
import type { InspectionResult, InspectionRunner } from '../verify/inspection-runner.ts'
import { parentDirectories } from './entry-path.ts'
import { Budget, BundleError, DEFAULT_BUNDLE_LIMITS, type BundleLimits } from './limits.ts'
import { MemoryRecordingFs } from './memory-fs.ts'
import { detectArchive, unpackArchive, type Unpacked } from './unpack.ts'

export type EmulatedCommand =
  | { readonly program: 'tar'; readonly file: string; readonly gzip: boolean }
  | { readonly program: 'unzip'; readonly file: string; readonly overwrite: boolean }
  | { readonly program: 'exit'; readonly code: number }

/** Which emulation, if any, reproduces `argv`. */
export function parseEmulatedCommand(argv: readonly JsonValue[]): EmulatedCommand | undefined {
  if (argv.some((arg) => typeof arg !== 'string')) return undefined
  const args = argv as readonly string[]
  const program = (args[0] ?? '').replace(/^\/(?:usr\/)?bin\//, '')
  if ((program === 'true' || program === 'false') && args.length === 1) return { program: 'exit', code: program === 'true' ? 0 : 1 }
  if (program === 'tar' && args.length === 3) {
    const cluster = (args[1] as string).replace(/^-/, '')
    const letters = new Set(cluster)
    const allowed = [...cluster].every((letter) => 'xzfvpo'.includes(letter))
    if (allowed && letters.size === cluster.length && letters.has('x') && cluster.endsWith('f')) {
      return { program: 'tar', file: args[2] as string, gzip: letters.has('z') }
    }
    return undefined
  }
  if (program === 'unzip' && args.length >= 2) {
    const flags = args.slice(1, -1)
    if (!flags.every((flag) => /^-[oq]+$/.test(flag))) return undefined
    return { program: 'unzip', file: args.at(-1) as string, overwrite: flags.some((flag) => flag.includes('o')) }
  }
  return undefined
}

export interface EmulationOptions {
  readonly limits?: BundleLimits
  /** Appended to every "not run" reason: how to run the inspection for real (the CLI command). */
  readonly notRunHint?: string
  /** Hashes what the inspection records (the platform's fastest; the core's default otherwise). */
  readonly hasher?: ArtifactHasher
}

type Outcome = { readonly code: number } | { readonly notRun: string }

export class EmulatedInspectionRunner implements InspectionRunner {
  /** The working directory; inspections see what earlier ones extracted, as on disk. */
  private readonly files: Map<string, Uint8Array>
  private readonly limits: BundleLimits
  private readonly hint: string
  private readonly hashes = new WeakMap<Uint8Array, HashDict>()
  private readonly hasher: ArtifactHasher | undefined

  constructor(workFiles: ReadonlyMap<string, Uint8Array>, options: EmulationOptions = {}) {
    this.files = new Map(workFiles)
    this.limits = options.limits ?? DEFAULT_BUNDLE_LIMITS
    this.hint = options.notRunHint ?? ''
    this.hasher = options.hasher
  }

  async run(inspection: Inspection, signal?: AbortSignal): Promise<InspectionResult> {
    const command = parseEmulatedCommand(inspection.run)
    const shown = inspection.run.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(String(arg)))).join(' ')
    if (command === undefined) return this.notRun(`a browser cannot run '${shown}', and it is not one of the commands emulated here (tar x, unzip, true, false)`)
    const materials = await recordArtifacts(['.'], new MemoryRecordingFs(this.files, this.hashes, this.hasher), { signal })
    const outcome = this.apply(command)
    if ('notRun' in outcome) return this.notRun(outcome.notRun)
    const products = await recordArtifacts(['.'], new MemoryRecordingFs(this.files, this.hashes, this.hasher), { signal })
    const link: Link = {
      type: 'link',
      name: inspection.rawName ?? inspection.name,
      command: inspection.run,
      materials,
      products,
      byproducts: new Map<string, JsonValue>([
        ['stdout', ''],
        ['stderr', ''],
        ['return-value', BigInt(outcome.code)],
      ]),
      environment: new Map(),
    }
    return { status: 'ran', how: 'emulated', link }
  }

  private notRun(reason: string): InspectionResult {
    return { status: 'not-run', reason: this.hint ? `${reason}; ${this.hint}` : reason }
  }

  private apply(command: EmulatedCommand): Outcome {
    if (command.program === 'exit') return { code: command.code }
    const name = normpath(command.file)
    if (name.startsWith('/') || name.startsWith('..')) return { notRun: `'${command.file}' is outside the working directory` }
    const bytes = this.files.get(name)
    if (bytes === undefined) return { notRun: `add ${name} to the product files to check it here (it is not among them)` }
    const format = detectArchive(bytes)
    // GNU tar and Info-ZIP exit with 2 and 9 on an archive they cannot read.
    const unreadable = command.program === 'tar' ? 2 : 9
    const compression = otherCompression(bytes)
    if (command.program === 'tar' && format === undefined && compression !== undefined) {
      return { notRun: `'${name}' is ${compression}-compressed, which GNU tar reads and the emulation does not` }
    }
    if (command.program === 'tar' && (format === 'zip' || format === undefined || (command.gzip && format !== 'gzip'))) return { code: unreadable }
    if (command.program === 'unzip' && format !== 'zip') return { code: unreadable }
    let unpacked: Unpacked
    try {
      unpacked = unpackArchive(bytes, name, format as 'zip' | 'tar' | 'gzip', new Budget(this.limits), { special: 'refuse' })
    } catch (error) {
      if (!(error instanceof BundleError)) throw error
      if (error.code === 'corrupt-archive') return { code: unreadable }
      return { notRun: `emulating it was refused: ${error.message}` }
    }
    if (unpacked.format === 'gz') return { code: unreadable }
    return this.extract(unpacked, command)
  }

  /** Writes the members into the working directory, or explains why that would not match the real tool. */
  private extract(unpacked: Unpacked, command: Extract<EmulatedCommand, { file: string }>): Outcome {
    const writes = new Map<string, Uint8Array>()
    const directories = new Set(unpacked.directories)
    for (const existing of this.files.keys()) for (const parent of parentDirectories(existing)) directories.add(parent)
    for (const file of unpacked.files) {
      if (command.program === 'unzip' && !command.overwrite && this.files.has(file.path)) {
        return { notRun: `unzip would ask whether to replace '${file.path}', which already exists` }
      }
      if (directories.has(file.path)) return { notRun: `the archive's file '${file.path}' would replace a directory` }
      for (const parent of parentDirectories(file.path)) {
        if (this.files.has(parent) || writes.has(parent)) return { notRun: `the archive puts '${file.path}' under '${parent}', which is a file` }
        directories.add(parent)
      }
      writes.set(file.path, file.data)
    }
    for (const [path, data] of writes) this.files.set(path, data)
    return { code: 0 }
  }
}

/** Compressions GNU tar detects and reads that the emulation does not (by their magic numbers). */
function otherCompression(bytes: Uint8Array): string | undefined {
  const starts = (...magic: number[]) => magic.every((byte, i) => bytes[i] === byte)
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2'
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz'
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd'
  if (starts(0x4c, 0x5a, 0x49, 0x50)) return 'lzip'
  if (starts(0x5d, 0x00, 0x00)) return 'lzma'
  if (starts(0x1f, 0x9d)) return 'compress (.Z)'
  return undefined
}

/** Tries each runner in turn; the first that runs the inspection wins, otherwise the first reason. */
export function firstRunner(runners: readonly InspectionRunner[]): InspectionRunner {
  return {
    async run(inspection, signal) {
      let first: InspectionResult | undefined
      for (const runner of runners) {
        const result = await runner.run(inspection, signal)
        if (result.status !== 'not-run') return result
        first ??= result
      }
      return first ?? { status: 'not-run', reason: `inspection '${inspection.name}' was not run` }
    },
  }
}
