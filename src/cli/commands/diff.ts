/**
 * `layout-studio diff OLD NEW [--format text|json]`: what changed between two layouts, in
 * sentences a reviewer reads (core/diff), with the note that a change invalidates signatures.
 *
 * Exit codes: 0 equal in substance (the signed bytes are the same; envelopes, signatures and
 * formatting may differ), 1 they differ, 2 usage — an unreadable or invalid file included, so
 * that 1 always means "they differ".
 */
import type { Command } from 'commander'
import { diffLayouts } from '../../core/diff/layout-diff.ts'
import { diffReport, diffText } from '../../core/diff/report.ts'
import { CoreError } from '../../core/errors.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import type { Layout } from '../../core/model/types.ts'
import { readDocumentFile } from '../documents.ts'
import { UsageError } from '../usage.ts'

interface DiffFlags {
  format: string
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two layouts: steps, rules, keys, thresholds, commands, expiry and readme, in words')
    .argument('<old>', 'the layout before (signed, DSSE, or a bare layout document)')
    .argument('<new>', 'the layout after')
    .option('--format <format>', 'output: text or json', 'text')
    .addHelpText('after', '\nExit codes: 0 equal in substance (the signed bytes are the same), 1 they differ, 2 usage or an unreadable file.')
    .action(async (oldFile: string, newFile: string, flags: DiffFlags) => {
      process.exitCode = await diffCommand(oldFile, newFile, flags)
    })
}

async function readLayout(file: string, what: string): Promise<{ layout: Layout; envelope: Envelope }> {
  let envelope: Envelope
  try {
    envelope = (await readDocumentFile(file, what)).envelope
  } catch (error) {
    if (error instanceof CoreError) throw new UsageError(error.message)
    throw error
  }
  if (envelope.content.type !== 'layout') throw new UsageError(`${file}: this is a link, not a layout`)
  return { layout: envelope.content.layout, envelope }
}

async function diffCommand(oldFile: string, newFile: string, flags: DiffFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`)
  const before = await readLayout(oldFile, 'old layout')
  const after = await readLayout(newFile, 'new layout')
  const report = diffReport(diffLayouts(before.layout, after.layout), {
    old: oldFile,
    new: newFile,
    oldSignatures: before.envelope.signatures.length,
    newSignatures: after.envelope.signatures.length,
  })
  process.stdout.write(flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : diffText(report))
  return report.equal ? 0 : 1
}
