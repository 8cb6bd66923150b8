export default function KeysPanel() {
  return (
    <section className="workspace" aria-label="Keys">
      <h2>Keys</h2>
    </section>
  )
}
