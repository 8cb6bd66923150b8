/**
 * Ticks off the first-run guide's steps when the person has done them: a layout with a step and a
 * functionary (draw), a private key in the keyring (keys), a signed layout (sign), a verification that
 * finished (verify). The run sheet step is ticked by the run sheet itself when a command is copied.
 */
import { keyringStore } from '../keys/use-keyring.ts'
import { useDocumentStore } from '../state/document-store.ts'
import { useVerifyStore } from '../verify/verify-store.ts'
import { shellStore } from './use-shell.ts'

/** Starts watching the stores; returns the function that stops. */
export function startGuideProgress(): () => void {
  const complete = shellStore.getState().completeGuideStep
  const checkDocument = () => {
    const { layout, envelope } = useDocumentStore.getState()
    if (layout.steps.length > 0 && layout.keys.size > 0) complete('draw')
    if ((envelope?.signatures.length ?? 0) > 0) complete('sign')
  }
  const checkKeys = () => {
    if (keyringStore.getState().keys.some((key) => key.privateKey !== undefined)) complete('keys')
  }
  const checkVerify = () => {
    if (useVerifyStore.getState().run.status === 'done') complete('verify')
  }
  checkDocument()
  checkKeys()
  checkVerify()
  const stops = [useDocumentStore.subscribe(checkDocument), keyringStore.subscribe(checkKeys), useVerifyStore.subscribe(checkVerify)]
  return () => {
    for (const stop of stops) stop()
  }
}
