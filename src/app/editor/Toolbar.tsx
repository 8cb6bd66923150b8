/** The editor's toolbar: document commands, adding things, undo/redo, and the view switch. */
import { useRef } from 'react'
import { exportFileName, exportLayoutText } from '../../core/editor/files.ts'
import { TEMPLATES } from '../../core/editor/templates.ts'
import { downloadText } from '../shared/download.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { Menu } from '../ui/Menu.tsx'
import { actions } from './actions.ts'
import { AddFunctionary } from './AddFunctionary.tsx'
import { CompareMenu } from './compare/CompareMenu.tsx'
import { useCompare } from './compare/use-compare.ts'
import { InferButton } from './infer/InferButton.tsx'
import { useEditorUi, type EditorViewMode } from './ui-store.ts'

const VIEWS: { id: EditorViewMode; label: string }[] = [
  { id: 'inspector', label: 'Inspector' },
  { id: 'json', label: 'JSON' },
  { id: 'reviewer', label: 'Reviewer' },
]

export function Toolbar() {
  const canUndo = useDocumentStore((s) => s.past.length > 0)
  const canRedo = useDocumentStore((s) => s.future.length > 0)
  const undoLabel = useDocumentStore((s) => s.past.at(-1)?.label)
  const redoLabel = useDocumentStore((s) => s.future[0]?.label)
  const openInput = useRef<HTMLInputElement>(null)

  const exportLayout = () => {
    const { layout, fileName, markSaved } = useDocumentStore.getState()
    downloadText(exportFileName(fileName), exportLayoutText(layout), 'application/json')
    markSaved()
  }

  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Layout editor">
      <div className="editor-toolbar-group">
        <button type="button" onClick={actions.newLayout}>
          New layout
        </button>
        <button type="button" onClick={() => openInput.current?.click()}>
          Open layout
        </button>
        <input
          ref={openInput}
          type="file"
          accept=".layout,.json,application/json"
          hidden
          aria-label="Layout file"
          data-testid="open-layout-input"
          onChange={(event) => {
            const file = event.target.files?.[0]
            event.target.value = ''
            if (file) void actions.openFile(file)
          }}
        />
        <button type="button" onClick={exportLayout}>
          Export layout
        </button>
        <Menu
          trigger="Templates"
          heading="Start from a template"
          items={TEMPLATES.map((template) => ({ id: template.id, title: template.title, description: template.description, onSelect: () => void actions.fromTemplate(template) }))}
        />
        <InferButton />
        <CompareMenu />
      </div>
      <div className="editor-toolbar-group">
        <button type="button" onClick={actions.addStep}>
          Add step
        </button>
        <button type="button" onClick={actions.addInspection}>
          Add inspection
        </button>
        <AddFunctionary />
      </div>
      <div className="editor-toolbar-group">
        <button type="button" onClick={actions.undo} disabled={!canUndo} title={undoLabel ? `Undo ${undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'}>
          Undo
        </button>
        <button type="button" onClick={actions.redo} disabled={!canRedo} title={redoLabel ? `Redo ${redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'}>
          Redo
        </button>
        <button type="button" onClick={() => useDocumentStore.getState().setPositions(new Map())} title="Arrange the graph left to right by artifact flow">
          Auto layout
        </button>
      </div>
    </div>
  )
}

/** What the side panel shows (Inspector, JSON, Reviewer, and Changes while comparing): tabs on top of the panel. */
export function SidePanelTabs() {
  const view = useEditorUi((s) => s.view)
  const setView = useEditorUi((s) => s.setView)
  const comparing = useCompare((s) => s.baseline !== undefined)
  const views = comparing ? [...VIEWS, { id: 'compare' as const, label: 'Changes' }] : VIEWS
  return (
    <div className="editor-views" role="tablist" aria-label="Side panel">
      {views.map(({ id, label }) => (
        <button key={id} type="button" role="tab" aria-selected={view === id} className={view === id ? 'editor-view-tab active' : 'editor-view-tab'} onClick={() => setView(id)}>
          {label}
        </button>
      ))}
    </div>
  )
}
