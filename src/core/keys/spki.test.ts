import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bytesToHex, hexToBytes } from '../encoding/hex.ts'
import { CoreError } from '../errors.ts'
import { FIXTURES } from '../../../test/support/key-fixtures.ts'
import { importPublicKey } from './import.ts'
import { encodeSpki, parseSpki } from './spki.ts'

const RAW = '13ba298a31f08e49f88a736013fd3d4d290867f72dfd2b3e52ba8d30e5451718'
/** Ed25519 SubjectPublicKeyInfo around `RAW`, with the AlgorithmIdentifier's contents given. */
const spki = (algorithm: string, key = RAW): Uint8Array => {
  const alg = `30${(algorithm.length / 2).toString(16).padStart(2, '0')}${algorithm}`
  const bits = `03${(key.length / 2 + 1).toString(16).padStart(2, '0')}00${key}`
  const body = alg + bits
  return hexToBytes(`30${(body.length / 2).toString(16).padStart(2, '0')}${body}`)
}
const ED25519_OID = '06032b6570'

describe('Ed25519 SubjectPublicKeyInfo', () => {
  it('reads the RFC 8410 form (no parameters) and writes it', () => {
    const parsed = parseSpki(spki(ED25519_OID))
    expect(parsed).toEqual({ type: 'ed25519', raw: hexToBytes(RAW) })
    expect(bytesToHex(encodeSpki({ type: 'ed25519', raw: hexToBytes(RAW) }))).toBe(bytesToHex(spki(ED25519_OID)))
  })

  it('reads the form rebuilderd serves, with an explicit NULL parameter', () => {
    expect(parseSpki(spki(`${ED25519_OID}0500`))).toEqual({ type: 'ed25519', raw: hexToBytes(RAW) })
  })

  it.each([
    ['a NULL with contents', `${ED25519_OID}050100`],
    ['an OID parameter', `${ED25519_OID}06032b6570`],
    ['two NULLs', `${ED25519_OID}05000500`],
    ['an empty SEQUENCE parameter', `${ED25519_OID}3000`],
    ['an OCTET STRING parameter', `${ED25519_OID}0400`],
  ])('refuses %s', (_, algorithm) => {
    expect(() => parseSpki(spki(algorithm))).toThrow(CoreError)
  })

  it('refuses keys that are not 32 bytes, with or without the NULL', () => {
    expect(() => parseSpki(spki(`${ED25519_OID}0500`, RAW.slice(2)))).toThrow(/32 bytes, not 31/)
    expect(() => parseSpki(spki(ED25519_OID, `${RAW}00`))).toThrow(/32 bytes, not 33/)
  })

  it('refuses trailing bytes after the key', () => {
    const bytes = spki(`${ED25519_OID}0500`)
    const longer = new Uint8Array([...bytes, 0x05, 0x00])
    longer[1] = (longer[1] as number) + 2
    expect(() => parseSpki(longer)).toThrow(/trailing/)
  })

  it('imports the real rebuilderd keys with the keyids on their attestations', () => {
    const keyOf = (file: string) => importPublicKey(readFileSync(join(FIXTURES, 'rebuilderd', file), 'utf8'), { file })
    const debian = keyOf('reproduce-debian-net-amd64.pub')
    expect(debian).toMatchObject({ keytype: 'ed25519', scheme: 'ed25519', public: RAW })
    expect(debian.keyid).toBe('2980aa6249ad89ce0ef0f0f5e6d0896214301b2818aad33443444cf460df6ed6')
    expect(keyOf('reproducible-archlinux.pub').keyid).toBe('1ae6d32cb5bb8a98312106de28e50af7e09a9b294d51df459537908ac1288b8f')
  })
})
