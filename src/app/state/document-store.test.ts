import { describe, expect, it } from 'vitest'
import { addStep } from '../../core/editor/commands.ts'
import { defaultExpires, emptyLayout } from '../../core/model/layout.ts'
import type { Envelope } from '../../core/envelope/types.ts'
import { createEnvelope } from '../../core/envelope/sign.ts'
import { createDocumentStore, documentAtRisk, useDocumentStore } from './document-store.ts'

const layout = emptyLayout(defaultExpires(new Date('2026-01-01T00:00:00Z')))
/** The store only counts and keeps signatures; their bytes are never looked at here. */
const signed = { format: 'metablock', signatures: [{ keyid: 'ab'.repeat(32), sig: '00' }] } as unknown as Envelope

describe('document store', () => {
  it('opens a signed layout for review: an edit asks first, and a refusal changes nothing', async () => {
    const asked: number[] = []
    const store = createDocumentStore({ confirmEdit: async (n) => (asked.push(n), false) })
    store.getState().openDocument({ layout, envelope: signed, keyNames: new Map([['k', 'alice']]) })
    expect(store.getState().reviewing).toBe(true)
    store.getState().applyEdit('Add step', (l) => addStep(l, 'build'))
    await Promise.resolve()
    await Promise.resolve()
    expect(asked).toEqual([1])
    expect(store.getState().layout).toBe(layout)
    expect(store.getState().envelope).toBe(signed)
  })

  it('edits after consent, voiding the signatures; undo brings back the signed layout with its names', async () => {
    const store = createDocumentStore({ confirmEdit: async () => true })
    const names = new Map([['k', 'alice']])
    store.getState().openDocument({ layout, envelope: signed, keyNames: names })
    store.getState().applyEdit('Add step', (l) => addStep(l, 'build'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(store.getState().layout.steps.map((s) => s.name)).toEqual(['build'])
    expect(store.getState()).toMatchObject({ envelope: undefined, signaturesVoided: true, reviewing: false })
    store.getState().undo()
    expect(store.getState()).toMatchObject({ layout, envelope: signed, signaturesVoided: false, keyNames: names })
    store.getState().redo()
    expect(store.getState()).toMatchObject({ envelope: undefined, signaturesVoided: true })
  })

  it('renaming a functionary does not touch the signed layout, so it does not ask', () => {
    const store = createDocumentStore({ confirmEdit: async () => Promise.reject(new Error('must not ask')) })
    store.getState().openDocument({ layout, envelope: signed })
    store.getState().applyEdit('Rename', (l, names) => ({ layout: l, keyNames: new Map(names).set('k', 'bob') }))
    expect(store.getState().keyNames.get('k')).toBe('bob')
    expect(store.getState().envelope).toBe(signed)
  })

  it('says what replacing the document would lose: work done here, not a file opened as it is', () => {
    const store = createDocumentStore()
    store.getState().openDocument({ layout, envelope: signed })
    expect(documentAtRisk(store.getState())).toBeUndefined()
    store.getState().openDocument({ layout })
    store.getState().applyEdit('Add step', (l) => addStep(l, 'build'))
    expect(documentAtRisk(store.getState())).toEqual({ signatures: 0 })
    store.getState().setEnvelope(signed)
    expect(documentAtRisk(store.getState())).toEqual({ signatures: 1 })
    store.getState().markSaved()
    expect(documentAtRisk(store.getState())).toBeUndefined()
  })
})

describe('the document store remembers versions to compare with', () => {
  it('keeps the version opened, and the last signed one, while edits go on', () => {
    const layout = emptyLayout('2030-01-01T00:00:00Z')
    const signed = { ...createEnvelope({ type: 'layout', layout }, 'metablock'), signatures: [{ keyid: 'ab', sig: 'cd', gpg: false, json: new Map() }] }
    const store = useDocumentStore
    store.getState().openDocument({ layout, fileName: 'root.layout' })
    expect(store.getState().baselines).toEqual({ opened: { layout, keyNames: new Map(), label: 'root.layout', signatures: 0 } })

    store.getState().openDocument({ layout, envelope: signed, fileName: 'root.layout' })
    expect(store.getState().baselines.signed?.signatures).toBe(1)
    store.getState().applyEdit('Add step', (l) => addStep(l, 'build'))
    expect(store.getState().baselines.opened?.layout).toBe(layout)

    const edited = store.getState().layout
    store.getState().setEnvelope({ ...createEnvelope({ type: 'layout', layout: edited }, 'metablock'), signatures: signed.signatures })
    expect(store.getState().baselines.signed).toEqual({ layout: edited, keyNames: new Map(), label: 'the last signed version', signatures: 1 })
    expect(store.getState().baselines.opened?.layout).toBe(layout)

    store.getState().openDocument({ layout, origin: 'the inferred layout' })
    expect(store.getState().baselines).toEqual({ opened: { layout, keyNames: new Map(), label: 'the inferred layout', signatures: 0 } })
  })
})
