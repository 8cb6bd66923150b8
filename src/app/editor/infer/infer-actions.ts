/**
 * The editor's inference commands: start from dropped or picked files with the keys the page
 * knows (the keyring and the open layout), open the proposal as a new document (asking before
 * unsaved work is replaced), or take over accepted rule changes as one undo step.
 */
import { readEnvelope } from '../../../core/envelope/read.ts'
import type { KnownKey } from '../../../core/infer/types.ts'
import { applyProposals, type ItemProposal } from '../../../core/infer/merge.ts'
import { keyringStore } from '../../keys/use-keyring.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import { confirmStore } from '../../ui/confirm-store.ts'
import { actions } from '../actions.ts'
import { useEditorUi } from '../ui-store.ts'
import type { DroppedFile } from './infer-store.ts'
import { inferStore } from './use-infer.ts'

/** Keys the page knows: the keyring's, and the open layout's (with their display names). */
export function knownKeys(): KnownKey[] {
  const { layout, keyNames } = useDocumentStore.getState()
  const keys: KnownKey[] = keyringStore.getState().keys.map((entry) => ({ publicKey: entry.publicKey, name: entry.label }))
  for (const [keyid, key] of layout.keys) {
    const name = keyNames.get(keyid)
    const named = name !== undefined ? { name } : {}
    if (key.gpg) keys.push({ publicKey: { kind: 'openpgp', keyid, keyObject: key.json }, json: key.json, ...named })
    else if (key.scheme !== undefined) keys.push({ publicKey: { keyid, keytype: key.keytype, scheme: key.scheme, public: key.public }, json: key.json, ...named })
  }
  return keys
}

/** Whether the bytes are a layout (anything unreadable is not: the open action would only report it). */
function isLayout(bytes: Uint8Array, name: string): boolean {
  try {
    return readEnvelope(bytes, name).content.type === 'layout'
  } catch {
    return !/\.link$/i.test(name)
  }
}

export async function readFiles(files: readonly File[]): Promise<DroppedFile[]> {
  return Promise.all(files.map(async (file) => ({ name: file.webkitRelativePath || file.name, bytes: new Uint8Array(await file.arrayBuffer()) })))
}

export const inferActions = {
  async fromFiles(files: readonly File[]): Promise<void> {
    await inferStore.getState().start(await readFiles(files), knownKeys())
  },

  /** Files dropped on the canvas: one layout is opened; links (and the signers' keys) are evidence to infer from. */
  async dropped(files: readonly File[]): Promise<void> {
    const read = await readFiles(files)
    const only = read.length === 1 ? read[0] : undefined
    if (only !== undefined && isLayout(only.bytes, only.name)) return actions.openFile(files[0] as File)
    await inferStore.getState().start(read, knownKeys())
  },

  /** Opens the proposal as the document; resolves false when the person kept their unsaved work. */
  async openAsNewLayout(): Promise<boolean> {
    const { inference, links } = inferStore.getState()
    if (inference === undefined) return false
    const { revision, savedRevision } = useDocumentStore.getState()
    if (revision !== savedRevision) {
      const answer = await confirmStore.getState().ask({
        title: 'Replace the unsaved layout?',
        description: 'The layout in the editor has changes that were not exported. Opening the proposed layout replaces it (its draft is overwritten too).',
        choices: [{ id: 'replace', label: 'Replace it', danger: true }],
        cancelLabel: 'Keep editing it',
      })
      if (answer !== 'replace') return false
    }
    useDocumentStore.getState().openDocument({ layout: inference.layout, keyNames: inference.keyNames, unsaved: true, origin: 'the inferred layout' })
    useEditorUi.getState().select(undefined)
    useEditorUi.getState().notify(`Opened the layout inferred from ${links.length === 1 ? '1 link' : `${links.length} links`}. Review it, then sign it in the Keys workspace.`)
    inferStore.getState().close()
    return true
  },

  /** Takes over the accepted rule changes, as one undo step. */
  applyChanges(proposals: readonly ItemProposal[], accepted: ReadonlySet<string>): void {
    const count = accepted.size
    useDocumentStore
      .getState()
      .applyEdit(`Apply ${count === 1 ? '1 inferred rule change' : `${count} inferred rule changes`}`, (layout) => applyProposals(layout, proposals, accepted))
    useEditorUi.getState().notify(`Applied ${count === 1 ? '1 rule change' : `${count} rule changes`} from the links (Undo takes ${count === 1 ? 'it' : 'them all'} back).`)
    inferStore.getState().close()
  },
}
