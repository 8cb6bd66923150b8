import { describe, expect, it } from 'vitest'
import { createInspection, createStep, defaultExpires, emptyLayout } from '../model/layout.ts'
import type { Layout, RuleSource } from '../model/types.ts'
import { lintLayout } from './lint.ts'

function withUntar(materials: RuleSource[], products: RuleSource[] = [['ALLOW', '*']]): Layout {
  const layout = emptyLayout(defaultExpires(new Date('2026-01-01T00:00:00Z')))
  return {
    ...layout,
    steps: [createStep('package', { expectedProducts: [['CREATE', 'hello.tar.gz']] })],
    inspect: [createInspection('untar', { run: ['tar', 'xzf', 'hello.tar.gz'], expectedMaterials: materials, expectedProducts: products })],
  }
}

const directory = ['root.layout', 'owner.pub']
const findings = (layout: Layout) =>
  lintLayout(layout, { verifierDirectory: directory, now: new Date('2026-01-02T00:00:00Z') }).filter((f) => f.code === 'inspection-sees-metadata')

describe('lint: what the verifier’s working directory holds', () => {
  it('warns when an inspection ending in DISALLOW * would see the layout and the owner key, and proposes the demo’s ALLOW lines', () => {
    const [finding, ...rest] = findings(
      withUntar([
        ['MATCH', 'hello.tar.gz', 'WITH', 'PRODUCTS', 'FROM', 'package'],
        ['DISALLOW', '*'],
      ]),
    )
    expect(rest).toEqual([])
    expect(finding).toMatchObject({
      severity: 'warning',
      path: 'inspect[0].expected_materials[1]',
      target: { kind: 'inspection', index: 0, name: 'untar' },
      fix: {
        label: 'Add ALLOW root.layout, ALLOW owner.pub',
        path: 'inspect[0].expected_materials',
        index: 1,
        rules: [
          ['ALLOW', 'root.layout'],
          ['ALLOW', 'owner.pub'],
        ],
      },
    })
    expect(finding!.message).toContain("Inspection 'untar' runs in the verifier's directory, which holds root.layout, owner.pub")
  })

  it('is quiet when the files are allowed first, and names only the ones still refused', () => {
    expect(
      findings(
        withUntar([
          ['ALLOW', 'root.layout'],
          ['ALLOW', '*.pub'],
          ['DISALLOW', '*'],
        ]),
      ),
    ).toEqual([])
    const [finding] = findings(
      withUntar([
        ['ALLOW', 'root.layout'],
        ['DISALLOW', '*.pub'],
        ['ALLOW', '*'],
      ]),
    )
    expect(finding?.fix?.rules).toEqual([['ALLOW', 'owner.pub']])
  })

  it('checks products too, and says nothing without a directory or without a DISALLOW', () => {
    expect(findings(withUntar([['ALLOW', '*']], [['DISALLOW', '*']]))[0]?.path).toBe('inspect[0].expected_products[0]')
    expect(findings(withUntar([['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'package']]))).toEqual([])
    expect(lintLayout(withUntar([['DISALLOW', '*']])).filter((f) => f.code === 'inspection-sees-metadata')).toEqual([])
  })
})
