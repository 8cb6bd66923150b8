import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { canonicalBytes, compareCodePoints, encodeCanonical } from './canonical.ts'
import { parseJson } from './parse.ts'
import { bytesToHex } from '../encoding/hex.ts'
import { JsonFloat, type JsonValue } from './value.ts'
import { CoreError } from '../errors.ts'

const canon = (json: string) => encodeCanonical(parseJson(json))

describe('encodeCanonical', () => {
  describe('worked examples from the reference (verifier-semantics §1.8)', () => {
    it('sorts keys and escapes only quote and backslash', () => {
      expect(canon('{"b":1,"a":[true,false,null],"c":"q\\"b\\\\s"}')).toBe('{"a":[true,false,null],"b":1,"c":"q\\"b\\\\s"}')
    })

    it('writes control characters and non-ASCII raw, sorted by code point', () => {
      const input = '{"z":"\\n\\t\\u0000\\u007f","é":"😀","\\ue000":1,"😀":2,"A":3,"a":4,"":5}'
      expect(bytesToHex(canonicalBytes(parseJson(input)))).toBe(
        '7b22223a352c2241223a332c2261223a342c227a223a220a09007f222c22c3a9223a22f09f9880222c22ee8080223a312c22f09f9880223a327d',
      )
    })

    it('keeps big integers exact and turns -0 into 0', () => {
      expect(canon('{"n":-0,"big":123456789012345678901234567890,"neg":-5}')).toBe('{"big":123456789012345678901234567890,"n":0,"neg":-5}')
    })

    it('rejects floats, naming the JSON path', () => {
      expect(() => canon('{"f":1.0}')).toThrowError(CoreError)
      expect(() => canon('{"a":{"b":[1,2,1e2]}}')).toThrowError(/a\.b\[2\]: canonical JSON cannot encode the float 1e2/)
      expect(() => canon('{"x":NaN}')).toThrowError(/x: .*float NaN/)
    })
  })

  it('rejects lone surrogates in code-built strings', () => {
    expect(() => encodeCanonical(new Map([['k', '\ud800']]))).toThrowError(/k: .*lone UTF-16 surrogate/)
    expect(() => encodeCanonical({ ['\udc00']: 1 })).toThrowError(/lone UTF-16 surrogate/)
  })

  it('accepts safe-integer numbers and rejects other numbers from code', () => {
    expect(encodeCanonical({ t: 1, n: -0 })).toBe('{"n":0,"t":1}')
    expect(() => encodeCanonical({ t: 1.5 })).toThrowError(/t: .*only integers/)
    expect(() => encodeCanonical({ t: 2 ** 60 })).toThrowError(/only integers/)
  })

  it('treats __proto__ as an ordinary key', () => {
    const value = parseJson('{"__proto__":{"sha256":"ab"},"constructor":1}')
    expect(encodeCanonical(value)).toBe('{"__proto__":{"sha256":"ab"},"constructor":1}')
  })

  describe('properties', () => {
    const keyArb = fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed())
    const valueArb: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.bigInt(),
        fc.string({ unit: 'binary' }).filter((s) => s.isWellFormed()),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.uniqueArray(fc.tuple(keyArb, tie('value')), { selector: ([k]) => k, maxLength: 5 }).map((entries) => new Map(entries)),
      ),
    })).value

    it('parse ∘ encode is the identity on canonical text', () => {
      fc.assert(
        fc.property(valueArb, (value) => {
          const text = encodeCanonical(value)
          // Canonical text is not always valid JSON (raw control characters), so compare via re-encoding
          // only when JSON.parse-compatible; otherwise check the structural invariant below.
          const reparsed = tryParse(text)
          if (reparsed !== undefined) expect(encodeCanonical(reparsed)).toBe(text)
        }),
      )
    })

    it('orders keys by code point, whatever the insertion order', () => {
      fc.assert(
        fc.property(fc.uniqueArray(keyArb, { maxLength: 8 }), (keys) => {
          const forward = encodeCanonical(new Map(keys.map((k) => [k, null])))
          const backward = encodeCanonical(new Map([...keys].reverse().map((k) => [k, null])))
          expect(forward).toBe(backward)
          const sorted = [...keys].sort(compareCodePoints)
          const expected = `{${sorted.map((k) => `"${k.replace(/["\\]/g, '\\$&')}":null`).join(',')}}`
          expect(forward).toBe(expected)
        }),
      )
    })

    it('compareCodePoints agrees with comparing code point arrays', () => {
      fc.assert(
        fc.property(keyArb, keyArb, (a, b) => {
          const ca = [...a].map((ch) => ch.codePointAt(0) as number)
          const cb = [...b].map((ch) => ch.codePointAt(0) as number)
          let expected = 0
          for (let i = 0; i < Math.min(ca.length, cb.length) && expected === 0; i++) expected = Math.sign((ca[i] as number) - (cb[i] as number))
          if (expected === 0) expected = Math.sign(ca.length - cb.length)
          expect(Math.sign(compareCodePoints(a, b))).toBe(expected)
        }),
      )
    })
  })

  it('does not use JavaScript UTF-16 order', () => {
    expect(
      encodeCanonical(
        new Map<string, JsonValue>([
          ['😀', 2n],
          ['\ue000', 1n],
        ]),
      ),
    ).toBe('{"\ue000":1,"😀":2}')
  })

  it('refuses JsonFloat values anywhere', () => {
    expect(() => encodeCanonical([new JsonFloat('1.0')])).toThrowError(/\[0\]: canonical JSON cannot encode the float 1.0/)
  })
})

function tryParse(text: string): JsonValue | undefined {
  try {
    return parseJson(text)
  } catch {
    return undefined
  }
}
