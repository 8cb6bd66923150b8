export default function VerifyPanel() {
  return (
    <section className="workspace" aria-label="Verify">
      <h2>Verify</h2>
    </section>
  )
}
