/**
 * The run sheet: for every functionary and every step they may sign, the exact commands that record the
 * step's link, and the name the link file will have (`STEP.KEYID8.link`, what the verifier looks for).
 * Copied literally, the commands must produce links that verify, so they follow three rules:
 *
 * - Private keys live outside the recorded tree (`$HOME/.in-toto/keys`), and links are written outside it
 *   (`-d $HOME/.in-toto/links`): with `-m .`/`-p .` in-toto-run records every file under the working
 *   directory (less its default excludes `*.link*`, `.git`, `*.pyc`, `*~`, in_toto/settings.py), so a key
 *   file beside the sources would become an artifact, and differ between the functionaries of one step.
 * - Material and product paths come from the step's rules: the literal paths the rules name, or `.` as soon
 *   as a rule uses a pattern (in-toto-run takes paths, not patterns).
 * - Every functionary of a threshold step starts from the same files (the products of the steps its
 *   materials come from), each in a fresh copy, so that their links agree (verifylib.verify_threshold_constraints).
 *
 * Tools: in-toto 1.x (`-k` with `-t`: RSA as PEM, ed25519/ecdsa as the securesystemslib JSON file
 * in-toto-keygen wrote), Python in-toto 2.2+ and 3.x (`--signing-key`, a PKCS#8 PEM of any key type),
 * GPG functionaries (`--gpg FINGERPRINT`, the same in both), and `layout-studio run`. `-P` makes the tools
 * prompt for the key's password (an empty answer means "not encrypted"); our exports are encrypted by default.
 */
import { linkFileName } from '../../core/model/names.ts'
import type { Layout, LayoutKey, RuleSource, Step } from '../../core/model/types.ts'
import { hasMagic } from '../../core/rules/fnmatch.ts'
import { parseRule } from '../../core/rules/parse.ts'
import { keyFileNames } from './export-files.ts'

/** Which Python in-toto the functionaries run: their command-line syntax and the keyids their tools compute. */
export type InTotoGeneration = 'in-toto-1' | 'in-toto-2'

export const GENERATION_LABELS: Readonly<Record<InTotoGeneration, string>> = {
  'in-toto-1': 'in-toto 1.x',
  'in-toto-2': 'in-toto 2.2+ / 3.x',
}

export interface RunSheetOptions {
  readonly generation: InTotoGeneration
  /**
   * The keyid the functionaries' tool gives a layout key (link file names carry its first 8 hex digits).
   * Defaults to the layout's own keyid.
   */
  readonly keyidOf?: (key: LayoutKey, layoutKeyid: string, generation: InTotoGeneration) => string
}

/** Where the run sheet keeps private keys and links: outside any project tree, so never recorded. */
export const KEY_DIRECTORY = '"$HOME/.in-toto/keys"'
export const LINK_DIRECTORY = '"$HOME/.in-toto/links"'
const inKeyDirectory = (file: string) => `"$HOME/.in-toto/keys/${file}"`

export interface RunCommand {
  readonly tool: string
  readonly command: string
}

export interface RunSheetStep {
  readonly step: string
  readonly linkFile: string
  /** Links this step needs, and how many functionaries may sign it. */
  readonly threshold: number
  readonly authorized: number
  /** Where the functionary runs the command, in words. */
  readonly workingDirectory: string
  readonly commands: readonly RunCommand[]
  /**
   * The keyid the functionaries' tool signs with, when the layout lists the key under another one (the other
   * generation's): the verifier will not count such a link for this step.
   */
  readonly unlistedKeyid?: string
}

