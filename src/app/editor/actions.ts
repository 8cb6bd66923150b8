/**
 * The editor's commands bound to the document store: every button, shortcut and graph gesture
 * calls one of these, so each edit has one name in the undo history.
 */
import * as commands from '../../core/editor/commands.ts'
import type { ItemRef } from '../../core/editor/commands.ts'
import { functionaryKeyFromFile } from '../../core/editor/functionary.ts'
import { itemNodeId, type RuleListName } from '../../core/editor/graph.ts'
import { exportFileName, exportLayoutText, openLayoutFile } from '../../core/editor/files.ts'
import { classifyFile } from '../../core/bundle/classify.ts'
import { serializeEnvelope } from '../../core/envelope/sign.ts'
import { downloadText } from '../shared/download.ts'
import { confirmStore } from '../ui/confirm-store.ts'
import { expiresInOneYear, type Template } from '../../core/editor/templates.ts'
import { emptyLayout } from '../../core/model/layout.ts'
import type { JsonValue } from '../../core/json/value.ts'
import type { Layout, RuleSource } from '../../core/model/types.ts'
import { documentAtRisk, useDocumentStore } from '../state/document-store.ts'
import { useEditorUi } from './ui-store.ts'
import { errorMessage } from '../shared/error-message.ts'

/**
 * Asks before the open document is replaced when that would lose something (changes never exported, or
 * signatures); the person may download it first. Resolves true to go on.
 */
async function mayReplaceDocument(action: string): Promise<boolean> {
  const state = useDocumentStore.getState()
  const risk = documentAtRisk(state)
  if (risk === undefined) return true
  const what = risk.signatures > 0 ? `${risk.signatures === 1 ? 'a signature' : `${risk.signatures} signatures`} you have not downloaded` : 'changes you have not exported'
  const answer = await confirmStore.getState().ask({
    title: risk.signatures > 0 ? 'Replace the signed layout?' : 'Replace the layout you are editing?',
    description: `The open layout has ${what}. ${action} replaces it; download it first to keep it.`,
    choices: [
      { id: 'download', label: 'Download, then replace' },
      { id: 'replace', label: 'Replace without saving', danger: true },
    ],
  })
  if (answer === 'download') {
    if (state.envelope !== undefined && state.envelope.signatures.length > 0) downloadText(exportFileName(state.fileName), serializeEnvelope(state.envelope), 'application/json')
    else downloadText(exportFileName(state.fileName), exportLayoutText(state.layout), 'application/json')
    state.markSaved()
  }
  return answer !== undefined
}

const edit = (label: string, fn: (layout: Layout) => Layout): void => useDocumentStore.getState().applyEdit(label, fn)

/** Rename moves the node's remembered position along with it. */
function carryPosition(from: string, to: string): void {
  const { positions, setPositions } = useDocumentStore.getState()
  const point = positions.get(from)
  if (point === undefined || from === to) return
  const next = new Map(positions)
  next.delete(from)
  next.set(to, point)
  setPositions(next)
}

