import { useState } from 'react'
import EditorView from './editor/EditorView.tsx'
import KeysPanel from './keys/KeysPanel.tsx'
import VerifyPanel from './verify/VerifyPanel.tsx'

/** The three workspaces. Each owns its directory under src/app and shares the open document through the store. */
const WORKSPACES = [
  { id: 'design', label: 'Design', View: EditorView },
  { id: 'keys', label: 'Keys', View: KeysPanel },
  { id: 'verify', label: 'Verify', View: VerifyPanel },
] as const
type WorkspaceId = (typeof WORKSPACES)[number]['id']

export function App() {
  const [active, setActive] = useState<WorkspaceId>('design')
  return (
    <div className="app">
      <header className="app-header">
        <h1>Layout Studio</h1>
        <nav className="workspace-tabs" role="tablist" aria-label="Workspaces">
          {WORKSPACES.map(({ id, label }) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={active === id}
              aria-controls={`panel-${id}`}
              className={active === id ? 'tab active' : 'tab'}
              onClick={() => setActive(id)}
            >
              {label}
            </button>
          ))}
        </nav>
      </header>
      {WORKSPACES.map(({ id, View }) => (
        // Panels stay mounted so that switching tabs never loses a half-filled form or a running verification.
        <main key={id} id={`panel-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`} className="app-main" hidden={active !== id}>
          <View />
        </main>
      ))}
    </div>
  )
}
