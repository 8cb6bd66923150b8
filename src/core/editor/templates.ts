/**
 * Starting points for new layouts. Each is a real, loadable layout; templates other than the
 * demo ship without keys, because the keys must be the project's own functionaries (the
 * linter then asks for them).
 */
import { addInspection, addKey, addStep, authorizeKey } from './commands.ts'
import { BOB_PUBLIC_PEM, CARL_PUBLIC_PEM } from './demo-keys.ts'
import { functionaryKeyFromFile } from './functionary.ts'
import { emptyLayout, formatExpires } from '../model/layout.ts'
import type { Layout } from '../model/types.ts'
import { emptyPolicy } from '../rebuilders/policy.ts'
import { policyLayout } from '../rebuilders/policy-layout.ts'

export interface TemplateResult {
  readonly layout: Layout
  readonly keyNames: ReadonlyMap<string, string>
}

export interface Template {
  readonly id: string
  readonly title: string
  readonly description: string
  create(now: Date): TemplateResult
}

const DAY_MS = 24 * 60 * 60 * 1000

/** `expires` one year after `now`, as templates default to. */
export function expiresInOneYear(now: Date): string {
  return formatExpires(new Date(Math.floor(now.getTime() / 1000) * 1000 + 365 * DAY_MS))
}

/**
 * The in-toto demo (in-toto/demo, and the reference's tests/demo_files): bob writes foo.py,
 * carl packages it, and the client's inspection unpacks the tarball and checks foo.py is what
 * bob wrote. The inspection runs `tar xfz foo.tar.gz` (the reference's copy calls a helper
 * script that is not part of the demo files).
 */
export function demoChain(now: Date): TemplateResult {
  const bob = functionaryKeyFromFile(BOB_PUBLIC_PEM, 'bob.pub')
  const carl = functionaryKeyFromFile(CARL_PUBLIC_PEM, 'carl.pub')
  let layout = emptyLayout(expiresInOneYear(now))
  layout = addKey(addKey(layout, bob.keyid, bob.json), carl.keyid, carl.json)
  layout = addStep(layout, 'write-code', { expectedProducts: [['CREATE', 'foo.py']] })
  layout = addStep(layout, 'package', {
    expectedCommand: ['tar', 'zcvf', 'foo.tar.gz', 'foo.py'],
    expectedMaterials: [['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write-code']],
    expectedProducts: [
      ['CREATE', 'foo.tar.gz'],
      ['ALLOW', 'foo.py'],
    ],
  })
  layout = authorizeKey(authorizeKey(layout, 0, bob.keyid), 1, carl.keyid)
  layout = addInspection(layout, 'untar', {
    run: ['tar', 'xfz', 'foo.tar.gz'],
    expectedMaterials: [['MATCH', 'foo.tar.gz', 'WITH', 'PRODUCTS', 'FROM', 'package']],
    expectedProducts: [['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write-code']],
  })
  return {
    layout,
    keyNames: new Map([
      [bob.keyid, 'bob'],
      [carl.keyid, 'carl'],
    ]),
  }
}

/**
 * Reproducible builds, k of n: the maintainer tags the source, and independent rebuilders
 * (as Debian's rebuilders do) each build it; the `rebuild` step needs 2 of its rebuilders'
 * links, and the reference only accepts them when their materials and products agree.
 */
export function reproducibleBuilds(now: Date): TemplateResult {
  let layout = emptyLayout(
    expiresInOneYear(now),
    'Reproducible builds: the maintainer tags the source; at least 2 independent rebuilders must produce identical artifacts from it. Add the maintainer key to "tag-source" and 3 rebuilder keys to "rebuild".',
  )
  layout = addStep(layout, 'tag-source', {
    expectedCommand: ['git', 'tag', '--sign'],
    expectedProducts: [
      ['CREATE', 'src/*'],
      ['DISALLOW', '*'],
    ],
  })
  layout = addStep(layout, 'rebuild', {
    threshold: 2n,
    expectedCommand: ['make', 'dist'],
    expectedMaterials: [
      ['MATCH', 'src/*', 'WITH', 'PRODUCTS', 'FROM', 'tag-source'],
      ['DISALLOW', '*'],
    ],
    expectedProducts: [
      ['CREATE', 'dist/*'],
      ['ALLOW', 'src/*'],
      ['DISALLOW', '*'],
    ],
  })
  layout = addInspection(layout, 'check-release', {
    run: ['sha256sum', '--check', 'SHA256SUMS'],
    expectedMaterials: [
      ['MATCH', 'dist/*', 'WITH', 'PRODUCTS', 'FROM', 'rebuild'],
      ['ALLOW', 'SHA256SUMS'],
      ['DISALLOW', '*'],
    ],
    expectedProducts: [
      ['MATCH', 'dist/*', 'WITH', 'PRODUCTS', 'FROM', 'rebuild'],
      ['ALLOW', 'SHA256SUMS'],
      ['DISALLOW', '*'],
    ],
  })
  return { layout, keyNames: new Map() }
}

