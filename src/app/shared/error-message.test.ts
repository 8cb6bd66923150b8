import { describe, expect, it } from 'vitest'
import { CoreError } from '../../core/errors.ts'
import { errorMessage } from './error-message.ts'

describe('errorMessage', () => {
  it('shows an error by its message, a core error with the path it names', () => {
    expect(errorMessage(new CoreError('format', 'root.layout: signed.steps[0].name: expected a string'))).toBe('root.layout: signed.steps[0].name: expected a string')
    expect(errorMessage(new TypeError('bad'))).toBe('bad')
  })
  it('falls back to the error name when the message is empty, and shows other values as text', () => {
    expect(errorMessage(new RangeError(''))).toBe('RangeError')
    expect(errorMessage('refused')).toBe('refused')
    expect(errorMessage(42)).toBe('42')
  })
})
