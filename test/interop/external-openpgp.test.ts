/**
 * Real metadata from public repositories (test/fixtures, origins in each README): the Debian
 * rebuilder design of apt-transport-in-toto (GPG-signed layout and rebuilder links), in-toto's
 * GPG demo links and keyrings, and a demo chain made with in-toto 3.0 (DSSE, 2.x keyids).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readEnvelope } from '../../src/core/envelope/read.ts'
import { checkEnvelopeSignature } from '../../src/core/envelope/verify.ts'
import { encodeCanonical } from '../../src/core/json/canonical.ts'
import type { JsonObject } from '../../src/core/json/value.ts'
import { importPublicKey } from '../../src/core/keys/import.ts'
import type { VerificationKey } from '../../src/core/keys/types.ts'
import { importOpenPgpKeys } from '../../src/core/openpgp/import.ts'
import { ownerKeysFor } from '../../src/core/keys/openpgp-keys.ts'
import type { VerificationReport } from '../../src/core/verify/report.ts'
import { verifyLayoutFile } from '../../src/core/verify/verify.ts'
import { SubprocessInspectionRunner } from '../../src/cli/inspection-runner.ts'
import { DirectoryLinks } from '../../src/cli/links/index.ts'
import { FIXTURES } from '../support/vectors.ts'

const APT = join(FIXTURES, 'apt-transport-in-toto')
const GPG_DEMO = join(FIXTURES, 'in-toto-gpg')
const V2 = join(FIXTURES, 'in-toto-2x')
const ALICE_APT = '88876A89E3D4698F83D3DB0E72E33CA3E0E04E46'

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A working directory holding `files` (the verifier's link dir and the inspections' cwd). */
function workDir(files: readonly [string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'external-'))
  scratch.push(dir)
  for (const [from, to] of files) cpSync(from, join(dir, to), { recursive: true })
  return dir
}

async function verifyIn(dir: string, layout: string, layoutKeys: VerificationKey[], now?: Date): Promise<VerificationReport> {
  return verifyLayoutFile(readFileSync(layout), 'root.layout', {
    layoutKeys,
    links: new DirectoryLinks(dir),
    inspections: new SubprocessInspectionRunner({ cwd: dir }),
    now,
  })
}

describe('apt-transport-in-toto (the Debian rebuilder design, GPG)', () => {
  const links: [string, string][] = [
    [join(APT, 'rebuild.5863835e.link'), 'rebuild.5863835e.link'],
    [join(APT, 'rebuild.e946fc60.link'), 'rebuild.e946fc60.link'],
  ]
  const deb = (which: 'good' | 'bad'): [string, string] => [join(APT, which, 'final-product_0.0.0.0-0_all.deb'), 'final-product_0.0.0.0-0_all.deb']
  const keyringOwner = async () => ownerKeysFor(await importOpenPgpKeys(readFileSync(join(APT, 'gpg_keyring/pubring.gpg')), 'pubring.gpg'), [ALICE_APT])
  const ascOwner = async () => ownerKeysFor(await importOpenPgpKeys(readFileSync(join(APT, 'alice.asc')), 'alice.asc'), [ALICE_APT])

  it('passes the good .deb, with the owner key from the GnuPG keyring (--gpg) and from alice.asc', async () => {
    for (const owner of [keyringOwner, ascOwner]) {
      const report = await verifyIn(workDir([...links, deb('good')]), join(APT, 'test.layout'), await owner())
      expect(report.verdict, report.failure?.message).toBe('pass')
      expect(report.steps[0]!.validSigners).toBe(2)
    }
  })

  it("fails the bad .deb at the inspection's DISALLOW *.deb, as in-toto-verify does", async () => {
    const report = await verifyIn(workDir([...links, deb('bad')]), join(APT, 'test.layout'), await keyringOwner())
    expect(report.failure).toMatchObject({ stage: 'artifact-rule', errorType: 'RuleVerificationError', inspection: 'verify-reprobuilds' })
    expect(report.failure!.message).toMatch(/DISALLOW \*\.deb/)
  })

  it('fails with one link of two at the threshold (LinkNotFoundError)', async () => {
    const report = await verifyIn(workDir([links[0]!, deb('good')]), join(APT, 'test.layout'), await keyringOwner())
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'LinkNotFoundError', step: 'rebuild' })
  })
})

describe("in-toto's GPG demo (links signed by subkeys)", () => {
  it("the template's key objects are what we build from the test keyring, and each demo link verifies with its functionary's", async () => {
    const template = readEnvelope(readFileSync(join(GPG_DEMO, 'demo_files_gpg/demo.layout.template')), 'demo.layout.template')
    if (template.content.type !== 'layout') throw new Error('not a layout')
    const keyring = await importOpenPgpKeys(readFileSync(join(GPG_DEMO, 'gpg_keyrings/rsa/pubring.gpg')), 'pubring.gpg')
    const checked: string[] = []
    for (const [keyid, layoutKey] of template.content.layout.keys) {
      // The template's keys were exported by an older securesystemslib (no creation_time, the
      // signing subkeys listed on their own): their key material must be the keyring's.
      const [key] = ownerKeysFor(keyring, [keyid])
      const own = key!.keyid === keyid ? key!.keyObject : ((key!.keyObject.get('subkeys') as JsonObject).get(keyid) as JsonObject)
      expect(encodeCanonical(own.get('keyval')!)).toBe(encodeCanonical(layoutKey.json.get('keyval')!))
      for (const file of ['write-code.8288ef56.link', 'package.7b3abb26.link']) {
        const link = readEnvelope(readFileSync(join(GPG_DEMO, 'demo_files_gpg', file)), file)
        const check = await checkEnvelopeSignature(link, { kind: 'openpgp', keyid, keyObject: layoutKey.json })
        if (check.status === 'valid') checked.push(`${file} by ${keyid.slice(0, 8)} (subkey ${check.signatureKeyid?.slice(0, 8)})`)
      }
    }
    expect(checked.sort()).toEqual([
      expect.stringMatching(/^package\.7b3abb26\.link by .* \(subkey 7b3abb26\)$/),
      expect.stringMatching(/^write-code\.8288ef56\.link by .* \(subkey 8288ef56\)$/),
    ])
  })
})

describe('the in-toto 3.0 demo chain (DSSE, 2.x keyids)', () => {
  const chain = (): string => workDir([[join(V2, 'final_product'), '.']])
  const alice = () => importPublicKey(readFileSync(join(V2, 'owner_alice/alice.pub'), 'utf8'), { file: 'alice.pub' })

  it('passes with --verification-keys alice.pub, its clock set before the layout expired', async () => {
    const dir = chain()
    const report = await verifyIn(dir, join(dir, 'root.layout'), [alice()], new Date('2024-12-01T00:00:00Z'))
    expect(report.verdict, report.failure?.message).toBe('pass')
    expect(report.layout.signatures).toEqual([{ keyid: alice().keyid, status: 'valid' }])
    // The inspection's own link, written where the links are, is not a foreign file.
    expect(report.warnings.filter((warning) => warning.kind === 'unused-link')).toEqual([])
  })

  it('fails once the layout has expired (2024-12-25T16:03:02Z)', async () => {
    const dir = chain()
    const report = await verifyIn(dir, join(dir, 'root.layout'), [alice()], new Date('2025-01-01T00:00:00Z'))
    expect(report.failure).toMatchObject({ stage: 'expired', errorType: 'LayoutExpiredError' })
  })
})
