/**
 * in-toto 1.3.1's user settings (`in_toto/user_settings.py`), which `in-toto-run` and
 * `in-toto-record` apply before recording: `IN_TOTO_<SETTING>` environment variables,
 * overridden by rcfiles (later files in {@link RC_PATHS} win). Values containing ':' are
 * lists. Only three settings exist; command line options override them.
 *
 * One deliberate difference: a single exclude pattern without ':' is taken as a list of one
 * (the reference keeps it as a string and then fails with a FormatError).
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { FileReadError, readRegularFileSync } from './safe-read.ts'
import { UsageError } from './usage.ts'

export interface InTotoSettings {
  /** `ARTIFACT_EXCLUDE_PATTERNS` (default: in-toto's `*.link*`, `.git`, `*.pyc`, `*~`). */
  readonly excludePatterns?: readonly string[]
  /** `ARTIFACT_BASE_PATH`: the directory artifacts are recorded relative to. */
  readonly basePath?: string
  /** `LINK_CMD_EXEC_TIMEOUT`, in seconds (default 10). */
  readonly timeoutSeconds?: number
}

export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 10

/** `user_settings.RC_PATHS`, in increasing precedence. */
export function rcPaths(home: string = homedir()): string[] {
  return [
    join('/etc', 'in_toto', 'config'),
    join('/etc', 'in_totorc'),
    join(home, '.config', 'in_toto', 'config'),
    join(home, '.config', 'in_toto'),
    join(home, '.in_toto', 'config'),
    join(home, '.in_totorc'),
    '.in_totorc',
  ]
}

export function readSettings(env: NodeJS.ProcessEnv = process.env, files: readonly string[] = rcPaths()): InTotoSettings {
  const raw = new Map<string, { value: string; from: string }>()
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('IN_TOTO_') && name.length > 'IN_TOTO_'.length && value !== undefined) raw.set(name.slice(8), { value, from: `environment variable ${name}` })
  }
  for (const file of files) {
    const text = readRcFile(file)
    if (text === undefined) continue
    for (const [name, value] of parseRc(text, file)) raw.set(name, { value, from: `'${file}'` })
  }
  // set_settings: empty values leave the default in place.
  const get = (name: string) => {
    const entry = raw.get(name)
    return entry && entry.value !== '' ? entry : undefined
  }
  const patterns = get('ARTIFACT_EXCLUDE_PATTERNS')
  const basePath = get('ARTIFACT_BASE_PATH')
  const timeout = get('LINK_CMD_EXEC_TIMEOUT')
  let timeoutSeconds: number | undefined
  if (timeout) {
    timeoutSeconds = Number(timeout.value.trim())
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
      throw new UsageError(`LINK_CMD_EXEC_TIMEOUT from ${timeout.from} must be a positive number of seconds, not '${timeout.value}'`)
  }
  if (basePath && basePath.value.includes(':')) throw new UsageError(`ARTIFACT_BASE_PATH from ${basePath.from} holds a ':', which in-toto reads as a list: '${basePath.value}'`)
  return { excludePatterns: patterns?.value.split(':'), basePath: basePath?.value, timeoutSeconds }
}

/** An rcfile is a few lines; anything near this is not one. */
export const MAX_RC_FILE_BYTES = 1024 * 1024

/**
 * An rcfile's text, or `undefined` when there is none: `configparser.read` skips files it
 * cannot open. What it would block on (a FIFO) or read without end (a device), a file over
 * {@link MAX_RC_FILE_BYTES}, and text that is not UTF-8 (Python stops with
 * `UnicodeDecodeError`) are refused, naming the file.
 */
function readRcFile(file: string): string | undefined {
  let bytes: Uint8Array
  try {
    bytes = readRegularFileSync(file, { maxBytes: MAX_RC_FILE_BYTES, what: 'an in-toto settings file' })
  } catch (error) {
    if (error instanceof FileReadError && (error.failure === 'missing' || error.failure === 'unreadable' || error.reason.startsWith('it is a directory'))) return undefined
    throw new UsageError(`cannot read the in-toto settings file '${file}': ${error instanceof FileReadError ? error.reason : String(error)}`)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new UsageError(`cannot read the in-toto settings file '${file}': it is not valid UTF-8`)
  }
}

/**
 * The options of an rcfile, as Python's `ConfigParser` (case kept) reads them: `[section]`
 * headers (names ignored), `key = value` or `key: value`, full-line `#`/`;` comments, indented
 * continuation lines.
 */
export function parseRc(text: string, file: string): Map<string, string> {
  const options = new Map<string, string>()
  let inSection = false
  let current: string | undefined
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      current = undefined
      continue
    }
    if (/^\s/.test(line) && current !== undefined) {
      options.set(current, `${options.get(current)}\n${trimmed}`)
      continue
    }
    if (/^\[[^\]]+\]/.test(trimmed)) {
      inSection = true
      current = undefined
      continue
    }
    const match = /^(.*?)\s*[=:]\s*(.*)$/.exec(trimmed)
    if (!inSection || !match || match[1] === '') throw new UsageError(`${file}: line ${index + 1}: ${inSection ? 'expected "NAME = VALUE"' : 'expected a [section] header first'}`)
    current = match[1] as string
    options.set(current, match[2] as string)
  }
  return options
}
