/**
 * The zip reader reads as Info-ZIP unzip does (the central directory, each local header
 * checked against it) and refuses what two readers could read differently. The full table of
 * tricks, with what unzip itself does, is test/hostile/archives.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { zipSync, strToU8 } from 'fflate'
import { writeZip } from '../../../test/support/archives.ts'
import { Budget, BundleError } from './limits.ts'
import { readZip, type ZipMember } from './zip.ts'

function read(bytes: Uint8Array): ZipMember[] {
  const members: ZipMember[] = []
  readZip(bytes, 'x.zip', new Budget(), (member) => members.push(member))
  return members
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

describe('readZip', () => {
  it('reads what fflate writes (deflate and stored), in central-directory order, with directories and CRC checked', () => {
    const bytes = zipSync({ 'a.txt': strToU8('hello '.repeat(100)), 'dir/': new Uint8Array(), 'dir/b.bin': [new Uint8Array([1, 2, 3]), { level: 0 }] })
    const members = read(bytes)
    expect(members.map((member) => [member.name, member.directory, member.data.length])).toEqual([
      ['a.txt', false, 600],
      ['dir/', true, 0],
      ['dir/b.bin', false, 3],
    ])
  })

  it.each([
    [
      'a duplicate name',
      writeZip([
        { name: 'a', data: '1' },
        { name: 'a', data: '2' },
      ]),
      'unsupported',
      /two members have this name/,
    ],
    ['a local name unlike the central one', writeZip([{ name: 'a', localName: 'b', data: '1' }]), 'unsupported', /its local header names it "b"/],
    ['the encryption flag', writeZip([{ name: 'a', data: '1', flags: 1 }]), 'unsupported', /encrypted/],
    ['a bad CRC-32', writeZip([{ name: 'a', data: '1', crc: 1 }]), 'unsupported', /CRC-32 does not match/],
    ['bytes after the end record', writeZip([{ name: 'a', data: '1' }], { after: new Uint8Array(3) }), 'unsupported', /data after the end/],
    ['bytes before the first member', writeZip([{ name: 'a', data: '1' }], { before: new Uint8Array(7) }), 'unsupported', /bytes 0–7 belong to no member/],
    ['no end record at all', new Uint8Array(100), 'corrupt-archive', /no zip end-of-central-directory record/],
  ] as const)('refuses %s (%s)', (_, bytes, code, message) => {
    const error = refusal(bytes)
    expect(error.code).toBe(code)
    expect(error.message).toMatch(message)
    expect(error.file).toBe('x.zip')
  })

  it('tells special members by their Unix mode', () => {
    const [link] = read(writeZip([{ name: 'l', data: 'target', mode: 0o120777 }]))
    expect(link?.special).toBe('a symbolic link')
    const [fifo] = read(writeZip([{ name: 'p', mode: 0o010644 }]))
    expect(fifo?.special).toBe('a FIFO (named pipe)')
  })

  it('stops a member that inflates past the per-file limit, whatever its header claims', () => {
    const bomb = zipSync({ 'z.bin': new Uint8Array(8 << 20) }, { level: 9 })
    const error = (() => {
      try {
        readZip(bomb, 'bomb.zip', new Budget({ maxFileBytes: 1 << 20, maxTotalBytes: 1 << 30, maxEntries: 10 }), () => undefined)
      } catch (caught) {
        return caught as BundleError
      }
      throw new Error('the bomb was read')
    })()
    expect(error.code).toBe('too-large')
    expect(error.entry).toBe('z.bin')
  })
})
