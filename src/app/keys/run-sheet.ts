/**
 * The run sheet: for every functionary and every step they may sign, the exact commands that
 * record the step's link, and the file name the link will have (`STEP.KEYID8.link`, which is
 * what the verifier looks for).
 *
 * Three tools are covered: in-toto 2.x (`--signing-key`, a PKCS#8 PEM of any key type), in-toto
 * 1.x (`-k` with `-t`: RSA as PEM, ed25519/ecdsa as securesystemslib JSON, the file
 * `in-toto-keygen` wrote), and `layout-studio run`. `-P` makes the in-toto tools prompt for the
 * key's password (an empty answer means "not encrypted"), so the commands work whether or not
 * the key file is encrypted, and our exports are encrypted by default.
 *
 * `-m`/`-p` are derived from the step's rules: the literal paths the rules name, or `.` (the
 * whole working directory) as soon as a rule uses a pattern, since in-toto-run takes paths, not
 * patterns. A step without rules for one side records nothing there.
 */
import { linkFileName } from '../../core/model/names.ts'
import type { Layout, RuleSource, Step } from '../../core/model/types.ts'
import { hasMagic } from '../../core/rules/fnmatch.ts'
import { parseRule } from '../../core/rules/parse.ts'
import { keyFileNames } from './export-files.ts'

export interface RunCommand {
  readonly tool: string
  readonly command: string
}

export interface RunSheetStep {
  readonly step: string
  readonly linkFile: string
  readonly commands: readonly RunCommand[]
}

export interface FunctionarySheet {
  readonly keyid: string
  readonly name: string
  readonly keytype: string
  readonly steps: readonly RunSheetStep[]
}

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}

/** The paths `in-toto-run -m`/`-p` should record for a side with these rules; `[]` records nothing. */
export function recordPaths(rules: readonly RuleSource[]): string[] {
  const paths: string[] = []
  for (const source of rules) {
    let rule
    try {
      rule = parseRule(source)
    } catch {
      return ['.']
    }
    if (rule.type === 'DISALLOW') continue
    const prefix = rule.type === 'MATCH' ? rule.sourcePrefix.replace(/\/+$/, '') : ''
    const path = prefix ? `${prefix}/${rule.pattern}` : rule.pattern
    if (rule.pattern === '' || (rule.type !== 'REQUIRE' && hasMagic(rule.pattern))) return ['.']
    if (!paths.includes(path)) paths.push(path)
  }
  return paths
}

function commandWords(step: Step): string[] | undefined {
  if (step.expectedCommand.length === 0 || !step.expectedCommand.every((word): word is string => typeof word === 'string')) return undefined
  return step.expectedCommand as string[]
}

/** The arguments shared by every tool: `-n STEP [-m …] [-p …] (-- CMD | -x)`. */
function stepArguments(step: Step): string {
  const words = ['-n', shellQuote(step.name)]
  const materials = recordPaths(step.expectedMaterials)
  const products = recordPaths(step.expectedProducts)
  if (materials.length > 0) words.push('-m', ...materials.map(shellQuote))
  if (products.length > 0) words.push('-p', ...products.map(shellQuote))
  const command = commandWords(step)
  words.push(...(command ? ['--', ...command.map(shellQuote)] : ['-x']))
  return words.join(' ')
}

export function runSheet(layout: Layout, keyNames: ReadonlyMap<string, string>): FunctionarySheet[] {
  return [...layout.keys].map(([keyid, key]) => {
    const name = keyNames.get(keyid) ?? `functionary ${keyid.slice(0, 8)}`
    const files = keyFileNames(keyNames.get(keyid) ?? keyid.slice(0, 8))
    const legacyType = key.keytype === 'rsa' ? 'rsa' : key.keytype === 'ed25519' ? 'ed25519' : 'ecdsa'
    const legacyKey = legacyType === 'rsa' ? files.privatePem : files.privateSslib
    const steps = layout.steps
      .filter((step) => step.pubkeys.includes(keyid))
      .map((step): RunSheetStep => {
        const args = stepArguments(step)
        return {
          step: step.name,
          linkFile: linkFileName(step.name, keyid),
          commands: [
            { tool: 'in-toto 2.x', command: `in-toto-run --signing-key ${shellQuote(files.privatePem)} -P ${args}` },
            { tool: 'in-toto 1.x', command: `in-toto-run -k ${shellQuote(legacyKey)} -t ${legacyType} -P ${args}` },
            { tool: 'Layout Studio', command: `layout-studio run -k ${shellQuote(files.privatePem)} ${args}` },
          ],
        }
      })
    return { keyid, name, keytype: key.keytype, steps }
  })
}