/**
 * A third party's supply chain as one step: the `vendor-library` step's link is itself a
 * layout signed by the vendor (a sublayout), which the verifier checks recursively; its
 * products are what the vendor's chain delivered, and the build only takes those.
 */
export function thirdPartySublayout(now: Date): TemplateResult {
  let layout = emptyLayout(
    expiresInOneYear(now),
    'The vendor-library step is a sublayout: its functionary is the vendor, who signs a layout for their own chain; put that layout in the link directory as vendor-library.<keyid>.link with its links in vendor-library.<keyid>/.',
  )
  layout = addStep(layout, 'vendor-library', {
    expectedProducts: [
      ['CREATE', 'vendor/*'],
      ['DISALLOW', '*'],
    ],
  })
  layout = addStep(layout, 'build', {
    expectedCommand: ['make'],
    expectedMaterials: [
      ['MATCH', 'vendor/*', 'WITH', 'PRODUCTS', 'FROM', 'vendor-library'],
      ['ALLOW', 'src/*'],
      ['DISALLOW', '*'],
    ],
    expectedProducts: [
      ['CREATE', 'app'],
      ['ALLOW', 'vendor/*'],
      ['ALLOW', 'src/*'],
      ['DISALLOW', '*'],
    ],
  })
  layout = addInspection(layout, 'run-tests', {
    run: ['./app', '--self-test'],
    expectedMaterials: [
      ['MATCH', 'app', 'WITH', 'PRODUCTS', 'FROM', 'build'],
      ['DISALLOW', '*'],
    ],
    expectedProducts: [['ALLOW', '*']],
  })
  return { layout, keyNames: new Map() }
}

/**
 * The Debian rebuilder design of the in-toto paper, as apt-transport-in-toto ships it
 * (`data/root.layout`): independent rebuilders sign a `rebuild` link over the `.deb` files they
 * built (GPG keys, threshold k), and apt's inspection requires the downloaded `.deb` to MATCH
 * what they built. Add each rebuilder's GPG key to `rebuild`.
 */
export function debianRebuilders(now: Date): TemplateResult {
  return {
    layout: policyLayout(emptyPolicy(2), {
      now,
      pattern: '*.deb',
      run: ['/usr/bin/true'],
      readme:
        "Debian rebuilders, as apt-transport-in-toto verifies them: apt installs a .deb only if at least 2 of the rebuilders' 'rebuild' links report exactly its bytes. Add each rebuilder's GPG key as a functionary of 'rebuild' (one key per rebuilder: two keys of one rebuilder would count twice) and set the threshold.",
    }).layout,
    keyNames: new Map(),
  }
}

/**
 * The same policy for today's rebuilderd (≥ 0.25, reproduce.debian.net), whose rebuilders sign
 * with Ed25519 keys. Its links are named `rebuild <file>` and carry `"environment": null`,
 * which in-toto-verify refuses: the Rebuilders workspace checks them as signed, with this
 * layout's counting (one vote per rebuilder).
 */
export function rebuilderdRebuilders(now: Date): TemplateResult {
  return {
    layout: policyLayout(emptyPolicy(2), {
      now,
      readme:
        "rebuilderd rebuilders: at least 2 of them must report exactly the package's bytes. Add each rebuilder's daemon key (Ed25519, from its /api/v1/meta/public-keys) as a functionary of 'rebuild'. rebuilderd names each link 'rebuild <file name>' and writes \"environment\": null, which in-toto-verify refuses to load; check such attestations in the Rebuilders workspace or with 'layout-studio rebuilders', which verify them as signed.",
    }).layout,
    keyNames: new Map(),
  }
}

export const TEMPLATES: readonly Template[] = [
  { id: 'demo', title: 'in-toto demo chain', description: 'write-code → package → untar, with the demo functionaries bob and carl.', create: demoChain },
  {
    id: 'reproducible',
    title: 'Reproducible builds (2 of 3 rebuilders)',
    description: 'Independent rebuilders must agree on the artifacts, as Debian rebuilders do.',
    create: reproducibleBuilds,
  },
  {
    id: 'debian-rebuilders',
    title: 'Debian rebuilders, apt-transport-in-toto',
    description: 'GPG-signed rebuild links, k of n must match the .deb, as apt-transport-in-toto checks them.',
    create: debianRebuilders,
  },
  {
    id: 'rebuilderd',
    title: 'rebuilderd',
    description: "Today's rebuilders (reproduce.debian.net): Ed25519 keys, k of n must report the package's bytes.",
    create: rebuilderdRebuilders,
  },
  {
    id: 'sublayout',
    title: 'Third-party sublayout step',
    description: "A vendor's whole supply chain, verified as one step of yours.",
    create: thirdPartySublayout,
  },
]
