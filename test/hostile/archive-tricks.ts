/**
 * Archives that two unpackers read differently, or that hold what the emulated inspections do
 * not reproduce, built byte by byte (real tools refuse to write most of them). Shared by the
 * unit tests (test/hostile/archives.test.ts) and the browser test (e2e/hostile-archives.spec.ts):
 * each is an inspection's input, and the emulation must report the inspection as not run,
 * saying why, never run it one way.
 *
 * `real` is what the installed tool (Info-ZIP unzip 6.0, GNU tar 1.34) does with the same
 * bytes, checked by the unit tests where the tool is installed: the reason the emulation may
 * not guess.
 */
import { gzipSync } from 'fflate'
import { crc32 } from '../../src/core/encoding/crc32.ts'
import { joinBytes as join, localHeader, pax, writeTar, writeZip } from '../support/archives.ts'

export { pax, writeTar, writeZip }

const encoder = new TextEncoder()

export interface ArchiveTrick {
  readonly name: string
  /** The archive's file name in the working directory. */
  readonly file: string
  readonly bytes: Uint8Array
  /** The inspection's command. */
  readonly run: readonly string[]
  /** What the "not run" reason says. */
  readonly reason: RegExp
  /** What the real tool does: its exit code and the files it leaves (sorted), when it is installed. */
  readonly real?: { readonly exit: number; readonly files: readonly string[] }
}

// ---------------------------------------------------------------- the tricks

const hiddenLocal = localHeader(encoder.encode('hidden.txt'), encoder.encode('not in the directory'), crc32(encoder.encode('not in the directory')), 0)

