import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { writeTar } from '../../../test/support/tar-writer.ts'
import type { BundleInput } from '../bundle/assemble.ts'
import { bytesToHex } from '../encoding/hex.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { readAttestation } from './attestation.ts'
import { gatherAttestations } from './gather.ts'

const REBUILDERD = join(FIXTURES, 'rebuilderd')
const APT = join(FIXTURES, 'apt-transport-in-toto')
const DEB_LINK = 'librust-as-slice-dev_0.2.1-1+b2_amd64.in-toto.link'

const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value))
const problemOf = (bytes: Uint8Array, path = 'x.link') => {
  const read = readAttestation(bytes, path)
  if (read.ok) throw new Error('accepted')
  return read.unreadable.problem
}

describe('reading attestations', () => {
  it('reads a rebuilderd link in rebuilderd mode, signed bytes with the null kept', () => {
    const bytes = readFileSync(join(REBUILDERD, DEB_LINK))
    const read = readAttestation(bytes, DEB_LINK)
    if (!read.ok) throw new Error(read.unreadable.problem)
    const { attestation } = read
    expect(attestation.mode).toBe('rebuilderd')
    expect(attestation.stepName).toBe('rebuild librust-as-slice-dev_0.2.1-1+b2_amd64.deb')
    expect([...attestation.attested.keys()]).toEqual(['librust-as-slice-dev_0.2.1-1+b2_amd64.deb'])
    expect(attestation.signatures.map((signature) => signature.keyid.slice(0, 8))).toEqual(['70a3c0fb', '2980aa62'])
    const signed = new TextDecoder().decode(attestation.signedBytes)
    expect(signed).toContain('"environment":null')
    expect(signed.startsWith('{"_type":"link","byproducts":{},"command":[],"environment":null,"materials":')).toBe(true)
  })

  it('rebuilderd mode relaxes nothing but the environment', () => {
    const json = JSON.parse(readFileSync(join(REBUILDERD, DEB_LINK), 'utf8'))
    expect(problemOf(text({ ...json, signed: { ...json.signed, byproducts: null } }))).toMatch(/signed\.byproducts: must be an object, found null/)
    expect(problemOf(text({ ...json, signed: { ...json.signed, products: { 'a.deb': { sha256: 'xyz' } } } }))).toMatch(
      /signed\.products\["a\.deb"\]\.sha256: digest must be a hex string/,
    )
    expect(problemOf(text({ ...json, signatures: [{ keyid: 'zz', sig: '00' }] }))).toMatch(/signatures\[0\]\.keyid/)
  })

  it('reads the 2018 design links (GPG-signed, step rebuild) as in-toto links', () => {
    const read = readAttestation(readFileSync(join(APT, 'rebuild.5863835e.link')), 'rebuild.5863835e.link')
    if (!read.ok) throw new Error(read.unreadable.problem)
    expect(read.attestation.mode).toBe('in-toto')
    expect(read.attestation.stepName).toBe('rebuild')
    expect(read.attestation.signatures.map((signature) => [signature.keyid.slice(0, 8), signature.gpg !== undefined])).toEqual([['5863835e', true]])
    expect([...read.attestation.attested.keys()]).toEqual(['final-product_0.0.0.0-0_all.deb'])
  })

  it('refuses what is not an attestation, saying why', () => {
    expect(problemOf(text('not json'), 'notes.txt')).toMatch(/^notes\.txt: line 1, column 1: /)
    expect(problemOf(text('[1, 2]'))).toMatch(/expected a JSON object/)
    expect(problemOf(readFileSync(join(APT, 'test.layout')), 'test.layout')).toMatch(/a layout, not a rebuilder's attestation/)
    expect(problemOf(new Uint8Array([0xff, 0xfe, 0x00]))).toMatch(/not valid UTF-8/)
    expect(problemOf(readFileSync(join(REBUILDERD, 'reproducible-archlinux.pub')), 'arch.pub')).toBe(
      "arch.pub: a PEM key or certificate, not an attestation (a rebuilder's key belongs to the policy)",
    )
  })

  it('a `rebuild <file>` link without a digest for <file> attests nothing', () => {
    const json = JSON.parse(readFileSync(join(REBUILDERD, DEB_LINK), 'utf8'))
    const read = readAttestation(text({ ...json, signed: { ...json.signed, name: 'rebuild other.deb' } }), 'x.link')
    if (!read.ok) throw new Error(read.unreadable.problem)
    expect(read.attestation.attested.size).toBe(0)
    expect(read.attestation.namedButMissing).toBe('other.deb')
  })
})

const input = (path: string, bytes: Uint8Array): BundleInput => ({ path, size: bytes.length, read: async () => bytes })

describe('gathering attestations', () => {
  const link = readFileSync(join(REBUILDERD, DEB_LINK))

  it('from loose files in any naming, folders and archives', async () => {
    const tar = writeTar([{ name: 'attestations/debian/x.in-toto.link', data: link }])
    const zip = zipSync({ 'rebuild.70a3c0fb.link': link })
    const gathered = await gatherAttestations([input('a/whatever.json', link), input('bundle.tar', tar), input('more.zip', zip), input('README', text('hello'))])
    expect(gathered.attestations.map((attestation) => attestation.path)).toEqual(['a/whatever.json', 'bundle.tar: debian/x.in-toto.link', 'more.zip: rebuild.70a3c0fb.link'])
    expect(gathered.unreadable.map((file) => file.path)).toEqual(['README'])
  })

  it('refuses 10,000 files at once, a huge file, and keeps going past files that are not JSON', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => input(`a${i}.link`, link))
    const refused = await gatherAttestations(many)
    expect(refused.attestations).toEqual([])
    expect(refused.refusals.map((refusal) => refusal.message)).toEqual([
      '10,000 files were given as attestations; at most 4,096 are read at once (choose the attestations of the packages you check); nothing was read',
    ])
    const huge: BundleInput = { path: 'huge.link', size: 64 * 1024 * 1024, read: async () => new Uint8Array(0) }
    const mixed = await gatherAttestations([huge, input('junk.link', new Uint8Array(1000).fill(0x41)), input('ok.link', link)])
    expect(mixed.refusals.map((refusal) => refusal.message)).toEqual(['huge.link: is 64.0 MiB, larger than the 16.0 MiB one file may have here; refused'])
    expect(mixed.unreadable.map((file) => file.path)).toEqual(['junk.link'])
    expect(mixed.attestations).toHaveLength(1)
    expect(bytesToHex(mixed.attestations[0]?.signedBytes.subarray(0, 2) ?? new Uint8Array())).toBe('7b22')
  })
})
