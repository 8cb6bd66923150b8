import { describe, expect, it } from 'vitest'
import { keyed } from './keyed.ts'

describe('keyed', () => {
  it('keys repeated items by occurrence, and keeps a key when an item before another text is removed', () => {
    expect(keyed(['ALLOW a', 'DISALLOW *', 'ALLOW a'], (t) => t).map((k) => k.key)).toEqual(['ALLOW a', 'DISALLOW *', 'ALLOW a#1'])
    expect(keyed(['DISALLOW *', 'ALLOW a'], (t) => t)[1]).toEqual({ key: 'ALLOW a', item: 'ALLOW a', index: 1 })
  })
})
