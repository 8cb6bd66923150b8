/** Starting and ending a comparison from the editor: with a remembered version or a layout file. */
import { openLayoutFile } from '../../../core/editor/files.ts'
import { errorMessage } from '../../shared/error-message.ts'
import { useDocumentStore, type Baseline } from '../../state/document-store.ts'
import { useEditorUi } from '../ui-store.ts'
import { compareStore } from './use-compare.ts'

function show(baseline: Baseline): void {
  compareStore.getState().compareWith(baseline)
  useEditorUi.getState().setView('compare')
}

export const compareActions = {
  withRemembered(which: 'opened' | 'signed'): void {
    const baseline = useDocumentStore.getState().baselines[which]
    if (baseline !== undefined) show(baseline)
  },
  async withFile(file: File): Promise<void> {
    try {
      const opened = openLayoutFile(new Uint8Array(await file.arrayBuffer()), file.name)
      show({ layout: opened.layout, keyNames: new Map(), label: file.name, signatures: opened.envelope.signatures.length })
    } catch (error) {
      useEditorUi.getState().notify(errorMessage(error), true)
    }
  },
  stop(): void {
    compareStore.getState().stop()
    useEditorUi.getState().setView('inspector')
  },
}
