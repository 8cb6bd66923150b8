import { describe, expect, it } from 'vitest'
import { createStep } from '../../core/model/layout.ts'
import { demoChain } from '../../core/editor/templates.ts'
import { keyFileNames } from './export-files.ts'
import { recordPaths, runSheet, shellQuote } from './run-sheet.ts'

/** The editor's demo chain: bob (write-code) and carl (package), the upstream demo keys. */
const chain = demoChain(new Date())

describe('run sheet', () => {
  it('gives each demo functionary the exact commands and link file name', () => {
    const sheets = runSheet(chain.layout, chain.keyNames)
    expect(sheets.map((sheet) => [sheet.name, sheet.steps.map((step) => step.linkFile)])).toEqual([
      ['bob', ['write-code.776a00e2.link']],
      ['carl', ['package.2f89b927.link']],
    ])
    const [bob, carl] = sheets
    expect(bob!.steps[0]!.commands).toEqual([
      { tool: 'in-toto 2.x', command: 'in-toto-run --signing-key bob.pem -P -n write-code -p foo.py -x' },
      { tool: 'in-toto 1.x', command: 'in-toto-run -k bob.pem -t rsa -P -n write-code -p foo.py -x' },
      { tool: 'Layout Studio', command: 'layout-studio run -k bob.pem -n write-code -p foo.py -x' },
    ])
    expect(carl!.steps[0]!.commands[0]!.command).toBe('in-toto-run --signing-key carl.pem -P -n package -m foo.py -p foo.tar.gz foo.py -- tar zcvf foo.tar.gz foo.py')
  })

  it('points ed25519 and ecdsa keys at the securesystemslib JSON file for in-toto 1.x', () => {
    const layout = chain.layout
    const keyid = 'ab'.repeat(32)
    const key = { json: new Map(), keytype: 'ed25519', scheme: 'ed25519', keyid, public: '00'.repeat(32) }
    const withDanny = { ...layout, keys: new Map([[keyid, key]]), steps: [createStep('build', { pubkeys: [keyid], expectedCommand: ['make', 'all'] })] }
    const [sheet] = runSheet(withDanny, new Map([[keyid, 'Danny Dev']]))
    expect(sheet!.steps[0]!.commands[1]!.command).toBe('in-toto-run -k danny-dev -t ed25519 -P -n build -- make all')
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
