import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { digestsOf, makeRebuilder, rebuilderdAttestation, rebuilderdPem, type GeneratedRebuilder } from '../../../test/support/rebuilderd-attestations.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { addRebuilderKeys, emptyPolicy, serializePolicy } from '../../core/rebuilders/policy.ts'
import { readPolicyKeyFile } from '../../core/rebuilders/policy-key.ts'
import { cli, tempWorkdir } from '../../../test/support/cli.ts'

const REBUILDERD = join(FIXTURES, 'rebuilderd')
const DEB = 'librust-as-slice-dev_0.2.1-1+b2_amd64.deb'
const ARCH = 'filesystem-2025.10.12-1-any.pkg.tar.zst'

let work: ReturnType<typeof tempWorkdir>
beforeEach(() => {
  work = tempWorkdir('rebuilders')
  for (const file of [DEB, ARCH, 'reproduce-debian-net-amd64.pub', 'reproducible-archlinux.pub']) copyFileSync(join(REBUILDERD, file), file)
  mkdirSync('attestations')
  for (const file of ['librust-as-slice-dev_0.2.1-1+b2_amd64.in-toto.link', 'filesystem-2025.10.12-1-any.in-toto.link'])
    copyFileSync(join(REBUILDERD, file), join('attestations', file))
})
afterEach(() => work.dispose())

describe('layout-studio rebuilders, real attestations', () => {
  it('passes each package with its rebuilder and threshold 1 (exit 0), one line per package', async () => {
    const result = await cli(
      'rebuilders',
      DEB,
      ARCH,
      '--threshold',
      '1',
      '--rebuilder',
      'reproduce.debian.net=reproduce-debian-net-amd64.pub',
      '--rebuilder',
      'reproducible.archlinux.org=reproducible-archlinux.pub',
      '--attestations',
      'attestations',
    )
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')).toEqual([
      `PASS ${DEB}: 1 of 2 trusted rebuilders reproduced this file exactly (1 needed).`,
      `PASS ${ARCH}: 1 of 2 trusted rebuilders reproduced this file exactly (1 needed).`,
      '',
    ])
    expect(result.stderr).toContain('note: Read in rebuilderd mode: "environment" is null, so Python in-toto (1.3.1 and 2.x) refuses to load this link')
  })

  it('fails with threshold 2 (exit 1), and the INVALID attestation does not count', async () => {
    copyFileSync(join(REBUILDERD, 'filesystem-2025.10.12-1-any.INVALID.in-toto.link'), 'INVALID.link')
    const args = ['rebuilders', ARCH, '--rebuilder', 'arch=reproducible-archlinux.pub', '--threshold', '1']
    const invalid = await cli(...args, '--attestations', 'INVALID.link')
    expect(invalid.code).toBe(1)
    expect(invalid.stdout).toBe(`FAIL ${ARCH}: 0 of 1 trusted rebuilder reproduced this file exactly (1 needed): too few; arch: signature invalid.\n`)
    const json = JSON.parse((await cli(...args, '--attestations', 'INVALID.link', '--format', 'json')).stdout)
    expect(json.packages[0].rebuilders[0].status).toBe('bad-signature')
    expect(json.packages[0].rebuilders[0].attestations[0].signatures.map((s: { role: string; status: string }) => `${s.role}:${s.status}`)).toEqual([
      'worker:untrusted',
      'daemon:invalid',
    ])
  })

  it("another operator's key does not count", async () => {
    const result = await cli('rebuilders', DEB, '--threshold', '1', '--rebuilder', 'arch=reproducible-archlinux.pub', '--attestations', 'attestations')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe(`FAIL ${DEB}: 0 of 1 trusted rebuilder reproduced this file exactly (1 needed): too few; arch: no attestation.\n`)
  })

  it('--format json gives the per-rebuilder detail', async () => {
    const result = await cli('rebuilders', DEB, '--threshold', '1', '--rebuilder', 'debian=reproduce-debian-net-amd64.pub', '--attestations', 'attestations', '--format', 'json')
    expect(result.code).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json.verdict).toBe('pass')
    expect(json.policy.rebuilders).toEqual([{ name: 'debian', keys: [{ label: 'reproduce-debian-net-amd64', format: 'spki-pem', keyid: expect.stringMatching(/^2980aa62/) }] }])
    const [item] = json.packages
    expect(item.digests.sha256).toBe('32be954941cdb42bce44c19ece910af04ece3a1acc9b79fa3e8ff735ffb511cd')
    expect(item.rebuilders[0]).toMatchObject({ name: 'debian', status: 'reproduced', vote: true, dissent: false })
    expect(item.rebuilders[0].attestations[0]).toMatchObject({ path: 'attestations/librust-as-slice-dev_0.2.1-1+b2_amd64.in-toto.link', mode: 'rebuilderd' })
    expect(json.otherAttestations).toEqual([{ path: 'attestations/filesystem-2025.10.12-1-any.in-toto.link', stepName: `rebuild ${ARCH}`, files: [ARCH], signedBy: [] }])
  })

  it('reads the policy the app saves; flags add to it', async () => {
    let policy = emptyPolicy(2)
    policy = addRebuilderKeys(policy, 'debian', await readPolicyKeyFile(await readText(join(REBUILDERD, 'reproduce-debian-net-amd64.pub')), 'd.pub'))
    writeFileSync('policy.json', serializePolicy(policy))
    const policyOnly = await cli('rebuilders', DEB, '--policy', 'policy.json', '--attestations', 'attestations')
    expect(policyOnly.code).toBe(2)
    expect(policyOnly.stderr).toContain('The threshold is 2, but only 1 rebuilder is trusted')
    const lowered = await cli('rebuilders', DEB, '--policy', 'policy.json', '--threshold', '1', '--attestations', 'attestations')
    expect(lowered.code).toBe(0)
    const added = await cli('rebuilders', DEB, '--policy', 'policy.json', '--rebuilder', 'arch=reproducible-archlinux.pub', '--attestations', 'attestations')
    expect(added.code).toBe(1)
    expect(added.stdout).toContain('1 of 2 trusted rebuilders reproduced this file exactly (2 needed): too few; arch: no attestation.')
  })

  it('usage errors exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['rebuilders', DEB, '--rebuilder', 'x=reproducible-archlinux.pub'], /give --threshold K/],
      [['rebuilders', DEB, '--threshold', '0', '--rebuilder', 'x=reproducible-archlinux.pub'], /--threshold must be a whole number/],
      [['rebuilders', DEB, '--threshold', '1'], /The policy trusts no rebuilder yet/],
      [['rebuilders', DEB, '--threshold', '1', '--rebuilder', 'reproducible-archlinux.pub'], /must look like NAME=KEYFILE/],
      [['rebuilders', DEB, '--threshold', '1', '--rebuilder', 'x=missing.pub'], /cannot read the key file 'missing.pub'/],
      [['rebuilders', DEB, '--threshold', '1', '--rebuilder', `x=${DEB}`], /not a recognized public key/],
      [['rebuilders', DEB, '--threshold', '1', '--rebuilder', 'x=reproducible-archlinux.pub', '--rebuilder', 'y=reproducible-archlinux.pub'], /already a key of rebuilder 'x'/],
      [['rebuilders', 'nothing.deb', '--threshold', '1', '--rebuilder', 'x=reproducible-archlinux.pub'], /cannot read the package 'nothing.deb'/],
      [['rebuilders', DEB, '--threshold', '1', '--rebuilder', 'x=reproducible-archlinux.pub', '--format', 'xml'], /--format must be text or json/],
      [['rebuilders', DEB, '--policy', 'missing.json'], /cannot read the policy file/],
    ]
    for (const [args, message] of cases) {
      const result = await cli(...args)
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2])
      expect(result.stderr).toMatch(message)
    }
  })
})

