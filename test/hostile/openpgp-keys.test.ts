/**
 * Hostile OpenPGP key files: truncated packets, wrong lengths, MPIs longer than the modulus,
 * unknown algorithms, a binding signature by another key, 10,000 subkeys, random corruption.
 * Each must give a `CoreError` naming the file (and the packet where one is to blame) or a
 * certificate that leaves out what does not verify — never another exception, a hang, or a
 * subkey that is not bound.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../src/core/errors.ts'
import { importOpenPgpKeys } from '../../src/core/openpgp/import.ts'
import { readPackets, type Packet } from '../../src/core/openpgp/packets.ts'

const fixture = JSON.parse(readFileSync(new URL('../../src/core/openpgp/__fixtures__/openpgp-keys.json', import.meta.url), 'utf8')) as {
  keys: { name: string; fingerprint: string; binary: string; armored: string }[]
}

function binary(name: string): Uint8Array {
  return new Uint8Array(Buffer.from(fixture.keys.find((key) => key.name === name)!.binary, 'base64'))
}

/** Old-format packet with a four-octet length: any body size. */
function frame(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length)
  out[0] = 0x80 | (tag << 2) | 2
  new DataView(out.buffer).setUint32(1, body.length)
  out.set(body, 5)
  return out
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function rebuild(packets: readonly Pick<Packet, 'tag' | 'body'>[]): Uint8Array {
  return concat(packets.map((packet) => frame(packet.tag, packet.body)))
}

async function refusal(bytes: Uint8Array, file = 'hostile.asc'): Promise<CoreError> {
  try {
    await importOpenPgpKeys(bytes, file)
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe('key')
    expect((error as CoreError).message).toContain(file)
    return error as CoreError
  }
  throw new Error('the input was accepted')
}

