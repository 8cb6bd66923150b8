import { describe, expect, it } from 'vitest'
import { demoChain } from '../../core/editor/templates.ts'
import { createStep } from '../../core/model/layout.ts'
import type { Layout, LayoutKey } from '../../core/model/types.ts'
import { keyFileNames } from './export-files.ts'
import { generationOfLayoutKeys, matchSources, recordPaths, runSheet, shellQuote, verifierDirectoryFiles, verifyCommand } from './run-sheet.ts'

/** The editor's demo chain: bob (write-code) and carl (package), the upstream demo keys. */
const chain = demoChain(new Date())

function layoutKey(keyid: string, keytype: string, extra: Partial<LayoutKey> = {}): LayoutKey {
  return { json: new Map(), keytype, scheme: keytype, keyid, public: '00'.repeat(32), ...extra }
}

/** build, 2 of alice (ed25519) and bob (RSA), from clone's products. */
function thresholdChain(): { layout: Layout; names: Map<string, string> } {
  const alice = 'aa'.repeat(32)
  const bob = 'bb'.repeat(32)
  const layout: Layout = {
    ...chain.layout,
    keys: new Map([
      [alice, layoutKey(alice, 'ed25519')],
      [bob, layoutKey(bob, 'rsa')],
    ]),
    steps: [
      createStep('build', {
        pubkeys: [alice, bob],
        threshold: 2n,
        expectedCommand: ['make', 'all'],
        expectedMaterials: [
          ['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'clone'],
          ['DISALLOW', '*'],
        ],
        expectedProducts: [
          ['CREATE', 'hello'],
          ['ALLOW', '*'],
          ['DISALLOW', '*'],
        ],
      }),
    ],
    inspect: [],
  }
  return {
    layout,
    names: new Map([
      [alice, 'alice'],
      [bob, 'bob'],
    ]),
  }
}

describe('run sheet', () => {
  it('keeps keys and links outside the recorded tree, for in-toto 1.x', () => {
    const sheets = runSheet(chain.layout, chain.keyNames, { generation: 'in-toto-1' })
    expect(sheets.map((sheet) => [sheet.name, sheet.steps.map((step) => step.linkFile)])).toEqual([
      ['bob', ['write-code.776a00e2.link']],
      ['carl', ['package.2f89b927.link']],
    ])
    const [bob, carl] = sheets
    expect(bob!.setup).toEqual(['mkdir -p "$HOME/.in-toto/keys" "$HOME/.in-toto/links"', 'mv bob.pem "$HOME/.in-toto/keys"/'])
    expect(bob!.steps[0]!.commands).toEqual([
      { tool: 'in-toto 1.x', command: 'in-toto-run -k "$HOME/.in-toto/keys/bob.pem" -t rsa -P -n write-code -p foo.py -d "$HOME/.in-toto/links" -x' },
      { tool: 'Layout Studio', command: 'layout-studio run -k "$HOME/.in-toto/keys/bob.pem" -P -n write-code -p foo.py -d "$HOME/.in-toto/links" -x' },
    ])
    expect(carl!.steps[0]!.commands[0]!.command).toBe(
      'in-toto-run -k "$HOME/.in-toto/keys/carl.pem" -t rsa -P -n package -m foo.py -p foo.tar.gz foo.py -d "$HOME/.in-toto/links" -- tar zcvf foo.tar.gz foo.py',
    )
  })

  it('uses --signing-key with the PKCS#8 file for in-toto 2.2+, and the securesystemslib file for ed25519 on 1.x', () => {
    const { layout, names } = thresholdChain()
    const [alice1] = runSheet(layout, names, { generation: 'in-toto-1' })
    expect(alice1!.keyFile).toBe('alice')
    expect(alice1!.steps[0]!.commands[0]!.command).toBe('in-toto-run -k "$HOME/.in-toto/keys/alice" -t ed25519 -P -n build -m . -p . -d "$HOME/.in-toto/links" -- make all')
    const [alice2] = runSheet(layout, names, { generation: 'in-toto-2' })
    expect(alice2!.keyFile).toBe('alice.pem')
    expect(alice2!.steps[0]!.commands[0]).toEqual({
      tool: 'in-toto 2.2+ / 3.x',
      command: 'in-toto-run --signing-key "$HOME/.in-toto/keys/alice.pem" -P -n build -m . -p . -d "$HOME/.in-toto/links" -- make all',
    })
  })

  it('tells every functionary of a threshold step to start from the same files', () => {
    const { layout, names } = thresholdChain()
    const sheets = runSheet(layout, names, { generation: 'in-toto-1' })
    for (const sheet of sheets) {
      expect(sheet.steps[0]).toMatchObject({ threshold: 2, authorized: 2 })
      expect(sheet.steps[0]!.workingDirectory).toBe(
        'Each of the 2 functionaries runs this in their own fresh copy of the same files: the products of clone. Their links must report the same materials and products.',
      )
    }
  })

  it('signs with GnuPG for a GPG functionary (no key file, no Layout Studio command)', () => {
    const fingerprint = '8465a1e2e0fb2b40adb2478e18fb3f537e0c8a17'
    const layout: Layout = {
      ...chain.layout,
      keys: new Map([[fingerprint, layoutKey(fingerprint, 'rsa', { gpg: true })]]),
      steps: [createStep('review', { pubkeys: [fingerprint] })],
      inspect: [],
    }
    const [sheet] = runSheet(layout, new Map([[fingerprint, 'dana']]), { generation: 'in-toto-2' })
    expect(sheet!.keyFile).toBeUndefined()
    expect(sheet!.steps[0]!.linkFile).toBe('review.8465a1e2.link')
    expect(sheet!.steps[0]!.commands).toEqual([
      { tool: 'in-toto 2.2+ / 3.x', command: 'in-toto-run --gpg 8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17 -n review -d "$HOME/.in-toto/links" -x' },
    ])
  })

  it('names link files by the keyid the functionaries’ tool computes', () => {
    const sheets = runSheet(chain.layout, chain.keyNames, { generation: 'in-toto-2', keyidOf: (_key, keyid) => `ff${keyid.slice(2)}` })
    expect(sheets[0]!.steps[0]!.linkFile).toBe('write-code.ff6a00e2.link')
  })

  it('records literal paths, or the whole directory once a rule uses a pattern', () => {
    expect(recordPaths([])).toEqual([])
    expect(
      recordPaths([
        ['CREATE', 'foo.py'],
        ['DISALLOW', '*'],
      ]),
    ).toEqual(['foo.py'])
    expect(
      recordPaths([
        ['MATCH', 'foo.py', 'IN', 'src/', 'WITH', 'PRODUCTS', 'FROM', 'a'],
        ['ALLOW', 'foo.py'],
      ]),
    ).toEqual(['src/foo.py', 'foo.py'])
    expect(
      recordPaths([
        ['CREATE', 'foo.py'],
        ['ALLOW', '*.pyc'],
      ]),
    ).toEqual(['.'])
    expect(recordPaths([['NOT', 'a', 'rule']])).toEqual(['.'])
    expect(matchSources([['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'clone'], ['MATCH', 'x', 'WITH', 'MATERIALS', 'FROM', 'clone'], ['NOT']])).toEqual(['clone'])
  })

  it('gives the verify command for each tool, with the key files as exported', () => {
    const owners = [
      { name: 'Olivia Owner', keytype: 'ed25519' },
      { name: 'ops', keytype: 'rsa' },
    ]
    expect(verifyCommand('root.layout', owners, 'in-toto-1', 'links')).toBe('in-toto-verify -l root.layout -k olivia-owner.pub ops.pub.pem -t ed25519 rsa --link-dir links')
    expect(verifyCommand('root.layout', owners, 'in-toto-2')).toBe('in-toto-verify -l root.layout --verification-keys olivia-owner.pub.pem ops.pub.pem')
    expect(verifyCommand('root.layout', owners, 'layout-studio')).toBe('layout-studio verify -l root.layout --verification-keys olivia-owner.pub.pem ops.pub.pem')
    expect(verifierDirectoryFiles('root.layout', owners)).toEqual(['root.layout', 'olivia-owner.pub.pem', 'olivia-owner.pub', 'ops.pub.pem'])
  })

  it('quotes shell words only when needed', () => {
    expect(shellQuote('foo.tar.gz')).toBe('foo.tar.gz')
    expect(shellQuote('two words')).toBe("'two words'")
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
    expect(shellQuote('$HOME')).toBe("'$HOME'")
  })

  it('names key files like in-toto-keygen, safe for any display name', () => {
    expect(keyFileNames('Alice Smith')).toEqual({ publicPem: 'alice-smith.pub.pem', publicSslib: 'alice-smith.pub', privatePem: 'alice-smith.pem', privateSslib: 'alice-smith' })
    expect(keyFileNames('../../etc/passwd').privatePem).toBe('etc-passwd.pem')
    expect(keyFileNames('Ünïcödé').privateSslib).toBe('unicode')
    expect(keyFileNames('***').privateSslib).toBe('key')
  })
})

describe('run sheet across keyid generations', () => {
  it('warns when the functionaries’ tool signs under a keyid the layout does not list', () => {
    const sheets = runSheet(chain.layout, chain.keyNames, { generation: 'in-toto-2', keyidOf: (_key, keyid) => `ff${keyid.slice(2)}` })
    expect(sheets[0]!.steps[0]!.unlistedKeyid).toBe(`ff${[...chain.layout.keys.keys()][0]!.slice(2)}`)
    expect(runSheet(chain.layout, chain.keyNames, { generation: 'in-toto-1' })[0]!.steps[0]!.unlistedKeyid).toBeUndefined()
  })

  it('starts on the generation whose keyids the layout carries', () => {
    expect(generationOfLayoutKeys(['2.x', '2.x'])).toBe('in-toto-2')
    expect(generationOfLayoutKeys(['2.x', '1.x'])).toBe('in-toto-1')
    expect(generationOfLayoutKeys([])).toBe('in-toto-1')
  })
})
