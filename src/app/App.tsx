export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>Layout Studio</h1>
        <p className="tagline">Design, sign, review and verify in-toto supply-chain layouts — everything runs in this page.</p>
      </header>
      <main className="app-main" aria-label="Workspace" />
    </div>
  )
}
