import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { JsonObject } from '../json/value.ts'
import { parseJson } from '../json/parse.ts'
import { computeKeyId, keyIdPreimage } from './keyid.ts'
import { importPublicKey, importVerifyKeyFile } from './import.ts'
import { DEMO, VECTORS, expectedOf, listFiles, readText, vectorNames } from '../../../test/support/key-fixtures.ts'

describe('computeKeyId', () => {
  it('hashes the canonical key object exactly as securesystemslib 0.26 does', () => {
    expect(keyIdPreimage('ed25519', 'ed25519', '00'.repeat(32))).toBe(
      `{"keyid_hash_algorithms":["sha256","sha512"],"keytype":"ed25519","keyval":{"public":"${'00'.repeat(32)}"},"scheme":"ed25519"}`,
    )
    expect(computeKeyId('ed25519', 'ed25519', '00'.repeat(32))).toBe('1a944e611fb53a7175c14274d033c1ea6554ea97f61c05bfeeab6ed07c8a6383')
  })

  it('hashes the public text verbatim, so a trailing newline changes the keyid', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'
    expect(computeKeyId('rsa', 'rsassa-pss-sha256', pem)).not.toBe(computeKeyId('rsa', 'rsassa-pss-sha256', pem + '\n'))
  })

  it('escapes only backslash and quote inside the public value', () => {
    expect(keyIdPreimage('rsa', 's', 'a"b\\c\nd')).toContain('"public":"a\\"b\\\\c\nd"')
  })
})

describe('keyids of the reference fixture keys', () => {
  const cases: { file: string; keyid: string }[] = []
  for (const vector of vectorNames()) {
    for (const name of listFiles(join(VECTORS, vector, 'keys'), '.json')) {
      const path = join(VECTORS, vector, 'keys', name)
      cases.push({ file: `${vector}/keys/${name}`, keyid: (parseJson(readText(path)) as JsonObject).get('keyid') as string })
    }
  }

  it('finds the fixture keys', () => {
    expect(cases.length).toBeGreaterThan(100)
  })

  it.each(cases)('recomputes the keyid of $file', ({ file, keyid }) => {
    const key = importPublicKey(readText(join(VECTORS, file)), { file })
    expect(key.keyid).toBe(keyid)
  })

  it('loads every owner .pub with the --key-types the vector was verified with, to the owner keyid', () => {
    let checked = 0
    for (const vector of vectorNames()) {
      const command = expectedOf(vector).get('command') as string[] | undefined
      if (!command) continue
      const files: string[] = []
      let types: string[] | undefined
      for (let i = 0; i < command.length; i++) {
        if (command[i] === '--layout-keys') for (let j = i + 1; j < command.length && !command[j]!.startsWith('-'); j++) files.push(command[j]!)
        if (command[i] === '--key-types') {
          types = []
          for (let j = i + 1; j < command.length && !command[j]!.startsWith('-'); j++) types.push(command[j]!)
        }
      }
      files.forEach((file, index) => {
        const path = join(VECTORS, vector, 'work', file)
        const jsonPath = path.replace(/\.pub$/, '.json')
        const expected = (parseJson(readText(jsonPath)) as JsonObject).get('keyid')
        expect(importVerifyKeyFile(readText(path), types?.[index] ?? 'rsa', file).keyid, `${vector} ${file}`).toBe(expected)
        checked++
      })
    }
    expect(checked).toBeGreaterThan(50)
  })

  it('gives the upstream demo keys the keyids in their link file names', async () => {
    expect(importPublicKey(readText(join(DEMO, 'bob.pub'))).keyid.slice(0, 8)).toBe('776a00e2')
    expect(importPublicKey(readText(join(DEMO, 'carl.pub'))).keyid.slice(0, 8)).toBe('2f89b927')
    expect(importVerifyKeyFile(readText(join(DEMO, 'carl.pub')), 'rsa').keyid.slice(0, 8)).toBe('2f89b927')
    expect(importVerifyKeyFile(readText(join(DEMO, 'danny.pub')), 'ed25519').keyid).toBe((parseJson(readText(join(DEMO, 'danny'))) as JsonObject).get('keyid'))
  })
})
