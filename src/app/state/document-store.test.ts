import { describe, expect, it } from 'vitest'
import { createEnvelope } from '../../core/envelope/sign.ts'
import { addStep } from '../../core/editor/commands.ts'
import { emptyLayout } from '../../core/model/layout.ts'
import { useDocumentStore } from './document-store.ts'

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