export const ARCHIVE_TRICKS: readonly ArchiveTrick[] = [
  {
    name: 'zip: two members of the same name',
    file: 'dup.zip',
    bytes: writeZip([
      { name: 'a.txt', data: 'first' },
      { name: 'a.txt', data: 'second' },
    ]),
    run: ['unzip', 'dup.zip'],
    reason: /\(entry 'a\.txt'\): two members have this name/,
    // Without -o unzip asks, reads no answer, keeps the first and exits 1.
    real: { exit: 1, files: ['a.txt', 'dup.zip'] },
  },
  {
    name: 'zip: local header and central directory name different files',
    file: 'mismatch.zip',
    bytes: writeZip([{ name: 'good.txt', localName: 'evil.txt', data: 'x' }]),
    run: ['unzip', 'mismatch.zip'],
    reason: /\(entry 'good\.txt'\): its local header names it "evil\.txt"/,
    // unzip warns and extracts the central directory's name.
    real: { exit: 1, files: ['good.txt', 'mismatch.zip'] },
  },
  {
    name: 'zip: the encryption flag set',
    file: 'encrypted.zip',
    bytes: writeZip([{ name: 'secret.txt', data: 'x', flags: 0x1 }]),
    run: ['unzip', 'encrypted.zip'],
    reason: /\(entry 'secret\.txt'\): the member is encrypted \(unzip asks for a password\)/,
    // Without a password unzip extracts nothing (here: the data does not decrypt, exit 2).
    real: { exit: 2, files: ['encrypted.zip'] },
  },
  {
    name: 'zip: a member the central directory does not list',
    file: 'hidden.zip',
    bytes: writeZip([{ name: 'shown.txt', data: 'x' }], { before: hiddenLocal }),
    run: ['unzip', 'hidden.zip'],
    reason: /bytes 0–\d+ belong to no member the central directory lists \(a hidden member\?\)/,
    // unzip reads the central directory only; a streaming reader would extract hidden.txt too.
    real: { exit: 0, files: ['hidden.zip', 'shown.txt'] },
  },
  {
    name: 'zip: two central entries sharing one member (overlap)',
    file: 'overlap.zip',
    bytes: writeZip(
      [
        { name: 'one.txt', data: 'x' },
        { name: 'two.txt', data: 'x' },
      ],
      { sameOffsetAs: new Map([[1, 0]]) },
    ),
    run: ['unzip', 'overlap.zip'],
    reason: /\(entry 'two\.txt'\): its local header names it "one\.txt"|overlaps member/,
  },
  {
    name: 'zip: a name that is not UTF-8, without the UTF-8 flag',
    file: 'cp437.zip',
    bytes: writeZip([{ name: Uint8Array.of(0x6e, 0x82, 0x2e, 0x74, 0x78, 0x74), data: 'x' }]),
    run: ['unzip', 'cp437.zip'],
    reason: /\(entry 'n\\x82\.txt'\): the member name is not UTF-8 \(unzip writes its bytes as they are/,
    // unzip writes the byte 0x82 as it is: a name in-toto cannot record.
    real: { exit: 0, files: ['cp437.zip', 'n\uFFFD.txt'] },
  },
  {
    name: 'zip: a name marked UTF-8 that is not',
    file: 'badflag.zip',
    bytes: writeZip([{ name: Uint8Array.of(0x6e, 0xff, 0x2e, 0x74, 0x78, 0x74), data: 'x', flags: 0x800 }]),
    run: ['unzip', 'badflag.zip'],
    reason: /the member name is marked UTF-8 but is not \(unzip writes its bytes as they are, or drops the bad ones/,
    // From an MS-DOS "made by", unzip writes the byte as it is; from a Unix one it drops it (n.txt).
    real: { exit: 0, files: ['badflag.zip', 'n\uFFFD.txt'] },
  },
  {
    name: 'zip: data after the end record',
    file: 'trailing.zip',
    bytes: writeZip([{ name: 'a.txt', data: 'x' }], { after: encoder.encode('trailing bytes') }),
    run: ['unzip', 'trailing.zip'],
    reason: /there is data after the end of the zip archive/,
  },
  {
    name: 'zip: a CRC-32 that does not match the data',
    file: 'crc.zip',
    bytes: writeZip([{ name: 'a.txt', data: 'x', crc: 0x12345678 }]),
    run: ['unzip', 'crc.zip'],
    reason: /\(entry 'a\.txt'\): the member's CRC-32 does not match its data/,
    real: { exit: 2, files: ['a.txt', 'crc.zip'] },
  },
  {
    name: 'zip: a symbolic link member',
    file: 'symlink.zip',
    bytes: writeZip([{ name: 'link', data: '/etc/passwd', mode: 0o120777 }]),
    run: ['unzip', 'symlink.zip'],
    reason: /\(entry 'link'\): the archive holds a symbolic link, which is not reproduced here/,
  },
  {
    name: 'tar: two members of the same name',
    file: 'dup.tar',
    bytes: writeTar([
      { name: 'a.txt', data: 'first' },
      { name: 'a.txt', data: 'second' },
    ]),
    run: ['tar', 'xf', 'dup.tar'],
    reason: /\(entry 'a\.txt'\): two members extract to 'a\.txt'/,
    // GNU tar keeps the last; other extractors differ (bsdtar -k keeps the first).
    real: { exit: 0, files: ['a.txt', 'dup.tar'] },
  },
  {
    name: 'tar: members after the end-of-archive block',
    file: 'lonezero.tar',
    bytes: writeTar([{ name: 'a.txt', data: 'a' }], { trailer: join([new Uint8Array(512), writeTar([{ name: 'b.txt', data: 'b' }])]) }),
    run: ['tar', 'xf', 'lonezero.tar'],
    reason: /the archive goes on after its end-of-archive block/,
    // GNU tar stops at the lone zero block and never extracts b.txt; other readers go on.
    real: { exit: 0, files: ['a.txt', 'lonezero.tar'] },
  },
  {
    name: 'tar: a GNU long name that is not UTF-8',
    file: 'longname.tar',
    bytes: writeTar([
      { name: '././@LongLink', type: 'L', data: Uint8Array.of(0x6c, 0x6f, 0x6e, 0x67, 0xff, 0) },
      { name: 'short', data: 'x' },
    ]),
    run: ['tar', 'xf', 'longname.tar'],
    reason: /\(entry 'long\\xff'\): the member name is not UTF-8 \(tar writes its bytes as they are/,
  },
  {
    name: 'tar: a pax path that is not UTF-8',
    file: 'paxname.tar',
    bytes: writeTar([pax({ path: Uint8Array.of(0x70, 0xfe) }), { name: 'p', data: 'x' }]),
    run: ['tar', 'xf', 'paxname.tar'],
    reason: /the member name is not UTF-8/,
  },
  {
    name: 'tar: two GNU long-name headers for one member',
    file: 'twolong.tar',
    bytes: writeTar([
      { name: '././@LongLink', type: 'L', data: 'first-name\0' },
      { name: '././@LongLink', type: 'L', data: 'second-name\0' },
      { name: 'short', data: 'x' },
    ]),
    run: ['tar', 'xf', 'twolong.tar'],
    reason: /two long-name headers for one member/,
  },
  {
    name: 'tar: a sparse member (old GNU format)',
    file: 'sparse.tar',
    bytes: writeTar([{ name: 'holes.bin', type: 'S', data: 'x' }]),
    run: ['tar', 'xf', 'sparse.tar'],
    reason: /\(entry 'holes\.bin'\): the member is a sparse file/,
  },
  {
    name: 'tar: a sparse member (pax GNU.sparse)',
    file: 'paxsparse.tar',
    bytes: writeTar([
      pax({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.name': 'holes.bin', 'GNU.sparse.realsize': '1048576' }),
      { name: 'GNUSparseFile.0/holes.bin', data: '1\n0\n1\nx' },
    ]),
    run: ['tar', 'xf', 'paxsparse.tar'],
    reason: /a pax header describes a sparse file \(GNU\.sparse\./,
  },
  {
    name: 'tar: a global pax header naming every member',
    file: 'global.tar',
    bytes: writeTar([pax({ path: 'everything' }, 'g'), { name: 'a.txt', data: 'x' }]),
    run: ['tar', 'xf', 'global.tar'],
    reason: /a global pax header sets 'path' for every member/,
  },
  {
    name: 'tar: a hard link',
    file: 'hardlink.tar',
    bytes: writeTar([
      { name: 'a.txt', data: 'x' },
      { name: 'b.txt', type: '1', linkName: 'a.txt' },
    ]),
    run: ['tar', 'xf', 'hardlink.tar'],
    reason: /\(entry 'b\.txt'\): the archive holds a hard link \(to 'a\.txt'\), which is not reproduced here/,
  },
  {
    name: 'tar: a symbolic link',
    file: 'symlink.tar',
    bytes: writeTar([{ name: 'passwd', type: '2', linkName: '/etc/passwd' }]),
    run: ['tar', 'xf', 'symlink.tar'],
    reason: /\(entry 'passwd'\): the archive holds a symbolic link \(to '\/etc\/passwd'\)/,
  },
  {
    name: 'tar: an absolute member name',
    file: 'absolute.tar',
    bytes: writeTar([{ name: '/tmp/evil.txt', data: 'x' }]),
    run: ['tar', 'xf', 'absolute.tar'],
    reason: /\(entry '\/tmp\/evil\.txt'\): the entry has an absolute path/,
    // GNU tar strips the leading '/' and extracts tmp/evil.txt.
    real: { exit: 0, files: ['absolute.tar', 'tmp'] },
  },
  {
    name: 'tar.gz: two members of the same name, gzipped',
    file: 'dup.tar.gz',
    bytes: gzipSync(
      writeTar([
        { name: 'a.txt', data: 'first' },
        { name: 'a.txt', data: 'second' },
      ]),
    ),
    run: ['tar', 'xzf', 'dup.tar.gz'],
    reason: /two members extract to 'a\.txt'/,
  },
  {
    name: 'tar.xz: a compression GNU tar reads and the emulation does not',
    file: 'x.tar.xz',
    bytes: Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0, 0, 0),
    run: ['tar', 'xf', 'x.tar.xz'],
    reason: /'x\.tar\.xz' is xz-compressed, which GNU tar reads and the emulation does not/,
  },
]

/** The layout every trick is checked with: one inspection running the trick's command, allowing anything. */
export function trickLayoutDocument(trick: ArchiveTrick): Record<string, unknown> {
  return {
    _type: 'layout',
    expires: '2099-01-01T00:00:00Z',
    readme: '',
    keys: {},
    steps: [],
    inspect: [{ _type: 'inspection', name: 'unpack', run: trick.run, expected_materials: [['ALLOW', '*']], expected_products: [['ALLOW', '*']] }],
  }
}
