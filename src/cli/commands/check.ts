/**
 * `layout-studio check`: validate a layout as the reference loads it and lint it (the
 * findings the editor shows), each with its JSON path in the file. Exit 0 when there are no
 * errors (warnings allowed), 1 when there are, 2 on usage errors.
 */
import type { Command } from 'commander'
import { CoreError, ValidationError } from '../../core/errors.ts'
import { lintLayout, type LintFinding } from '../../core/lint/lint.ts'
import { filePath, parseDocument } from '../documents.ts'
import { readInputFile } from '../key-files.ts'
import { UsageError } from '../usage.ts'

interface CheckFlags {
  format: string
  quiet?: boolean
}

/** A finding as printed: lint findings plus problems found while reading the file. */
export interface CheckFinding {
  readonly severity: 'error' | 'warning'
  /** A lint code, `invalid` (the reference would refuse the file), `ignored-member` or `unreadable`. */
  readonly code: string
  /** JSON path in the file (`signed.steps[0].pubkeys`), `''` for the file itself. */
  readonly path: string
  readonly message: string
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate and lint a layout; print each finding with its JSON path')
    .argument('<layout>', 'the layout file (signed, DSSE, or a bare layout document)')
    .option('--format <format>', 'output: text or json', 'text')
    .option('-q, --quiet', 'print only errors')
    .action(async (file: string, flags: CheckFlags) => {
      process.exitCode = await checkCommand(file, flags)
    })
}

async function checkCommand(file: string, flags: CheckFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`)
  let findings: CheckFinding[]
  try {
    findings = checkLayoutBytes(await readInputFile(file, 'layout'), file)
  } catch (error) {
    // With --format json, a file that cannot be read is a finding too (a script reads stdout).
    if (flags.format !== 'json' || !(error instanceof UsageError)) throw error
    const finding: CheckFinding = { severity: 'error', code: 'unreadable', path: '', message: error.message }
    process.stdout.write(`${JSON.stringify({ file, errors: 1, warnings: 0, findings: [finding] }, null, 2)}\n`)
    return 2
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length
  const warnings = findings.length - errors
  if (flags.format === 'json') {
    process.stdout.write(`${JSON.stringify({ file, errors, warnings, findings }, null, 2)}\n`)
  } else {
    for (const finding of findings) {
      if (flags.quiet && finding.severity !== 'error') continue
      process.stdout.write(`${file}: ${finding.path || '(file)'}: ${finding.severity} [${finding.code}]: ${finding.message}\n`)
    }
    if (!flags.quiet) process.stdout.write(`${file}: ${errors} error(s), ${warnings} warning(s)\n`)
  }
  return errors > 0 ? 1 : 0
}

export function checkLayoutBytes(bytes: Uint8Array, file: string): CheckFinding[] {
  let loaded
  try {
    loaded = parseDocument(bytes, file)
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => ({ severity: 'error', code: 'invalid', path: issue.path, message: issue.message }))
    if (error instanceof CoreError) return [{ severity: 'error', code: 'invalid', path: error.path ?? '', message: error.detail }]
    throw error
  }
  const content = loaded.envelope.content
  if (content.type !== 'layout') {
    return [{ severity: 'error', code: 'invalid', path: filePath(loaded, '_type'), message: 'this is a link, not a layout' }]
  }
  const ignored: CheckFinding[] = loaded.ignored.map((path) => ({
    severity: 'warning',
    code: 'ignored-member',
    path,
    message: 'unknown member: the reference drops it, so it is not covered by the signature',
  }))
  const lint = lintLayout(content.layout).map(
    (finding: LintFinding): CheckFinding => ({
      severity: finding.severity,
      code: finding.code,
      path: filePath(loaded, finding.path),
      message: finding.message,
    }),
  )
  return [...lint, ...ignored]
}
