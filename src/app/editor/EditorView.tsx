/**
 * The Design workspace: the layout as a graph with the inspector, JSON or plain-words view
 * beside it, the lint findings below, and the toolbar above.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import { useDocumentStore } from '../state/document-store.ts'
import { actions } from './actions.ts'
import { restoreDraft, startAutosave } from './draft-storage.ts'
import LayoutGraph from './graph/LayoutGraph.tsx'
import { Inspector } from './Inspector.tsx'
import { LintPanel } from './LintPanel.tsx'
import { ReviewerView } from './ReviewerView.tsx'
import { SignatureStatus } from './SignatureStatus.tsx'
import { SidePanelTabs, Toolbar } from './Toolbar.tsx'
import { CompareView } from './compare/CompareView.tsx'
import { ComparisonCanvas } from './compare/ComparisonCanvas.tsx'
import { InferDialog } from './infer/InferDialog.tsx'
import { inferActions } from './infer/infer-actions.ts'
import { useEditorUi } from './ui-store.ts'

const JsonView = lazy(() => import('./json/JsonView.tsx'))

function isTextTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest('input, textarea, select, .monaco-editor') !== null)
}

export default function EditorView() {
  const layout = useDocumentStore((s) => s.layout)
  const keyNames = useDocumentStore((s) => s.keyNames)
  const positions = useDocumentStore((s) => s.positions)
  const setPositions = useDocumentStore((s) => s.setPositions)
  const selected = useEditorUi((s) => s.selected)
  const view = useEditorUi((s) => s.view)
  const notice = useEditorUi((s) => s.notice)
  const [jsonOpened, setJsonOpened] = useState(false)
  const section = useRef<HTMLElement>(null)
  const side = useRef<HTMLDivElement>(null)

  // Another selection starts at the top of its properties, not at the previous one's scroll position.
  useEffect(() => {
    const panel = side.current
    if (!panel || panel.dataset.shows === (selected ?? '')) return
    panel.dataset.shows = selected ?? ''
    panel.scrollTop = 0
  }, [selected])

  useEffect(() => {
    const problem = restoreDraft()
    if (problem) useEditorUi.getState().notify(problem, true)
    return startAutosave()
  }, [])

  useEffect(() => {
    if (view === 'json') setJsonOpened(true)
  }, [view])

  // Undo/redo shortcuts, while the Design workspace is shown and no text field has the keyboard (those undo their own text).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || section.current?.offsetParent === null || isTextTarget(event.target)) return
      const key = event.key.toLowerCase()
      if (key === 'z' && !event.shiftKey) actions.undo()
      else if ((key === 'z' && event.shiftKey) || key === 'y') actions.redo()
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  // Leaving with changes that were never exported asks first (the draft is kept either way).
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const { revision, savedRevision } = useDocumentStore.getState()
      if (revision !== savedRevision) event.preventDefault()
    }
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => window.removeEventListener('beforeunload', onBeforeUnload)
  }, [])

  return (
    <section ref={section} className="editor" aria-label="Layout editor">
      <Toolbar />
      <SignatureStatus />
      {notice && (
        <p className={notice.error ? 'editor-notice editor-notice-error' : 'editor-notice'} role={notice.error ? 'alert' : 'status'}>
          {notice.text}
          {notice.error && (
            <button type="button" className="editor-link" onClick={() => useEditorUi.getState().dismissNotice()}>
              Dismiss
            </button>
          )}
        </p>
      )}
      <div className="editor-body">
        <section
          className="editor-canvas"
          aria-label="Graph canvas (drop a layout or public key files here)"
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes('Files')) e.preventDefault()
          }}
          onDrop={(e) => {
            const files = [...e.dataTransfer.files]
            if (files.length === 0) return
            e.preventDefault()
            void actions.droppedOnCanvas(files, inferActions.dropped)
          }}
        >
          {view === 'compare' ? (
            <ComparisonCanvas />
          ) : (
            <LayoutGraph
              layout={layout}
              keyNames={keyNames}
              selected={selected}
              onSelect={(name) => useEditorUi.getState().select(name)}
              positions={positions}
              onPositionsChange={setPositions}
              onConnectItems={actions.connect}
              onAuthorize={actions.authorize}
              onDeleteNodes={(nodes) => {
                for (const node of nodes) {
                  if (node.kind === 'functionary') actions.removeKey(node.keyid)
                  else actions.deleteByName(node.name)
                }
              }}
            />
          )}
        </section>
        <div className="editor-side-column">
          <SidePanelTabs />
          <div className="editor-side" ref={side}>
            {view === 'inspector' && <Inspector />}
            {view === 'reviewer' && <ReviewerView />}
            {view === 'compare' && <CompareView />}
            {jsonOpened && (
              <div className="editor-json-host" hidden={view !== 'json'}>
                <Suspense fallback={<p className="editor-muted">Loading the JSON editor…</p>}>
                  <JsonView />
                </Suspense>
              </div>
            )}
          </div>
        </div>
      </div>
      <LintPanel />
      <InferDialog />
    </section>
  )
}
