/**
 * The tar reader: refusals of what tar implementations read differently (the full table,
 * with GNU tar's own behaviour, is test/hostile/archives.test.ts), and no stack overflow on a
 * pax record whose length field is a megabyte of digits.
 */
import { describe, expect, it } from 'vitest'
import { pax, writeTar } from '../../../test/support/archives.ts'
import { BundleError } from './limits.ts'
import { readTar, type TarEntry } from './tar.ts'

function read(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = []
  readTar(bytes, 'x.tar', (entry) => entries.push(entry))
  return entries
}

function refusal(bytes: Uint8Array): BundleError {
  try {
    read(bytes)
  } catch (error) {
    if (error instanceof BundleError) return error
    throw error
  }
  throw new Error('the archive was read')
}

describe('readTar', () => {
  it('reads pax paths, GNU long names and ustar members', () => {
    const bytes = writeTar([
      pax({ path: 'a/'.repeat(60) + 'long.txt' }),
      { name: 'ignored', data: 'p' },
      { name: '././@LongLink', type: 'L', data: 'gnu-long-name\0' },
      { name: 'x', data: 'g' },
      { name: 'plain', data: 'u' },
    ])
    expect(read(bytes).map((entry) => entry.name)).toEqual([`${'a/'.repeat(60)}long.txt`, 'gnu-long-name', 'plain'])
  })

  it('accepts a signed header checksum, as GNU tar does', () => {
    const bytes = writeTar([{ name: 'caf\u00e9', data: 'x' }])
    // Re-sum the header as a signed sum (bytes ≥ 0x80 counted negative).
    const header = bytes.subarray(0, 512)
    header.fill(0x20, 148, 156)
    let signed = 0
    for (const byte of header) signed += byte >= 0x80 ? byte - 0x100 : byte
    header.set(new TextEncoder().encode(`${signed.toString(8).padStart(6, '0')}\0 `), 148)
    expect(read(bytes).map((entry) => entry.name)).toEqual(['caf\u00e9'])
  })

  it.each([
    [
      'data after the end-of-archive block',
      writeTar([{ name: 'a', data: '1' }], { trailer: Uint8Array.from([...new Uint8Array(512), ...writeTar([{ name: 'b' }])]) }),
      /goes on after its end-of-archive block/,
    ],
    ['two long-name headers', writeTar([{ name: 'L', type: 'L', data: 'one\0' }, { name: 'L', type: 'L', data: 'two\0' }, { name: 'x' }]), /two long-name headers/],
    ['an old GNU sparse member', writeTar([{ name: 's', type: 'S', data: 'x' }]), /sparse file/],
    ['a pax sparse header', writeTar([pax({ 'GNU.sparse.major': '1' }), { name: 's' }]), /sparse file \(GNU\.sparse\.major\)/],
    ['a global pax path', writeTar([pax({ path: 'all' }, 'g'), { name: 'a' }]), /a global pax header sets 'path'/],
    ['a name that is not UTF-8', writeTar([{ name: Uint8Array.of(0x61, 0xff) }]), /the member name is not UTF-8/],
    ['a pax header with no member after it', writeTar([pax({ path: 'lost' })]), /an extended header has no member after it/],
  ])('refuses %s', (_, bytes, message) => {
    const error = refusal(bytes)
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(message)
  })

  it('a pax length field of a million digits is malformed, not a stack overflow', () => {
    const error = refusal(writeTar([{ ...pax({}), data: `${'9'.repeat(1_000_000)} path=x\n` }, { name: 'a' }]))
    expect(error.code).toBe('corrupt-archive')
    expect(error.message).toMatch(/a pax header record is malformed/)
  })
})
