/**
 * `layout-studio match-products`: check local files against the products of a link, like
 * in-toto 2.x `in-toto-match-products` (`in_toto/in_toto_match_products.py`): the same
 * options, the same lines on stdout with `-v` (and nothing without), exit 0 when the files
 * match the products, 1 when they do not, 2 on usage errors.
 *
 * The link's signature is not checked (the reference does not either). Deliberate
 * differences (docs/compatibility.md): DSSE links are read (the reference crashes on them),
 * a file that is not a link is a one-line error (exit 1, where the reference prints a
 * traceback), an unreadable one a usage error (exit 2) as for every command here, and the
 * names are listed sorted, not in Python's set order.
 */
import type { Command } from 'commander'
import { CoreError } from '../../core/errors.ts'
import { matchProducts, isMatch, type MatchResult } from '../../core/match/match-products.ts'
import { readDocumentFile } from '../documents.ts'
import { DiskRecordingFs } from '../disk-recording.ts'
import { hashingProgress } from '../record-progress.ts'

interface MatchProductsFlags {
  link: string
  paths?: string[]
  exclude?: string[]
  lstripPaths?: string[]
  verbose?: boolean
}

const HELP = `
Exit status: 0 when the local artifacts match the link's products, 1 when they do not (or the
file is not valid link metadata), 2 on usage errors (an unreadable link file too). With -v,
what differs is listed:
  Only in products: NAME    (in the link, not among the local artifacts)
  Not in products: NAME     (a local artifact the link does not list)
  Hashes differ: NAME

Examples:
  layout-studio match-products -l package.776a00e2.link -p foo.tar.gz -v
  layout-studio match-products -l build.link -p dist --lstrip-paths dist/ -e '*.sig'`

export function registerMatchProducts(program: Command): void {
  program
    .command('match-products')
    .description("check if local artifacts match the products of a link (like in-toto-match-products); the link's signature is not checked")
    .requiredOption('-l, --link <path>', 'path to link metadata file')
    .option('-p, --paths <paths...>', 'file or directory paths to local artifacts (default: the working directory)')
    .option('-e, --exclude <patterns...>', "gitignore-style patterns to exclude artifacts from matching (replace the defaults '*.link*' '.git' '*.pyc' '*~')")
    .option('--lstrip-paths <prefixes...>', 'path prefixes to left-strip from artifact paths before matching; no prefix may be a left substring of another')
    .option('-v, --verbose', 'list what differs')
    .addHelpText('after', HELP)
    .action(async (flags: MatchProductsFlags) => {
      process.exitCode = await matchProductsCommand(flags)
    })
}

async function matchProductsCommand(flags: MatchProductsFlags): Promise<number> {
  const loaded = await readDocumentFile(flags.link, 'link')
  const content = loaded.envelope.content
  if (content.type !== 'link') throw new CoreError('format', 'holds a layout, not link metadata', { file: flags.link })
  const progress = hashingProgress('local artifacts')
  let result: MatchResult
  try {
    result = await matchProducts(content.link.products, new DiskRecordingFs(), {
      paths: flags.paths,
      excludePatterns: flags.exclude,
      lstripPaths: flags.lstripPaths,
      onFile: progress.onFile,
    })
  } finally {
    progress.done()
  }
  if (isMatch(result)) {
    if (flags.verbose) process.stdout.write('Local artifacts match products in passed link.\n')
    return 0
  }
  if (flags.verbose) process.stdout.write(formatMismatch(result))
  return 1
}

/** The lines in-toto-match-products prints with `-v` when something differs. */
export function formatMismatch(result: Pick<MatchResult, 'onlyInProducts' | 'notInProducts' | 'differ'>): string {
  const lines = ["Local artifacts don't match products in passed link."]
  for (const name of result.onlyInProducts) lines.push(`Only in products: ${name}`)
  for (const name of result.notInProducts) lines.push(`Not in products: ${name}`)
  for (const name of result.differ) lines.push(`Hashes differ: ${name}`)
  return `${lines.join('\n')}\n`
}