describe('layout-studio rebuilders, the 2018 design (GPG keys)', () => {
  const APT = join(FIXTURES, 'apt-transport-in-toto')
  const NAME = 'final-product_0.0.0.0-0_all.deb'
  beforeEach(() => {
    for (const file of ['bobby.asc', 'carly.asc', 'rebuild.5863835e.link', 'rebuild.e946fc60.link']) copyFileSync(join(APT, file), file)
    mkdirSync('good')
    mkdirSync('bad')
    copyFileSync(join(APT, 'good', NAME), join('good', NAME))
    copyFileSync(join(APT, 'bad', NAME), join('bad', NAME))
  })
  const args = ['--threshold', '2', '--rebuilder', 'Bobby=bobby.asc', '--rebuilder', 'Carly=carly.asc']

  it('passes the good .deb, fails the bad one and fails with one link of two', async () => {
    const good = await cli('rebuilders', join('good', NAME), ...args, '--attestations', 'rebuild.5863835e.link', 'rebuild.e946fc60.link')
    expect([good.code, good.stdout]).toEqual([0, `PASS good/${NAME}: 2 of 2 trusted rebuilders reproduced this file exactly (2 needed).\n`])
    const bad = await cli('rebuilders', join('bad', NAME), ...args, '--attestations', 'rebuild.5863835e.link', 'rebuild.e946fc60.link')
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(
      /^FAIL bad\/final-product_0\.0\.0\.0-0_all\.deb: 0 of 2 trusted rebuilders reproduced this file exactly \(2 needed\): too few; Bobby and Carly reported different bytes/,
    )
    const one = await cli('rebuilders', join('good', NAME), ...args, '--attestations', 'rebuild.5863835e.link')
    expect([one.code, one.stdout]).toEqual([1, `FAIL good/${NAME}: 1 of 2 trusted rebuilders reproduced this file exactly (2 needed): too few; Carly: no attestation.\n`])
  })
})

