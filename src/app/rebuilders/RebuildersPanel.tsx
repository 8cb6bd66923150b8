/**
 * The Rebuilders workspace: whom to trust to rebuild packages and how many must agree (a
 * policy saved, loaded and shared as a small JSON file), and, for packages in hand, which
 * trusted rebuilders reproduced exactly these bytes.
 */
import './rebuilders.css'
import { PackageCheck } from './PackageCheck.tsx'
import { PolicyEditor } from './PolicyEditor.tsx'
import { PolicyLayoutView } from './PolicyLayoutView.tsx'

export default function RebuildersPanel() {
  return (
    <section className="workspace rebuilders" aria-label="Rebuilders">
      <h2>Rebuilders: install only what k trusted rebuilders reproduced</h2>
      <p className="rebuilders-muted rebuilders-intro">
        Choose the rebuilders you trust and how many must agree. Each rebuilder is one vote, however many keys it signs with. Then drop packages and the attestations the rebuilders
        published to see which of them reproduced exactly those bytes.
      </p>
      <div className="rebuilders-grid">
        <PolicyEditor />
        <PackageCheck />
      </div>
      <PolicyLayoutView />
    </section>
  )
}
