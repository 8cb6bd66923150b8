import { useEffect } from 'react'
import EditorView from './editor/EditorView.tsx'
import KeysPanel from './keys/KeysPanel.tsx'
import RebuildersPanel from './rebuilders/RebuildersPanel.tsx'
import { FirstRunGuide } from './shell/FirstRunGuide.tsx'
import { startGuideProgress } from './shell/guide-progress.ts'
import { shellStore, useShell } from './shell/use-shell.ts'
import { ConfirmHost } from './ui/ConfirmHost.tsx'
import VerifyPanel from './verify/VerifyPanel.tsx'

/** The workspaces. Each owns its directory under src/app and shares the open document through the store. */
const WORKSPACES = [
  { id: 'design', label: 'Design', View: EditorView },
  { id: 'keys', label: 'Keys', View: KeysPanel },
  { id: 'verify', label: 'Verify', View: VerifyPanel },
  { id: 'rebuilders', label: 'Rebuilders', View: RebuildersPanel },
] as const

export function App() {
  const active = useShell((state) => state.workspace)
  const guideOpen = useShell((state) => state.guideOpen)
  useEffect(() => startGuideProgress(), [])
  return (
    <div className="app">
      <header className="app-header">
        <div className="app-brand">
          <svg className="app-logo" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="5" cy="12" r="3" />
            <circle cx="19" cy="6" r="3" />
            <circle cx="19" cy="18" r="3" />
            <path d="M8 12h3l5-5M11 12l5 5" />
          </svg>
          <h1>Layout Studio</h1>
        </div>
        <div className="workspace-tabs" role="tablist" aria-label="Workspaces">
          {WORKSPACES.map(({ id, label }) => (
            <button
              key={id}
              type="button"
              role="tab"
              id={`tab-${id}`}
              aria-selected={active === id}
              aria-controls={`panel-${id}`}
              className={active === id ? 'tab active' : 'tab'}
              onClick={() => shellStore.getState().showWorkspace(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <div className="app-header-end">
          <span className="app-offline" title="Nothing you open here leaves this page: no network requests, keys stay in memory unless you download them.">
            Offline · runs in your browser
          </span>
          {!guideOpen && (
            <button type="button" className="ghost small" onClick={() => shellStore.getState().openGuide()}>
              Guide
            </button>
          )}
        </div>
      </header>
      {guideOpen && <FirstRunGuide />}
      {WORKSPACES.map(({ id, View }) => (
        // Panels stay mounted so that switching tabs never loses a half-filled form or a running verification.
        <main key={id} id={`panel-${id}`} role="tabpanel" aria-labelledby={`tab-${id}`} className="app-main" hidden={active !== id}>
          <View />
        </main>
      ))}
      <ConfirmHost />
    </div>
  )
}
