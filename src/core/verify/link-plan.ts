/**
 * Which link files the verifier reads for a step, and which key must have signed each:
 * in-toto 1.3.1 `verifylib.load_links_for_layout` (a file `STEP.KEYID8.link` per keyid the
 * step authorizes, subkeys included, in `pubkeys` order) and the authorization walk of
 * `verifylib.verify_link_signature_thresholds`.
 */
import type { VerificationKey } from '../keys/types.ts'
import { linkFileName, sublayoutLinkDirName } from '../model/names.ts'
import type { Layout, LayoutKey, Step } from '../model/types.ts'
import type { KnownCertificates } from '../openpgp/verify-signature.ts'
import { joinPosix } from '../record/posix-path.ts'
import { type ErrorInfo, toErrorInfo } from '../errors.ts'
import type { LinkRequest } from '../links/index.ts'
import { toVerificationKey } from './verification-key.ts'

/** What may sign a candidate: the key, or why the layout's key for it cannot verify anything. */
export type Authorization = { readonly key: VerificationKey } | { readonly error: ErrorInfo }

/** One link file the verifier looks for on behalf of a step. */
export interface Candidate {
  /** The keyid the file name was built from (a pubkeys entry or one of its subkeys). */
  readonly id: string
  readonly path: string
  /** Index of the decode request that reads it (a path several candidates share is read once). */
  readonly request: number
  /** The key that must have signed it; absent when the id is not authorized for the step. */
  readonly authorization?: Authorization
  /** Whether a key of the layout may sign it for this step (early-rules.ts guesses with it). */
  readonly authorized: boolean
}

/** The decode requests of one layout level, built step by step. */
export class LinkRequests {
  readonly list: LinkRequest[] = []
  private readonly indexOf = new Map<string, number>()
  private readonly context: RequestContext

  /** `context`: when signatures are checked, and the OpenPGP certificates known to the verifier. */
  constructor(context: RequestContext = {}) {
    this.context = context
  }

  /**
   * The files step `step` of `layout` reads from directory `dir`, each given a request (one per
   * distinct path). `group`: the step's position; a parallel decoder keeps a group on one thread.
   */
  candidates(layout: Layout, step: Step, dir: string, group: number): Candidate[] {
    return authorizedIds(layout, step).map((id): Candidate => {
      const path = linkPath(dir, step.name, id)
      const authorization = authorize(layout, step, id, this.context.certificates)
      let request = this.indexOf.get(path)
      if (request === undefined) {
        request = this.list.length
        this.indexOf.set(path, request)
        const key = authorization && 'key' in authorization ? authorization.key : undefined
        this.list.push({ path, key, group, ...(this.context.now !== undefined ? { now: this.context.now } : {}) })
      }
      return { id, path, request, authorization, authorized: authorization !== undefined && 'key' in authorization }
    })
  }
}

export interface RequestContext {
  /** Epoch milliseconds OpenPGP key expiry is judged at. */
  readonly now?: number
  readonly certificates?: KnownCertificates
}

/** Keyids a step's links may be filed under: its pubkeys and their subkeys, in order, each once. */
export function authorizedIds(layout: Layout, step: Step): string[] {
  const ids: string[] = []
  for (const pubkey of step.pubkeys) {
    for (const id of [pubkey, ...subkeyIds(layout.keys.get(pubkey))]) if (!ids.includes(id)) ids.push(id)
  }
  return ids
}

/** `os.path.join(link_dir, FILENAME_FORMAT.format(step_name=…, keyid=…))`. */
export function linkPath(dir: string, stepName: string, keyid: string): string {
  return joinPosix(dir, linkFileName(stepName, keyid))
}

/** The directory of a sublayout's links: `os.path.join(link_dir, SUBLAYOUT_LINK_DIR_FORMAT.format(…))`. */
export function sublayoutLinkDir(dir: string, stepName: string, keyid: string): string {
  return joinPosix(dir, sublayoutLinkDirName(stepName, keyid))
}

/** The keyids of a key's `subkeys` (GPG main keys list them). */
export function subkeyIds(key: LayoutKey | undefined): string[] {
  const subkeys = key?.json.get('subkeys')
  return subkeys instanceof Map ? [...subkeys.keys()] : []
}

/**
 * The key that verifies a link filed under `linkKeyid` for `step`: the first `pubkeys` entry
 * that is that key, the main key of that subkey, or a main key having it as a subkey.
 */
function authorize(layout: Layout, step: Step, linkKeyid: string, certificates: KnownCertificates | undefined): Authorization | undefined {
  const mainKeyForSubkey = new Map<string, LayoutKey>()
  for (const key of layout.keys.values()) for (const sub of subkeyIds(key)) mainKeyForSubkey.set(sub, key)
  for (const authorizedId of step.pubkeys) {
    const authorized = layout.keys.get(authorizedId)
    const main = mainKeyForSubkey.get(authorizedId)
    let chosen: LayoutKey | undefined
    if (authorized && linkKeyid === authorizedId) chosen = authorized
    else if (main && linkKeyid === authorizedId) chosen = main
    else if (authorized && subkeyIds(authorized).includes(linkKeyid)) chosen = authorized
    if (chosen === undefined) continue
    try {
      return { key: toVerificationKey(chosen, authorizedId, certificates) }
    } catch (error) {
      return { error: toErrorInfo(error) }
    }
  }
  return undefined
}
