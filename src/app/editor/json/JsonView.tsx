/**
 * The JSON view: the layout as JSON in monaco, kept in step with the graph both ways. Graph
 * edits rewrite the text; typing applies the text to the document once it parses as a valid
 * layout, and until then its problems are markers at their JSON paths. Lint findings are
 * markers too.
 */
import { useEffect, useRef, useState } from 'react'
import type * as Monaco from 'monaco-editor/editor/editor.api'
import { canonicalLayoutText, jsonPathOffsets, layoutJsonText, locate, parseLayoutText, type TextRange } from '../../../core/editor/json-text.ts'
import { lintOf, operatorsOf } from '../lint-cache.ts'
import { rebuildersStore } from '../../rebuilders/use-rebuilders.ts'
import type { Layout } from '../../../core/model/types.ts'
import { useDocumentStore } from '../../state/document-store.ts'
import { actions } from '../actions.ts'
import { useEditorUi } from '../ui-store.ts'
import { keyed } from '../../shared/keyed.ts'

type MonacoModule = typeof import('./monaco-setup.ts')

/** Typing is applied after this pause, so a half-typed value is not an edit of its own. */
const APPLY_DELAY_MS = 250
const LINT_MARKER_DELAY_MS = 60

function markerFor(model: Monaco.editor.ITextModel, range: TextRange, message: string, severity: Monaco.MarkerSeverity): Monaco.editor.IMarkerData {
  const start = model.getPositionAt(range.start)
  const end = model.getPositionAt(Math.max(range.end, range.start + 1))
  return { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column, message, severity }
}

/** The smallest replacement turning `before` into `after` (common prefix and suffix kept), or undefined when equal. */
export function textChange(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined
  let prefix = 0
  const max = Math.min(before.length, after.length)
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++
  let suffix = 0
  while (suffix < max - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) }
}

/** A finding about a whole list or object is marked on its first line only, not over every line of it. */
function firstLine(model: Monaco.editor.ITextModel, range: TextRange): TextRange {
  const start = model.getPositionAt(range.start)
  return { start: range.start, end: Math.min(range.end, model.getOffsetAt({ lineNumber: start.lineNumber, column: model.getLineMaxColumn(start.lineNumber) })) }
}

export default function JsonView() {
  const container = useRef<HTMLDivElement>(null)
  const [module, setModule] = useState<MonacoModule>()
  const [problems, setProblems] = useState<string[]>([])
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor>(undefined)
  /** The layout whose text the editor shows (set when we write the text, or when typed text was applied). */
  const shown = useRef<Layout>(undefined)
  const layout = useDocumentStore((s) => s.layout)
  const reveal = useEditorUi((s) => s.reveal)

  useEffect(() => {
    let cancelled = false
    void import('./monaco-setup.ts').then((m) => !cancelled && setModule(m))
    return () => {
      cancelled = true
    }
  }, [])

  // Create the editor once monaco is here.
  useEffect(() => {
    if (!module || !container.current) return
    const { monaco, LAYOUT_MODEL_URI } = module
    const uri = monaco.Uri.parse(LAYOUT_MODEL_URI)
    const initial = useDocumentStore.getState().layout
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(layoutJsonText(initial), 'json', uri)
    shown.current = initial
    const editor = monaco.editor.create(container.current, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      tabSize: 2,
      scrollBeyondLastLine: false,
      ariaLabel: 'Layout JSON',
    })
    editorRef.current = editor
    let timer: ReturnType<typeof setTimeout> | undefined
    const apply = () => {
      const result = parseLayoutText(model.getValue())
      if (result.ok) {
        monaco.editor.setModelMarkers(model, 'layout', [])
        setProblems([])
        // Reformatting or retyping the same layout is not an edit.
        if (canonicalLayoutText(result.layout) === canonicalLayoutText(useDocumentStore.getState().layout)) return
        shown.current = result.layout
        actions.replaceLayout(result.layout)
        return
      }
      monaco.editor.setModelMarkers(
        model,
        'layout',
        result.problems.map((p) => markerFor(model, p.range, p.path ? `${p.path}: ${p.message}` : p.message, monaco.MarkerSeverity.Error)),
      )
      setProblems(result.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)))
    }
    const typing = model.onDidChangeContent((event) => {
      if (event.isFlush || writing) return
      clearTimeout(timer)
      timer = setTimeout(apply, APPLY_DELAY_MS)
    })
    return () => {
      clearTimeout(timer)
      typing.dispose()
      editor.dispose()
      model.dispose()
      editorRef.current = undefined
    }
  }, [module])

  // Graph edits (and undo) rewrite the text; lint findings become warning markers.
  useEffect(() => {
    const editor = editorRef.current
    const model = editor?.getModel()
    if (!module || !editor || !model) return
    if (shown.current !== layout) {
      shown.current = layout
      writing = true
      // Replace only what changed: the view stays where the reader is, and monaco re-reads a few lines, not the whole layout.
      const change = textChange(model.getValue(), layoutJsonText(layout))
      if (change) {
        const start = model.getPositionAt(change.start)
        const end = model.getPositionAt(change.end)
        model.pushEditOperations(
          [],
          [{ range: { startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column }, text: change.text }],
          () => null,
        )
      }
      writing = false
      module.monaco.editor.setModelMarkers(model, 'layout', [])
      setProblems([])
    }
    // Which document revision the text shows (read by the benchmark to time edit → JSON).
    container.current?.setAttribute('data-revision', String(useDocumentStore.getState().revision))
    // Lint markers are secondary: placed just after the edit's frame, so a large layout's edit shows at once.
    const monaco = module.monaco
    const timer = setTimeout(() => {
      if (model.isDisposed()) return
      const offsets = jsonPathOffsets(model.getValue())
      monaco.editor.setModelMarkers(
        model,
        'lint',
        lintOf(layout, [], operatorsOf(rebuildersStore.getState().policy)).map((f) =>
          markerFor(
            model,
            firstLine(model, locate(offsets, f.path)),
            `${f.code}: ${f.message}`,
            f.severity === 'error' ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
          ),
        ),
      )
    }, LINT_MARKER_DELAY_MS)
    return () => clearTimeout(timer)
  }, [layout, module])

  useEffect(() => {
    const editor = editorRef.current
    const model = editor?.getModel()
    // The editor exists once monaco has loaded: a reveal asked for before then is done now.
    if (!module || !reveal || !editor || !model) return
    const range = locate(jsonPathOffsets(model.getValue()), reveal.path)
    const start = model.getPositionAt(range.start)
    const end = model.getPositionAt(range.end)
    editor.revealRangeInCenter({ startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column })
    editor.setSelection({ startLineNumber: start.lineNumber, startColumn: start.column, endLineNumber: end.lineNumber, endColumn: end.column })
    editor.focus()
    // What was revealed, for assistive checks and tests (monaco's selection is not in the DOM as text).
    container.current?.setAttribute('data-revealed-path', reveal.path)
    container.current?.setAttribute('data-revealed-text', model.getValue().slice(range.start, range.end))
  }, [reveal, module])

  return (
    <div className="editor-json">
      {!module && <p className="editor-muted">Loading the JSON editor…</p>}
      <div ref={container} className="editor-json-monaco" data-testid="json-editor" />
      {problems.length > 0 && (
        <ul className="editor-json-problems" aria-label="JSON problems" role="status">
          {keyed(problems, (p) => p).map(({ key, item: p }) => (
            <li key={key}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** Set while the view writes the text itself, so the change is not read back as typing. */
let writing = false
