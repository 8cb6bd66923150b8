import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { CoreError, ValidationError } from '../errors.ts'
import { checkRule, formatRule, isValidRule, parseRule, parseRuleText, quoteRuleToken, ruleTextToSource, ruleToList, ruleToTextFromSource, splitRuleText } from './parse.ts'
import type { ArtifactRule, GenericRuleType } from './types.ts'

function errorOf(fn: () => unknown): CoreError {
  try {
    fn()
  } catch (error) {
    if (error instanceof CoreError) return error
    throw error
  }
  throw new Error('expected a CoreError')
}

describe('parseRule (in-toto 1.3.1 unpack_rule)', () => {
  it('parses generic rules with case-insensitive keywords, keeping the pattern case', () => {
    expect(parseRule(['allow', 'Foo*'])).toEqual({ type: 'ALLOW', pattern: 'Foo*' })
    expect(parseRule(['DiSaLlOw', '*'])).toEqual({ type: 'DISALLOW', pattern: '*' })
    for (const type of ['CREATE', 'DELETE', 'MODIFY', 'ALLOW', 'DISALLOW', 'REQUIRE'] as const) {
      expect(parseRule([type.toLowerCase(), 'x'])).toEqual({ type, pattern: 'x' })
    }
    expect(parseRule(['REQUIRE', ''])).toEqual({ type: 'REQUIRE', pattern: '' })
  })

  it('parses the four MATCH shapes', () => {
    expect(parseRule(['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'build'])).toEqual({
      type: 'MATCH',
      pattern: '*',
      sourcePrefix: '',
      destinationType: 'products',
      destinationPrefix: '',
      destinationStep: 'build',
    })
    expect(parseRule(['match', '*.py', 'in', 'Src', 'with', 'Materials', 'from', 'Build'])).toEqual({
      type: 'MATCH',
      pattern: '*.py',
      sourcePrefix: 'Src',
      destinationType: 'materials',
      destinationPrefix: '',
      destinationStep: 'Build',
    })
    expect(parseRule(['MATCH', '*', 'WITH', 'products', 'IN', 'dst', 'FROM', 'b'])).toEqual({
      type: 'MATCH',
      pattern: '*',
      sourcePrefix: '',
      destinationType: 'products',
      destinationPrefix: 'dst',
      destinationStep: 'b',
    })
    expect(parseRule(['MaTcH', 'in', 'iN', 'with', 'WiTh', 'PRODUCTS', 'In', 'from', 'FrOm', 'in'])).toEqual({
      type: 'MATCH',
      pattern: 'in',
      sourcePrefix: 'with',
      destinationType: 'products',
      destinationPrefix: 'from',
      destinationStep: 'in',
    })
  })

  const refused: Array<[source: unknown, message: string, path?: string]> = [
    [['MACTH', '*'], 'unknown rule type "MACTH"'],
    [['MATCH', '*', 'WTIH', 'PRODUCTS', 'FROM', 'x'], 'MATCH rule: expected "WITH" at position 3, found "WTIH"'],
    [['ALLOW', 'a', 'b'], 'ALLOW rule takes exactly one pattern, found 3 elements'],
    [['ALLOW'], 'ALLOW rule needs a pattern after "ALLOW"'],
    [[], 'empty rule'],
    [['MATCH', '*', 'WITH', 'PRODUCT', 'FROM', 'x'], 'MATCH rule: expected "MATERIALS" or "PRODUCTS" at position 4, found "PRODUCT"'],
    [['MATCH', '*', 'IN', 'src', 'WITH', 'PRODUCTS', 'FROM'], 'MATCH rule: expected a step name after "FROM" at position 8, found end of rule'],
    [['MATCH', '*', 'WITH', 'PRODUCTS', 'FROM', 'x', 'y'], 'MATCH rule: unexpected "y" at position 7'],
    [['MATCH', '*', 'IN', 'a', 'IN', 'b', 'WITH', 'PRODUCTS', 'FROM', 'x'], 'MATCH rule: expected "WITH" at position 5, found "IN"'],
    [['MATCH', '*', 'WITH', 'PRODUCTS', 'TO', 'x'], 'MATCH rule: expected "FROM" at position 5, found "TO"'],
    [['MATCH', '*', 'IN'], 'MATCH rule: expected a source path prefix after "IN" at position 4, found end of rule'],
    [['MATCH'], 'MATCH rule needs a pattern'],
    [['MATCH', '*'], 'MATCH rule: expected "WITH" at position 3, found end of rule'],
    ['ALLOW *', 'a rule must be a list of strings, found string'],
    [null, 'a rule must be a list of strings, found null'],
    [['ALLOW', 5n], 'rule elements must be strings, found integer 5', '[1]'],
  ]
  it.each(refused)('refuses case %#', (source, message, path) => {
    const error = errorOf(() => parseRule(source, ''))
    expect(error.code).toBe('format')
    expect(error.detail).toContain(message)
    if (path !== undefined) expect(error.path).toBe(path)
  })

  it('reports every non-string element with its path', () => {
    const error = errorOf(() => parseRule(['ALLOW', 1n, null], 'steps[0].expected_materials[2]'))
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['steps[0].expected_materials[2][1]', 'steps[0].expected_materials[2][2]'])
  })

  it('collects issues through checkRule', () => {
    const issues: { path: string; message: string }[] = []
    expect(checkRule(['MACTH', '*'], 'steps[1].expected_materials[0]', issues)).toBeUndefined()
    expect(issues).toEqual([{ path: 'steps[1].expected_materials[0]', message: 'unknown rule type "MACTH"' }])
    expect(isValidRule(['ALLOW', '*'])).toBe(true)
    expect(isValidRule(['ALLOW', '*', '*'])).toBe(false)
  })
})

