import { describe, expect, it } from 'vitest'
import { createEditorUiStore, NOTICE_MS } from './ui-store.ts'

function fakeClock() {
  const pending: { at: number; run: () => void; cancelled: boolean }[] = []
  return {
    later: (run: () => void, ms: number) => {
      const entry = { at: ms, run, cancelled: false }
      pending.push(entry)
      return () => {
        entry.cancelled = true
      }
    },
    elapse: () => {
      for (const entry of pending.splice(0)) if (!entry.cancelled) entry.run()
    },
    pending,
  }
}

describe('editor ui store', () => {
  it('lets a status line go after a moment, but keeps a problem', () => {
    const clock = fakeClock()
    const ui = createEditorUiStore({ later: clock.later })
    ui.getState().notify('Started a new, empty layout.')
    expect(clock.pending[0]?.at).toBe(NOTICE_MS)
    clock.elapse()
    expect(ui.getState().notice).toBeUndefined()
    ui.getState().notify('root.layout: not JSON', true)
    clock.elapse()
    expect(ui.getState().notice).toEqual({ text: 'root.layout: not JSON', error: true })
    ui.getState().dismissNotice()
    expect(ui.getState().notice).toBeUndefined()
  })

  it('a newer notice is not cleared by the older one’s timer', () => {
    const clock = fakeClock()
    const ui = createEditorUiStore({ later: clock.later })
    ui.getState().notify('first')
    ui.getState().notify('second', true)
    clock.elapse()
    expect(ui.getState().notice?.text).toBe('second')
  })

  it('selecting something shows the inspector; revealing a path shows the JSON', () => {
    const ui = createEditorUiStore()
    ui.getState().setView('reviewer')
    ui.getState().select('build')
    expect(ui.getState()).toMatchObject({ view: 'inspector', selected: 'build' })
    ui.getState().revealPath('steps[0]')
    ui.getState().revealPath('steps[0]')
    expect(ui.getState()).toMatchObject({ view: 'json', reveal: { path: 'steps[0]', nonce: 2 } })
  })
})
