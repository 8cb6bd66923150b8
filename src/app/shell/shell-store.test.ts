import { describe, expect, it } from 'vitest'
import { createShellStore, GUIDE_STEPS, nextGuideStep, type ShellStorage } from './shell-store.ts'

function memoryStorage(initial?: string): ShellStorage & { value: string | undefined } {
  const storage = {
    value: initial,
    read: () => storage.value,
    write: (value: string) => {
      storage.value = value
    },
  }
  return storage
}

describe('shell store', () => {
  it('starts on Design and switches workspaces', () => {
    const shell = createShellStore(memoryStorage())
    expect(shell.getState().workspace).toBe('design')
    shell.getState().showWorkspace('verify')
    expect(shell.getState().workspace).toBe('verify')
  })

  it('shows the guide to a newcomer, walks the job in order, and closes itself when everything is done', () => {
    const storage = memoryStorage()
    const shell = createShellStore(storage)
    expect(shell.getState().guideOpen).toBe(true)
    expect(nextGuideStep(shell.getState().guideDone)).toBe('draw')
    shell.getState().completeGuideStep('draw')
    shell.getState().completeGuideStep('keys')
    expect(nextGuideStep(shell.getState().guideDone)).toBe('sign')
    for (const step of GUIDE_STEPS) shell.getState().completeGuideStep(step)
    expect(shell.getState().guideOpen).toBe(false)
    expect(nextGuideStep(shell.getState().guideDone)).toBeUndefined()
  })

  it('remembers progress and a skip across visits', () => {
    const storage = memoryStorage()
    const first = createShellStore(storage)
    first.getState().completeGuideStep('draw')
    first.getState().skipGuide()
    const second = createShellStore(storage)
    expect(second.getState().guideOpen).toBe(false)
    expect([...second.getState().guideDone]).toEqual(['draw'])
    second.getState().openGuide()
    expect(createShellStore(storage).getState().guideOpen).toBe(true)
  })

  it('survives a damaged record and a storage that refuses writes', () => {
    const damaged = createShellStore(memoryStorage('{not json'))
    expect(damaged.getState().guideOpen).toBe(true)
    const refusing = createShellStore({
      read: () => JSON.stringify({ version: 1, dismissed: false, done: ['draw', 'bogus'] }),
      write: () => {
        throw new Error('quota')
      },
    })
    expect([...refusing.getState().guideDone]).toEqual(['draw'])
    expect(() => refusing.getState().skipGuide()).not.toThrow()
  })
})