describe('hostile OpenPGP key files', () => {
  const rsa = binary('rsa-cert-only-signing-auth-encr-subkeys')

  it('every truncation is refused naming the packet, or reads as the complete packets before the cut', async () => {
    const boundaries = new Set(readPackets(rsa).map((packet) => packet.offset))
    for (let length = 1; length < rsa.length; length += 7) {
      if (boundaries.has(length)) {
        await expect(importOpenPgpKeys(rsa.subarray(0, length), 'cut.gpg')).resolves.toBeDefined()
        continue
      }
      const error = await refusal(rsa.subarray(0, length), 'cut.gpg')
      expect(error.message).toMatch(/packet \d+ .*(truncated|at byte)/)
    }
  })

  it('a length that runs past the end is refused with the packet number', async () => {
    const bytes = new Uint8Array(rsa)
    // The first packet is old-format with a two-octet length: announce 60,000 bytes.
    bytes[1] = 0xea
    bytes[2] = 0x60
    expect((await refusal(bytes)).message).toMatch(/packet 1 \(public key\) at byte 0: truncated: the header announces 60000 bytes/)
  })

  it('partial body lengths and indeterminate lengths are refused', async () => {
    const packets = readPackets(rsa)
    const body = packets[0]!.body
    const partial = concat([Uint8Array.of(0xc6, 0xe1), body.subarray(0, 2)])
    expect((await refusal(partial)).message).toMatch(/partial body lengths are not accepted/)
    const indeterminate = concat([Uint8Array.of(0x9b), body])
    expect((await refusal(indeterminate)).message).toMatch(/indeterminate lengths are not accepted/)
  })

  it('an MPI longer than the packet is refused; a primary key of an unknown algorithm is refused by name', async () => {
    const packets = readPackets(rsa).map((packet) => ({ tag: packet.tag, body: new Uint8Array(packet.body) }))
    const longMpi = packets.map((packet, index) => (index === 0 ? { tag: 6, body: Uint8Array.of(...packet.body.subarray(0, 6), 0xff, 0xff, ...packet.body.subarray(8)) } : packet))
    expect((await refusal(rebuild(longMpi))).message).toMatch(/packet 1 \(public key\).*truncated: the RSA modulus n needs 8192 bytes/)
    const unknown = packets.map((packet, index) => (index === 0 ? { tag: 6, body: Uint8Array.of(...packet.body.subarray(0, 5), 99, ...packet.body.subarray(6)) } : packet))
    expect((await refusal(rebuild(unknown))).message).toMatch(/packet 1 \(public key\).*algorithm 99 keys are not supported/)
    const ecdsa = packets.map((packet, index) => (index === 0 ? { tag: 6, body: Uint8Array.of(...packet.body.subarray(0, 5), 19, ...packet.body.subarray(6)) } : packet))
    expect((await refusal(rebuild(ecdsa))).message).toMatch(/ECDSA keys are not supported/)
  })

  it('a binding signature whose RSA value is longer than the modulus does not bind the subkey', async () => {
    const packets = readPackets(rsa).map((packet) => ({ tag: packet.tag, body: new Uint8Array(packet.body) }))
    const bindingIndex = packets.findIndex((packet, index) => packet.tag === 2 && packets[index - 1]?.tag === 14)
    const binding = packets[bindingIndex]!.body
    // Replace the signature MPI (the last 2 + 384 bytes for rsa3072) by one of 3080 bits.
    const mpiStart = binding.length - 386
    const longer = concat([binding.subarray(0, mpiStart), Uint8Array.of(0x0c, 0x08), new Uint8Array(385).fill(0x7f)])
    packets[bindingIndex] = { tag: 2, body: longer }
    const [certificate] = await importOpenPgpKeys(rebuild(packets), 'long-mpi.gpg')
    expect(certificate!.subkeys[0]).toMatchObject({ inKeyObject: false, leftOut: 'it has no valid binding signature by the primary key' })
    expect(certificate!.keyObject.get('subkeys')).toBeInstanceOf(Map)
    expect((certificate!.keyObject.get('subkeys') as Map<string, unknown>).has(certificate!.subkeys[0]!.fingerprint)).toBe(false)
  })

  it('a subkey bound by another key is left out of the key object', async () => {
    const victim = readPackets(binary('rsa-ed25519-signing-subkey'))
    const attacker = readPackets(binary('rsa-sign-encr'))
    // The attacker's primary key and user ID, the victim's subkey with the victim's binding.
    const spliced = [...attacker.slice(0, 3), ...victim.slice(3)]
    const [certificate] = await importOpenPgpKeys(rebuild(spliced), 'spliced.gpg')
    expect(certificate!.primary.fingerprint).toBe(fixture.keys.find((key) => key.name === 'rsa-sign-encr')!.fingerprint)
    expect(certificate!.subkeys).toHaveLength(1)
    expect(certificate!.subkeys[0]!.inKeyObject).toBe(false)
    expect(certificate!.keyObject.has('subkeys')).toBe(false)
  })

  it('10,000 subkeys are refused at the first one too many, naming the packet', async () => {
    const packets = readPackets(binary('rsa-sign-encr'))
    const head = packets.slice(0, 3)
    const subkey = packets.slice(3, 5)
    const many = rebuild([...head, ...Array.from({ length: 10_000 }, () => subkey).flat()])
    const error = await refusal(many, 'many.gpg')
    expect(error.message).toMatch(/many\.gpg: .*packet 516 \(public subkey\) at byte \d+: the key has more than 256 subkeys/)
  })

  it('armor with a wrong checksum, a private key block and text without a key are refused', async () => {
    const armored = fixture.keys.find((key) => key.name === 'rsa-sign-encr')!.armored
    const lines = armored.split('\n')
    const checksumLine = lines.findIndex((line) => /^=[A-Za-z0-9+/]{4}$/.test(line))
    lines[checksumLine] = lines[checksumLine] === '=AAAA' ? '=AAAB' : '=AAAA'
    expect((await refusal(new TextEncoder().encode(lines.join('\n')))).message).toMatch(/checksum does not match/)
    const secret = armored.replaceAll('PUBLIC KEY BLOCK', 'PRIVATE KEY BLOCK')
    expect((await refusal(new TextEncoder().encode(secret))).message).toMatch(/this is a private key/)
    expect((await refusal(new TextEncoder().encode('hello'))).message).toMatch(/no "-----BEGIN PGP PUBLIC KEY BLOCK-----" block/)
  })

  it('random corruption never escapes as anything but a key error', async () => {
    const source = binary('ed25519-cert-only-ed25519-and-rsa-signing-subkeys')
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(source.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }), async (edits) => {
        const bytes = new Uint8Array(source)
        for (const [at, value] of edits) bytes[at] = value
        try {
          const certificates = await importOpenPgpKeys(bytes, 'fuzz.gpg')
          for (const certificate of certificates) expect(certificate.primary.fingerprint).toMatch(/^[0-9a-f]{40}$/)
        } catch (error) {
          expect(error).toBeInstanceOf(CoreError)
          expect((error as CoreError).message).toContain('fuzz.gpg')
        }
      }),
      { numRuns: 300 },
    )
  })
})
