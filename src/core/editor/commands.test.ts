import { describe, expect, it } from 'vitest'
import { emptyLayout, validateLayout } from '../model/layout.ts'
import { addInspection, addStep, argsToText, authorizeKey, connectItems, deleteItem, freshName, moveRule, removeKey, renameItem, setExpires, textToArgs } from './commands.ts'
import { demoChain } from './templates.ts'

const NOW = new Date('2025-01-01T00:00:00Z')

describe('editor commands', () => {
  it('renaming an item retargets every MATCH … FROM that named it', () => {
    const { layout } = demoChain(NOW)
    const next = renameItem(layout, { kind: 'step', index: 0 }, 'author')
    expect(next.steps[0]?.name).toBe('author')
    expect(next.steps[1]?.expectedMaterials).toEqual([['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'author']])
    expect(next.inspect[0]?.expectedProducts).toEqual([['MATCH', 'foo.py', 'WITH', 'PRODUCTS', 'FROM', 'author']])
    expect(layout.steps[0]?.name).toBe('write-code')
    expect(validateLayout(next)).toEqual([])
  })

  it('connecting two items adds MATCH … FROM before a trailing DISALLOW *, once', () => {
    let layout = addStep(addStep(emptyLayout('2030-01-01T00:00:00Z'), 'a'), 'b', {
      expectedMaterials: [
        ['ALLOW', 'x'],
        ['DISALLOW', '*'],
      ],
    })
    layout = connectItems(layout, 'a', { kind: 'step', index: 1 }, 'dist/*')
    expect(layout.steps[1]?.expectedMaterials).toEqual([
      ['ALLOW', 'x'],
      ['MATCH', 'dist/*', 'WITH', 'PRODUCTS', 'FROM', 'a'],
      ['DISALLOW', '*'],
    ])
    expect(connectItems(layout, 'a', { kind: 'step', index: 1 }, 'dist/*')).toBe(layout)
    expect(connectItems(layout, 'b', { kind: 'step', index: 1 })).toBe(layout)
  })

  it('moves rules, deletes items and keys, and returns the same layout for no-ops', () => {
    const { layout } = demoChain(NOW)
    const moved = moveRule(layout, { kind: 'step', index: 1 }, 'products', 0, 1)
    expect(moved.steps[1]?.expectedProducts).toEqual([
      ['ALLOW', 'foo.py'],
      ['CREATE', 'foo.tar.gz'],
    ])
    expect(moveRule(layout, { kind: 'step', index: 1 }, 'products', 0, 5)).toBe(layout)
    const keyid = layout.steps[0]?.pubkeys[0] as string
    const withoutKey = removeKey(layout, keyid)
    expect(withoutKey.keys.has(keyid)).toBe(false)
    expect(withoutKey.steps[0]?.pubkeys).toEqual([])
    expect(authorizeKey(layout, 0, keyid)).toBe(layout)
    expect(deleteItem(layout, { kind: 'inspection', index: 0 }).inspect).toEqual([])
    expect(setExpires(layout, layout.expires)).toBe(layout)
  })

  it('names new items uniquely and reads argument lists with quoting', () => {
    const layout = addInspection(addStep(emptyLayout('2030-01-01T00:00:00Z'), 'step'), 'step-2')
    expect(freshName(layout, 'step')).toBe('step-3')
    expect(textToArgs('tar "a b.txt" -x')).toEqual(['tar', 'a b.txt', '-x'])
    expect(argsToText(['tar', 'a b.txt', ''])).toBe('tar "a b.txt" ""')
    expect(() => textToArgs('tar "open')).toThrow(/unterminated/)
  })
})
