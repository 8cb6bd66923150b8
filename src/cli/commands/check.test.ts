import { writeFileSync } from 'node:fs'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { generateKeyPair } from '../../core/keys/generate.ts'
import type { PrivateKey } from '../../core/keys/types.ts'
import { cli, layoutDocument, tempWorkdir } from '../../../test/support/cli.ts'

let owner: PrivateKey
let work: ReturnType<typeof tempWorkdir>

beforeAll(async () => {
  owner = await generateKeyPair('ed25519')
})
beforeEach(() => {
  work = tempWorkdir('check')
})
afterEach(() => work.dispose())

const goodSteps = () => [
  {
    name: 'write',
    pubkeys: [owner.publicKey.keyid],
    products: [
      ['CREATE', 'foo.py'],
      ['DISALLOW', '*'],
    ],
    materials: [['DISALLOW', '*']],
  },
  {
    name: 'package',
    pubkeys: [owner.publicKey.keyid],
    materials: [
      ['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'write'],
      ['DISALLOW', '*'],
    ],
    products: [
      ['CREATE', 'foo.tar.gz'],
      ['DISALLOW', '*'],
    ],
  },
]

describe('layout-studio check', () => {
  it('passes a clean layout (exit 0)', async () => {
    writeFileSync('root.layout', JSON.stringify({ signed: layoutDocument([owner.publicKey], goodSteps()), signatures: [] }))
    const result = await cli('check', 'root.layout')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('root.layout: 0 error(s), 0 warning(s)\n')
  })

  it('prints lint findings with their JSON path in the file, and exits 1 on errors', async () => {
    const steps = goodSteps()
    steps[1] = { ...steps[1]!, pubkeys: ['abcdef'], materials: [['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'wirte']] }
    writeFileSync('root.layout', JSON.stringify({ signed: layoutDocument([owner.publicKey], steps), signatures: [], extra: 1 }))
    const result = await cli('check', 'root.layout')
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('root.layout: signed.steps[1].pubkeys[0]: error [unknown-pubkey]:')
    expect(result.stdout).toContain('root.layout: signed.steps[1].expected_materials[0]: error [match-unknown-step]:')
    expect(result.stdout).toContain('root.layout: signed.steps[1].expected_materials: warning [missing-trailing-disallow]:')
    expect(result.stdout).toContain('root.layout: extra: warning [ignored-member]:')
    expect(result.stdout).toContain('2 error(s), 2 warning(s)')
  })

  it('prints JSON with --format json; paths are bare for a bare layout document', async () => {
    writeFileSync('draft.json', JSON.stringify(layoutDocument([owner.publicKey], goodSteps(), '2001-01-01T00:00:00Z')))
    const result = await cli('check', 'draft.json', '--format', 'json')
    expect(result.code).toBe(1)
    const report = JSON.parse(result.stdout) as { file: string; errors: number; findings: { code: string; path: string; severity: string }[] }
    expect(report).toMatchObject({ file: 'draft.json', errors: 1 })
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'error', code: 'expired', path: 'expires' })])
  })

  it('reports a layout the reference would refuse, with the JSON path of each problem', async () => {
    const layout = layoutDocument([owner.publicKey], goodSteps())
    ;(layout.steps as Record<string, unknown>[])[0]!.threshold = 'two'
    ;(layout.steps as Record<string, unknown>[])[1]!.expected_products = [['CREATE']]
    writeFileSync('bad.layout', JSON.stringify({ signed: layout, signatures: [] }))
    const result = await cli('check', 'bad.layout', '--format', 'json')
    expect(result.code).toBe(1)
    const paths = (JSON.parse(result.stdout) as { findings: { path: string; code: string }[] }).findings.map((f) => `${f.code} ${f.path}`)
    expect(paths).toContain('invalid signed.steps[0].threshold')
    expect(paths.some((p) => p.startsWith('invalid signed.steps[1].expected_products[0]'))).toBe(true)
  })

  it('refuses links, unparsable files (exit 1) and missing files or bad options (exit 2)', async () => {
    writeFileSync('a.link', JSON.stringify({ signed: { _type: 'link', name: 'a' }, signatures: [] }))
    expect((await cli('check', 'a.link')).stdout).toContain('signed._type: error [invalid]: this is a link, not a layout')
    writeFileSync('junk', '{"signed": ')
    const junk = await cli('check', 'junk')
    expect(junk.code).toBe(1)
    expect(junk.stdout).toMatch(/^junk: .*error \[invalid\]/)
    const missing = await cli('check', 'absent')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("'absent': no such file")
    writeFileSync('root.layout', JSON.stringify(layoutDocument([owner.publicKey], goodSteps())))
    expect((await cli('check', 'root.layout', '--format', 'xml')).code).toBe(2)
  })
})