describe('rule text form', () => {
  it('parses the one-line form', () => {
    expect(parseRuleText('MATCH *.py IN src WITH PRODUCTS IN dst FROM build')).toEqual({
      type: 'MATCH',
      pattern: '*.py',
      sourcePrefix: 'src',
      destinationType: 'products',
      destinationPrefix: 'dst',
      destinationStep: 'build',
    })
    expect(parseRuleText('  allow\t"a b"  ')).toEqual({ type: 'ALLOW', pattern: 'a b' })
    expect(parseRuleText('REQUIRE ""')).toEqual({ type: 'REQUIRE', pattern: '' })
    expect(parseRuleText('ALLOW a\\*')).toEqual({ type: 'ALLOW', pattern: 'a\\*' })
    expect(parseRuleText('ALLOW "say \\"hi\\"\\n"')).toEqual({ type: 'ALLOW', pattern: 'say "hi"\n' })
  })

  it('keeps the elements as written in the list form', () => {
    expect(splitRuleText('match * in "" With products from b')).toEqual(['match', '*', 'in', '', 'With', 'products', 'from', 'b'])
    expect(ruleTextToSource('allow x')).toEqual(['allow', 'x'])
    expect(() => ruleTextToSource('allow x y')).toThrow(CoreError)
  })

  it('refuses malformed quoting', () => {
    expect(() => splitRuleText('ALLOW "abc')).toThrow(/unterminated/)
    expect(() => splitRuleText('ALLOW "a"b')).toThrow(/whitespace/)
    expect(() => splitRuleText('ALLOW a"b')).toThrow(/unexpected/)
    expect(() => splitRuleText('ALLOW "\\x"')).toThrow(/invalid quoted/)
  })

  it('formats canonically, quoting only what needs it', () => {
    expect(formatRule({ type: 'ALLOW', pattern: '*.py' })).toBe('ALLOW *.py')
    expect(formatRule({ type: 'REQUIRE', pattern: '' })).toBe('REQUIRE ""')
    expect(formatRule({ type: 'ALLOW', pattern: 'a b' })).toBe('ALLOW "a b"')
    expect(formatRule({ type: 'ALLOW', pattern: 'a"b' })).toBe('ALLOW "a\\"b"')
    expect(formatRule({ type: 'ALLOW', pattern: 'a\\b' })).toBe('ALLOW a\\b')
    expect(formatRule({ type: 'MATCH', pattern: '*', sourcePrefix: '', destinationType: 'materials', destinationPrefix: 'd', destinationStep: 's' })).toBe(
      'MATCH * WITH MATERIALS IN d FROM s',
    )
    expect(formatRule(['match', '*', 'in', '', 'with', 'products', 'from', 'x'])).toBe('match * in "" with products from x')
    expect(ruleToTextFromSource(['allow', 'é😀'])).toBe('allow é😀')
    expect(quoteRuleToken('\u2028')).toBe('"\u2028"')
    expect(quoteRuleToken('a\u00a0b')).toBe('"a\u00a0b"')
  })

  it('writes the canonical list form', () => {
    expect(ruleToList({ type: 'MODIFY', pattern: 'x' })).toEqual(['MODIFY', 'x'])
    expect(ruleToList({ type: 'MATCH', pattern: 'p', sourcePrefix: 's', destinationType: 'products', destinationPrefix: '', destinationStep: 'b' })).toEqual([
      'MATCH',
      'p',
      'IN',
      's',
      'WITH',
      'PRODUCTS',
      'FROM',
      'b',
    ])
  })
})

describe('rule properties', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 8 })
  const generic = fc.record({
    type: fc.constantFrom<GenericRuleType>('CREATE', 'DELETE', 'MODIFY', 'ALLOW', 'DISALLOW', 'REQUIRE'),
    pattern: text,
  })
  const match = fc.record({
    type: fc.constant('MATCH' as const),
    pattern: text,
    sourcePrefix: text,
    destinationType: fc.constantFrom('materials' as const, 'products' as const),
    destinationPrefix: text,
    destinationStep: text,
  })
  const rule: fc.Arbitrary<ArtifactRule> = fc.oneof(generic, match)

  it('parseRule(ruleToList(r)) round-trips', () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(parseRule(ruleToList(r))).toEqual(r)
      }),
    )
  })

  it('parseRuleText(formatRule(r)) round-trips', () => {
    fc.assert(
      fc.property(rule, (r) => {
        expect(parseRuleText(formatRule(r))).toEqual(r)
      }),
    )
  })

  it('splitRuleText(formatRule(list)) gives the list back for any strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 6 }), { maxLength: 10 }), (list) => {
        expect(splitRuleText(formatRule(list))).toEqual(list)
      }),
    )
  })

  it('keyword case never matters', () => {
    const flip = (word: string, mask: number): string => [...word].map((ch, i) => ((mask >> i) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('')
    fc.assert(
      fc.property(match, fc.nat(), (r, mask) => {
        const list = ruleToList(r)
        const keywords = new Set([0])
        let index = 2
        if (r.sourcePrefix !== '') {
          keywords.add(index)
          index += 2
        }
        keywords.add(index).add(index + 1)
        index += 2
        if (r.destinationPrefix !== '') {
          keywords.add(index)
          index += 2
        }
        keywords.add(index)
        const flipped = list.map((element, at) => (keywords.has(at) ? flip(element, mask) : element))
        expect(parseRule(flipped)).toEqual(r)
      }),
    )
  })
})
