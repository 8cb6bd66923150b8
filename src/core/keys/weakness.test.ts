import { describe, expect, it } from 'vitest'
import { keyWeakness, MIN_RSA_BITS, rsaWeakness } from './weakness.ts'

describe('rsaWeakness', () => {
  const n2048 = (1n << 2047n) | 1n
  it.each([
    [n2048, 65537n, undefined],
    [n2048, 1n, /exponent is 1/],
    [n2048, 3n, /exponent is 3 \(at least 65537/],
    [n2048, 65536n, /even/],
    [(1n << 1023n) | 1n, 65537n, /has 1024 bits \(at least 2048/],
  ])('n of %s bits… e = %s', (n, e, expected) => {
    const weakness = rsaWeakness(n, e)
    if (expected === undefined) expect(weakness).toBeUndefined()
    else expect(weakness).toMatch(expected)
  })
  it('draws the line at 2048 bits', () => {
    expect(MIN_RSA_BITS).toBe(2048)
    expect(rsaWeakness((1n << 2046n) | 1n, 65537n)).toMatch(/has 2047 bits/)
  })
})

describe('keyWeakness', () => {
  it('flags small-order and non-canonical Ed25519 points, not ordinary ones, and ignores what cannot be read', () => {
    expect(keyWeakness({ keytype: 'ed25519', public: `01${'00'.repeat(31)}` })).toMatch(/small-order point/)
    expect(keyWeakness({ keytype: 'ed25519', public: 'fafc95f15f197ff2ca94d989c16fd6e0c584f3fcb78d9c35beb8062091ff14c5' })).toBeUndefined()
    expect(keyWeakness({ keytype: 'ed25519', public: 'not hex' })).toBeUndefined()
    expect(keyWeakness({ keytype: 'rsa', public: 'not a PEM' })).toBeUndefined()
  })
  it('reads OpenPGP RSA numbers from the key object', () => {
    const keyObject = new Map<string, unknown>([
      [
        'keyval',
        new Map([
          [
            'public',
            new Map([
              ['n', 'ff'.repeat(64)],
              ['e', '01'],
            ]),
          ],
        ]),
      ],
    ])
    expect(keyWeakness({ keytype: 'rsa', public: '', openpgp: keyObject as never })).toMatch(/exponent is 1/)
  })
})
