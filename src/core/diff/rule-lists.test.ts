import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { RuleSource } from '../model/types.ts'
import { alignRules, mergeAccepted, retargetRule } from './rule-lists.ts'

const ALPHABET: RuleSource[] = [
  ['ALLOW', 'a'],
  ['ALLOW', 'b'],
  ['CREATE', '*'],
  ['DISALLOW', '*'],
  ['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 's'],
  ['allow', 'a'],
]
const list = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 7 })

describe('alignRules', () => {
  it('keeps, adds, removes, changes in place, moves, and tells rewritten rules apart', () => {
    const before: RuleSource[] = [
      ['ALLOW', 'a'],
      ['CREATE', 'x'],
      ['DISALLOW', '*'],
    ]
    expect(
      alignRules(before, [
        ['allow', 'a'],
        ['CREATE', 'y'],
        ['DISALLOW', '*'],
        ['ALLOW', 'z'],
      ]).map((e) => e.status),
    ).toEqual(['rewritten', 'changed', 'same', 'added'])
    expect(
      alignRules(before, [
        ['ALLOW', 'a'],
        ['DISALLOW', '*'],
      ]).map((e) => e.status),
    ).toEqual(['same', 'removed', 'same'])
    const moved = alignRules(before, [
      ['DISALLOW', '*'],
      ['ALLOW', 'a'],
      ['CREATE', 'x'],
    ])
    expect(moved.map((e) => e.status)).toEqual(['moved', 'same', 'same', 'moved-away'])
    expect(moved[0]?.partner).toBe(3)
    expect(moved[3]?.partner).toBe(0)
  })

  it('retargets MATCH rules through renames', () => {
    expect(retargetRule(['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'old'], new Map([['old', 'new']]))).toEqual(['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'new'])
    expect(retargetRule(['ALLOW', 'old'], new Map([['old', 'new']]))).toEqual(['ALLOW', 'old'])
  })

  it('gives the new list when every change is accepted and the old one when none is', () => {
    fc.assert(
      fc.property(list, list, (before, after) => {
        const alignment = alignRules(before, after)
        expect(mergeAccepted(alignment, new Set(alignment.keys()))).toEqual(after)
        expect(mergeAccepted(alignment, new Set())).toEqual(before)
      }),
    )
  })
})
