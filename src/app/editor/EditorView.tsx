import { useDocumentStore } from '../state/document-store.ts'

export default function EditorView() {
  const layout = useDocumentStore((s) => s.layout)
  return (
    <section className="workspace" aria-label="Layout editor">
      <p>
        {layout.steps.length} steps, {layout.inspect.length} inspections, expires {layout.expires}
      </p>
    </section>
  )
}
