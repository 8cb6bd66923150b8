/**
 * The decoding pool's schedule hands out every request exactly once, a group's requests to one
 * thread in a row while other groups remain, and lets a thread about to idle take the rest of
 * another thread's group.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GroupSchedule } from './schedule.ts'

describe('GroupSchedule', () => {
  it('gives each thread whole groups, in order', () => {
    const schedule = new GroupSchedule<string>([0, 0, 0, 1, 1, 1, undefined, 2, 2])
    expect([schedule.next('a', true), schedule.next('a', false), schedule.next('a', false)]).toEqual([0, 1, 2])
    expect(schedule.next('b', true)).toBe(3)
    expect(schedule.next('a', false)).toBe(6)
    expect(schedule.next('a', false)).toBe(7)
    expect(schedule.next('b', false)).toBe(4)
  })

  it('keeps the rest of a group for its thread unless another would idle', () => {
    const schedule = new GroupSchedule<string>([0, 0, 0, 0])
    expect(schedule.next('a', true)).toBe(0)
    expect(schedule.next('b', false)).toBeUndefined()
    expect(schedule.next('b', true)).toBe(3)
    expect(schedule.next('a', false)).toBe(1)
    expect(schedule.next('a', false)).toBe(2)
    expect(schedule.next('a', false)).toBeUndefined()
    expect(schedule.next('b', true)).toBeUndefined()
  })

  it('hands out every request exactly once, whatever the threads ask', () => {
    const groups = fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), { maxLength: 40 })
    const asks = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()), { maxLength: 120 })
    fc.assert(
      fc.property(groups, asks, (keys, sequence) => {
        const schedule = new GroupSchedule<number>(keys)
        const given: number[] = []
        for (const [thread, idle] of sequence) {
          const next = schedule.next(thread, idle)
          if (next !== undefined) given.push(next)
        }
        // Idle threads then take whatever is left.
        for (let next = schedule.next(0, true); next !== undefined; next = schedule.next(0, true)) given.push(next)
        expect([...given].sort((a, b) => a - b)).toEqual(keys.map((_, index) => index))
      }),
    )
  })
})