export const actions = {
  /** Asks before the open document is replaced, when that would lose something; true to go on. */
  mayReplaceDocument,
  async newLayout(): Promise<void> {
    if (documentAtRisk(useDocumentStore.getState()) && !(await mayReplaceDocument('Start a new layout'))) return
    // Nothing of the person's yet: replacing it asks nothing until the first edit.
    useDocumentStore.getState().openDocument({ layout: emptyLayout(expiresInOneYear(new Date())) })
    useEditorUi.getState().select(undefined)
    useEditorUi.getState().notify('Started a new, empty layout.')
  },
  async fromTemplate(template: Template): Promise<void> {
    if (documentAtRisk(useDocumentStore.getState()) && !(await mayReplaceDocument(`Start from “${template.title}”`))) return
    const { layout, keyNames } = template.create(new Date())
    useDocumentStore.getState().openDocument({ layout, keyNames })
    useEditorUi.getState().select(undefined)
    useEditorUi.getState().notify(`Started from the template “${template.title}”.`)
  },
  async openFile(file: File): Promise<void> {
    try {
      const opened = openLayoutFile(new Uint8Array(await file.arrayBuffer()), file.name)
      // Asked only when something would be lost, so that opening is otherwise immediate.
      if (documentAtRisk(useDocumentStore.getState()) && !(await mayReplaceDocument(`Open ${file.name}`))) return
      // Names the owner gave the keys stay when the same keys come back (a signed copy of this very layout).
      const names = new Map([...useDocumentStore.getState().keyNames].filter(([keyid]) => opened.layout.keys.has(keyid)))
      useDocumentStore.getState().openDocument({ layout: opened.layout, envelope: opened.envelope, keyNames: names, fileName: file.name })
      useEditorUi.getState().select(undefined)
      const signatures = opened.envelope.signatures.length
      const ignored = opened.ignored.length > 0 ? ` Ignored members (not covered by signatures): ${opened.ignored.join(', ')}.` : ''
      useEditorUi
        .getState()
        .notify(
          `Opened ${file.name} (${signatures === 0 ? 'unsigned' : `${signatures} signature${signatures === 1 ? '' : 's'}`}).${signatures > 0 ? ' For review: editing asks first.' : ''}${ignored}`,
        )
    } catch (error) {
      useEditorUi.getState().notify(errorMessage(error), true)
    }
  },
  /**
   * Files dropped on the graph, by what they are: public keys become functionaries; the rest (a layout to
   * open, links to infer a layout from) goes to `otherwise`.
   */
  async droppedOnCanvas(files: readonly File[], otherwise: (files: readonly File[]) => Promise<void>): Promise<void> {
    const kinds = await Promise.all(files.map(async (file) => (file.size > 4 * 1024 * 1024 ? 'unknown' : classifyFile(file.name, new Uint8Array(await file.arrayBuffer())).kind)))
    // Keys that come with links are the signers' keys, evidence for inference: only keys alone become functionaries.
    if (!kinds.every((kind) => kind === 'key')) return otherwise(files)
    for (const file of files) await actions.addFunctionary(file)
  },
  async addFunctionary(file: File): Promise<void> {
    try {
      const key = functionaryKeyFromFile(await file.text(), file.name)
      useDocumentStore.getState().applyEdit(`Add functionary ${key.suggestedName}`, (layout, keyNames) => {
        const names = new Map(keyNames)
        if (!names.has(key.keyid)) names.set(key.keyid, key.suggestedName)
        return { layout: commands.addKey(layout, key.keyid, key.json), keyNames: names }
      })
      useEditorUi.getState().select(`key:${key.keyid}`)
    } catch (error) {
      useEditorUi.getState().notify(errorMessage(error), true)
    }
  },
  renameFunctionary(keyid: string, name: string): void {
    useDocumentStore.getState().applyEdit('Rename functionary', (layout, keyNames) => {
      if ((keyNames.get(keyid) ?? '') === name) return layout
      const names = new Map(keyNames)
      if (name === '') names.delete(keyid)
      else names.set(keyid, name)
      return { layout, keyNames: names }
    })
  },
  removeKey(keyid: string): void {
    edit('Remove functionary', (layout) => commands.removeKey(layout, keyid))
    useEditorUi.getState().select(undefined)
  },
  addStep(): void {
    const name = commands.freshName(useDocumentStore.getState().layout, 'step')
    edit(`Add step ${name}`, (layout) => commands.addStep(layout, name))
    useEditorUi.getState().select(name)
  },
  addInspection(): void {
    const name = commands.freshName(useDocumentStore.getState().layout, 'inspection')
    edit(`Add inspection ${name}`, (layout) => commands.addInspection(layout, name))
    useEditorUi.getState().select(name)
  },
  /** Refuses a name another step or inspection has: names identify links and must stay unique. */
  rename(ref: ItemRef, name: string): string | undefined {
    const layout = useDocumentStore.getState().layout
    const item = commands.getItem(layout, ref)
    if (item === undefined || item.name === name) return undefined
    const clash = commands.findItem(layout, name)
    if (clash !== undefined) return `“${name}” is already the name of a ${clash.kind}`
    edit(`Rename ${item.name} to ${name}`, (l) => commands.renameItem(l, ref, name))
    carryPosition(itemNodeId(ref.kind, item.name), itemNodeId(ref.kind, name))
    useEditorUi.getState().select(name)
    return undefined
  },
  deleteItem(ref: ItemRef): void {
    const item = commands.getItem(useDocumentStore.getState().layout, ref)
    if (item === undefined) return
    edit(`Delete ${item.name}`, (layout) => commands.deleteItem(layout, ref))
    useEditorUi.getState().select(undefined)
  },
  deleteByName(name: string): void {
    const ref = commands.findItem(useDocumentStore.getState().layout, name)
    if (ref) actions.deleteItem(ref)
  },
  setThreshold: (index: number, threshold: bigint) => edit('Set threshold', (l) => commands.setThreshold(l, index, threshold)),
  setExpectedCommand: (index: number, command: readonly JsonValue[]) => edit('Set expected command', (l) => commands.setExpectedCommand(l, index, command)),
  setRun: (index: number, run: readonly JsonValue[]) => edit('Set run command', (l) => commands.setRun(l, index, run)),
  setExpires: (expires: string) => edit('Set expiry', (l) => commands.setExpires(l, expires)),
  setReadme: (readme: string) => edit('Set readme', (l) => commands.setReadme(l, readme)),
  addRule: (ref: ItemRef, list: RuleListName, rule: RuleSource) => edit(`Add ${list} rule`, (l) => commands.addRule(l, ref, list, rule)),
  replaceRule: (ref: ItemRef, list: RuleListName, index: number, rule: RuleSource) => edit(`Edit ${list} rule`, (l) => commands.replaceRule(l, ref, list, index, rule)),
  /** Several rules at one position, as one edit (a lint fix). */
  insertRules: (ref: ItemRef, list: RuleListName, at: number, rules: readonly RuleSource[], label: string) =>
    edit(label, (l) => rules.reduce((layout, rule, offset) => commands.addRule(layout, ref, list, rule, at + offset), l)),
  removeRule: (ref: ItemRef, list: RuleListName, index: number) => edit(`Remove ${list} rule`, (l) => commands.removeRule(l, ref, list, index)),
  moveRule: (ref: ItemRef, list: RuleListName, from: number, to: number) => edit(`Move ${list} rule`, (l) => commands.moveRule(l, ref, list, from, to)),
  connect(source: string, target: string): void {
    const ref = commands.findItem(useDocumentStore.getState().layout, target)
    if (ref) edit(`Connect ${source} to ${target}`, (l) => commands.connectItems(l, source, ref))
  },
  authorize(keyid: string, step: string): void {
    const ref = commands.findItem(useDocumentStore.getState().layout, step)
    if (ref?.kind === 'step') edit(`Authorize key for ${step}`, (l) => commands.authorizeKey(l, ref.index, keyid))
  },
  revoke(keyid: string, stepIndex: number): void {
    edit('Revoke key', (l) => commands.revokeKey(l, stepIndex, keyid))
  },
  replaceLayout(layout: Layout, label = 'Edit JSON'): void {
    edit(label, () => layout)
  },
  undo: () => useDocumentStore.getState().undo(),
  redo: () => useDocumentStore.getState().redo(),
}
