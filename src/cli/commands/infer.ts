/**
 * `layout-studio infer LINK... [--key PUBKEY ...] [-o FILE]`: propose a layout from the links
 * of a good run (core/infer) and write it unsigned, as `layout-studio sign` and `in-toto-sign`
 * read it. Notes (unknown signers, links that disagree, files changed between steps) go to
 * stderr; `-v` also prints every proposed rule with the link artifacts it rests on.
 *
 * Exit codes: 0 a layout was written, 1 a link or key file is not valid, 2 usage (a missing
 * file included, as for the other commands).
 */
import { writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { functionaryKeyFromFile } from '../../core/editor/functionary.ts'
import { exportLayoutText } from '../../core/editor/files.ts'
import { expiresInOneYear } from '../../core/editor/templates.ts'
import { isOpenPgpKey } from '../../core/keys/types.ts'
import { inferLayout } from '../../core/infer/infer.ts'
import { describeInference } from '../../core/infer/describe.ts'
import type { KnownKey, LinkEvidence } from '../../core/infer/types.ts'
import { expiresProblem } from '../../core/model/schema.ts'
import { readDocumentFile } from '../documents.ts'
import { loadPublicKeyFile, MAX_KEY_FILE_BYTES, readInputFile } from '../key-files.ts'
import { UsageError } from '../usage.ts'

interface InferFlags {
  key?: string[]
  output?: string
  expires?: string
  inspection: boolean
  verbose?: boolean
}

const HELP = `
Steps come in artifact-flow order (a step whose materials another step produced comes after
it), one per link name; functionaries are the links' signers, the threshold is how many of them
recorded the same artifacts. Give each signer's public key with --key (PEM, securesystemslib
JSON or an exported OpenPGP key; under either keyid generation); a signer without one keeps its keyid in the step, and the key must be added before
signing. Links may be metablocks (in-toto-run, layout-studio run, in-toto-mock) or DSSE.

Then sign the layout: layout-studio sign -f layout.json -k owner -o root.layout`

export function registerInfer(program: Command): void {
  program
    .command('infer')
    .description('propose a layout (steps, functionaries, artifact rules) from the links of a good run')
    .argument('<links...>', 'link files recorded by the run')
    .option('-k, --key <paths...>', "the signers' public keys")
    .option('-o, --output <path>', 'where to write the layout (default: standard output)')
    .option('--expires <date>', 'expiry of the layout, YYYY-MM-DDTHH:MM:SSZ (default: in one year)')
    .option('--no-inspection', 'do not propose an inspection that unpacks a final archive')
    .option('-v, --verbose', 'print each proposed rule with the link artifacts it rests on')
    .addHelpText('after', HELP)
    .action(async (links: string[], flags: InferFlags) => {
      process.exitCode = await inferCommand(links, flags)
    })
}

async function inferCommand(files: readonly string[], flags: InferFlags): Promise<number> {
  if (flags.expires !== undefined) {
    const problem = expiresProblem(flags.expires)
    if (problem !== undefined) throw new UsageError(`--expires: ${problem}`)
  }
  const keys: KnownKey[] = []
  for (const file of flags.key ?? []) {
    const key = await loadPublicKeyFile(file, undefined)
    if (isOpenPgpKey(key)) {
      keys.push({ publicKey: key, name: basename(file).replace(/\.(asc|gpg|pub)$/i, '') })
      continue
    }
    // The key object exactly as the reference's importers write it for this file.
    const functionary = functionaryKeyFromFile(new TextDecoder().decode(await readInputFile(file, 'key file', MAX_KEY_FILE_BYTES)), file)
    keys.push({ publicKey: key, json: functionary.json, name: functionary.suggestedName })
  }
  const links: LinkEvidence[] = []
  for (const file of files) links.push({ file, envelope: (await readDocumentFile(file, 'link')).envelope })
  const inference = await inferLayout({ links, keys, expires: flags.expires ?? expiresInOneYear(new Date()), inspection: flags.inspection })
  for (const note of inference.notes)
    process.stderr.write(`layout-studio: ${note.severity === 'warning' ? 'warning' : 'note'}: ${note.file ? `${note.file}: ` : ''}${note.message}\n`)
  if (flags.verbose) process.stderr.write(describeInference(inference))
  const text = exportLayoutText(inference.layout)
  if (flags.output === undefined) process.stdout.write(`${text}\n`)
  else await writeFile(flags.output, text)
  return 0
}