describe('layout-studio rebuilders, generated attestations', () => {
  const artifact = 'hello_2.10-3_amd64.deb'
  let rebuilders: GeneratedRebuilder[]
  beforeAll(async () => {
    rebuilders = await Promise.all(['alpha', 'beta', 'gamma'].map(makeRebuilder))
  })

  async function setUp(digests: ReturnType<typeof digestsOf>[]) {
    writeFileSync(artifact, 'the package')
    const files: Record<string, Uint8Array> = {}
    for (const [index, rebuilder] of rebuilders.entries()) {
      writeFileSync(`${rebuilder.name}.pub`, rebuilderdPem(rebuilder.daemon))
      writeFileSync(`${rebuilder.name}-worker.pub`, rebuilderdPem(rebuilder.worker))
      const d = digests[index]
      if (d) files[`${rebuilder.name}/${artifact.replace(/\.deb$/, '')}.in-toto.link`] = await rebuilderdAttestation(rebuilder, { artifact, digests: d })
    }
    writeFileSync('attestations.zip', zipSync(files))
  }
  const trustAll = () => rebuilders.flatMap((r) => ['--rebuilder', `${r.name}=${r.name}.pub`])

  it('a dissent fails by default (exit 1) and passes with --quorum, naming the dissenter', async () => {
    const good = digestsOf('the package')
    await setUp([good, good, digestsOf('another build')])
    const strict = await cli('rebuilders', artifact, '--threshold', '2', ...trustAll(), '--attestations', 'attestations.zip')
    expect(strict.code).toBe(1)
    expect(strict.stdout).toMatch(/^FAIL hello_2\.10-3_amd64\.deb: 2 of 3 trusted rebuilders reproduced this file exactly \(2 needed\), but gamma reported different bytes/)
    const quorum = await cli('rebuilders', artifact, '--threshold', '2', ...trustAll(), '--attestations', 'attestations.zip', '--quorum')
    expect(quorum.code).toBe(0)
    expect(quorum.stdout).toBe(`PASS ${artifact}: 2 of 3 trusted rebuilders reproduced this file exactly (2 needed); gamma reported different bytes, outvoted in quorum mode.\n`)
  })

  it('a name given twice is one operator: its worker and daemon keys are one vote', async () => {
    const good = digestsOf('the package')
    await setUp([good])
    const alpha = rebuilders[0] as GeneratedRebuilder
    const result = await cli(
      'rebuilders',
      artifact,
      '--threshold',
      '2',
      '--rebuilder',
      'alpha=alpha.pub',
      '--rebuilder',
      'alpha=alpha-worker.pub',
      '--rebuilder',
      'beta=beta.pub',
      '--attestations',
      'attestations.zip',
      '--format',
      'json',
    )
    expect(result.code).toBe(1)
    const json = JSON.parse(result.stdout)
    expect(json.packages[0].votes).toBe(1)
    expect(json.policy.rebuilders[0].keys).toHaveLength(2)
    const signatures = json.packages[0].rebuilders[0].attestations[0].signatures
    expect(signatures.map((s: { role: string; status: string; signer: { label: string } }) => [s.role, s.status, s.signer.label])).toEqual([
      ['worker', 'valid', 'alpha-worker'],
      ['daemon', 'valid', 'alpha'],
    ])
    expect(alpha.name).toBe('alpha')
  })

  it('hostile attestations are refused clearly and the check goes on', async () => {
    await setUp([digestsOf('the package')])
    mkdirSync('junk')
    writeFileSync('junk/not-json.link', 'this is not JSON')
    writeFileSync('junk/huge.link', Buffer.alloc(17 * 1024 * 1024, 0x20))
    const result = await cli('rebuilders', artifact, '--threshold', '1', ...trustAll(), '--attestations', 'junk', 'attestations.zip')
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('warning: refused: junk/huge.link: is 17.0 MiB, larger than the 16.0 MiB one file may have here; refused')
    expect(result.stderr).toMatch(/warning: not an attestation: junk\/not-json\.link: line 1, column 1: /)
    mkdirSync('many')
    for (let i = 0; i < 4100; i++) writeFileSync(`many/${i}.link`, '{}')
    const many = await cli('rebuilders', artifact, '--threshold', '1', ...trustAll(), '--attestations', 'many', 'attestations.zip')
    expect(many.code).toBe(1)
    expect(many.stderr).toContain('warning: refused: more than 4,096 attestation files were given; at most 4,096 are read at once')
  })
})

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  return readFile(path, 'utf8')
}