export interface FunctionarySheet {
  readonly keyid: string
  readonly name: string
  readonly keytype: string
  readonly gpg: boolean
  /** The private key file the commands read (absent for GPG keys, which stay in the GnuPG keyring). */
  readonly keyFile: string | undefined
  /** Once per functionary: a key directory outside every project, the key moved into it. */
  readonly setup: readonly string[]
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

/** Steps whose products a side's MATCH rules read, in rule order. */
export function matchSources(rules: readonly RuleSource[]): string[] {
  const sources: string[] = []
  for (const source of rules) {
    try {
      const rule = parseRule(source)
      if (rule.type === 'MATCH' && !sources.includes(rule.destinationStep)) sources.push(rule.destinationStep)
    } catch {
      // An unparsable rule is lint's business; it names no source.
    }
  }
  return sources
}

function commandWords(step: Step): string[] | undefined {
  if (step.expectedCommand.length === 0 || !step.expectedCommand.every((word): word is string => typeof word === 'string')) return undefined
  return step.expectedCommand as string[]
}

/** `-n STEP [-m …] [-p …] -d LINKS (-- CMD | -x)`, shared by every tool. */
function stepArguments(step: Step): string {
  const words = ['-n', shellQuote(step.name)]
  const materials = recordPaths(step.expectedMaterials)
  const products = recordPaths(step.expectedProducts)
  if (materials.length > 0) words.push('-m', ...materials.map(shellQuote))
  if (products.length > 0) words.push('-p', ...products.map(shellQuote))
  words.push('-d', LINK_DIRECTORY)
  const command = commandWords(step)
  words.push(...(command ? ['--', ...command.map(shellQuote)] : ['-x']))
  return words.join(' ')
}

function workingDirectory(step: Step): string {
  const sources = matchSources(step.expectedMaterials)
  const from = sources.length > 0 ? `the products of ${sources.join(' and ')}` : 'the project’s sources (e.g. a fresh checkout)'
  const threshold = Number(step.threshold)
  return threshold > 1
    ? `Each of the ${threshold} functionaries runs this in their own fresh copy of the same files: ${from}. Their links must report the same materials and products.`
    : `Run it in a directory holding ${from}.`
}

/** The private key file a generation's `in-toto-run` reads for this key type (as the Keys panel exports it). */
function signingKeyFile(key: LayoutKey, stem: string, generation: InTotoGeneration): string {
  const files = keyFileNames(stem)
  if (generation === 'in-toto-2' || key.keytype === 'rsa') return files.privatePem
  return files.privateSslib
}

function legacyKeyType(keytype: string): 'rsa' | 'ed25519' | 'ecdsa' {
  return keytype === 'rsa' ? 'rsa' : keytype === 'ed25519' ? 'ed25519' : 'ecdsa'
}

export function runSheet(layout: Layout, keyNames: ReadonlyMap<string, string>, options: RunSheetOptions): FunctionarySheet[] {
  const { generation } = options
  const keyidOf = options.keyidOf ?? ((_key: LayoutKey, keyid: string) => keyid)
  return [...layout.keys].map(([keyid, key]): FunctionarySheet => {
    const name = keyNames.get(keyid) ?? `functionary ${keyid.slice(0, 8)}`
    const gpg = key.gpg === true
    const stem = keyNames.get(keyid) ?? keyid.slice(0, 8)
    const keyFile = gpg ? undefined : signingKeyFile(key, stem, generation)
    const signingKeyid = keyidOf(key, keyid, generation)
    const steps = layout.steps
      .filter((step) => step.pubkeys.includes(keyid))
      .map((step): RunSheetStep => {
        const args = stepArguments(step)
        const commands: RunCommand[] = []
        if (gpg) {
          commands.push({ tool: GENERATION_LABELS[generation], command: `in-toto-run --gpg ${keyid.toUpperCase()} ${args}` })
        } else if (generation === 'in-toto-2') {
          commands.push({ tool: GENERATION_LABELS[generation], command: `in-toto-run --signing-key ${inKeyDirectory(keyFile!)} -P ${args}` })
        } else {
          commands.push({ tool: GENERATION_LABELS[generation], command: `in-toto-run -k ${inKeyDirectory(keyFile!)} -t ${legacyKeyType(key.keytype)} -P ${args}` })
        }
        // layout-studio run signs with key files only (no GnuPG).
        if (!gpg) commands.push({ tool: 'Layout Studio', command: `layout-studio run -k ${inKeyDirectory(keyFileNames(stem).privatePem)} -P ${args}` })
        return {
          ...(signingKeyid !== keyid ? { unlistedKeyid: signingKeyid } : {}),
          step: step.name,
          linkFile: linkFileName(step.name, signingKeyid),
          threshold: Number(step.threshold),
          authorized: step.pubkeys.length,
          workingDirectory: workingDirectory(step),
          commands,
        }
      })
    const setup = gpg
      ? [`mkdir -p ${LINK_DIRECTORY}`, `gpg --list-secret-keys ${keyid.toUpperCase()}`]
      : [`mkdir -p ${KEY_DIRECTORY} ${LINK_DIRECTORY}`, `mv ${shellQuote(keyFile!)} ${KEY_DIRECTORY}/`]
    return { keyid, name, keytype: key.keytype, gpg, keyFile, setup, steps }
  })
}

export interface OwnerKeyFile {
  /** The display name the owner key was exported under. */
  readonly name: string
  readonly keytype: string
}

/**
 * The command that verifies the chain in a directory holding the layout, the owner's public keys, the
 * product files and the links (`--link-dir` when they are in their own folder).
 */
export function verifyCommand(layoutFile: string, owners: readonly OwnerKeyFile[], tool: InTotoGeneration | 'layout-studio', linkDir = '.'): string {
  const files = owners.map((owner) => keyFileNames(owner.name))
  const links = linkDir === '.' ? '' : ` --link-dir ${shellQuote(linkDir)}`
  if (tool === 'in-toto-1') {
    const keys = owners.map((owner, index) => (owner.keytype === 'rsa' ? files[index]!.publicPem : files[index]!.publicSslib))
    return `in-toto-verify -l ${shellQuote(layoutFile)} -k ${keys.map(shellQuote).join(' ')} -t ${owners.map((owner) => legacyKeyType(owner.keytype)).join(' ')}${links}`
  }
  const command = tool === 'in-toto-2' ? 'in-toto-verify' : 'layout-studio verify'
  return `${command} -l ${shellQuote(layoutFile)} --verification-keys ${files.map((file) => shellQuote(file.publicPem)).join(' ')}${links}`
}

/** The names a verifier's working directory holds besides products: what inspections see when they record `.`. */
export function verifierDirectoryFiles(layoutFile: string, owners: readonly OwnerKeyFile[]): string[] {
  return [layoutFile, ...owners.flatMap((owner) => [keyFileNames(owner.name).publicPem, ...(owner.keytype === 'rsa' ? [] : [keyFileNames(owner.name).publicSslib])])]
}

/** The generation of in-toto whose keyids the layout's key files carry (in-toto 1.x when unknown or mixed). */
export function generationOfLayoutKeys(generations: readonly ('1.x' | '2.x' | undefined)[]): InTotoGeneration {
  return generations.length > 0 && generations.every((generation) => generation === '2.x') ? 'in-toto-2' : 'in-toto-1'
}
