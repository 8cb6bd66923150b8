/**
 * PackedArtifactMap answers every lookup as the Map it stands for, whatever the order of the
 * lookups (its sorted search starts where the last one ended) and whether or not the packed
 * paths are sorted.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { HashDict } from '../model/types.ts'
import { PackedArtifactMap, packArtifacts, unpackArtifacts } from './packed-artifacts.ts'

function packedOf(paths: readonly string[]): { map: Map<string, HashDict>; packed: PackedArtifactMap } {
  const map = new Map<string, HashDict>(paths.map((path, i) => [path, new Map([['sha256', i.toString(16)]])]))
  const packed = unpackArtifacts(packArtifacts(map))
  expect(packed).toBeInstanceOf(PackedArtifactMap)
  return { map, packed: packed as PackedArtifactMap }
}

describe('PackedArtifactMap lookups', () => {
  const path = fc.string({ unit: fc.constantFrom('a', 'b', '/', 'é', '😀'), maxLength: 6 })
  const paths = fc.uniqueArray(path, { maxLength: 40 })

  it('agree with a Map for any lookup order, sorted or not', () => {
    fc.assert(
      fc.property(paths, fc.boolean(), fc.array(path, { maxLength: 60 }), fc.boolean(), (list, sort, queries, ascending) => {
        const keys = sort ? [...list].sort() : list
        const { map, packed } = packedOf(keys)
        const asked = ascending ? [...queries, ...keys].sort() : [...queries, ...keys]
        for (const query of asked) {
          expect(packed.has(query)).toBe(map.has(query))
          expect(packed.get(query)).toEqual(map.get(query))
        }
        expect([...packed.keys()]).toEqual(keys)
      }),
      { numRuns: 500 },
    )
  })

  it('finds every path of a long sorted list asked in ascending order with gaps, then backwards', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `src/file_${String(i).padStart(5, '0')}.py`)
    const { packed } = packedOf(keys)
    for (let i = 0; i < keys.length; i += 1 + (i % 37)) expect(packed.indexOf(keys[i] as string)).toBe(i)
    for (let i = keys.length - 1; i >= 0; i -= 13) expect(packed.indexOf(keys[i] as string)).toBe(i)
    expect(packed.indexOf('src/file_00000.py ')).toBeUndefined()
    expect(packed.indexOf('zzz')).toBeUndefined()
    expect(packed.indexOf('')).toBeUndefined()
  })
})
