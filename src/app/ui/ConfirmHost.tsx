/** Shows the confirm store's pending question as an alert dialog (focus starts on Cancel: nothing is lost by Enter). */
import * as AlertDialog from '@radix-ui/react-alert-dialog'
import { useRef } from 'react'
import { useStore } from 'zustand'
import { confirmStore } from './confirm-store.ts'

export function ConfirmHost() {
  const pending = useStore(confirmStore, (state) => state.pending)
  const answer = useStore(confirmStore, (state) => state.answer)
  const returnFocus = useRef<unknown>(undefined)
  if (pending) returnFocus.current = pending.returnFocus
  return (
    <AlertDialog.Root open={pending !== undefined} onOpenChange={(open) => !open && answer(undefined)}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="ui-backdrop" />
        {pending && (
          <AlertDialog.Content
            className="ui-dialog"
            onCloseAutoFocus={(event) => {
              const target = returnFocus.current
              if (target instanceof HTMLElement && target.isConnected) {
                event.preventDefault()
                target.focus()
              }
            }}
          >
            <AlertDialog.Title className="ui-dialog-title">{pending.title}</AlertDialog.Title>
            <AlertDialog.Description className="ui-dialog-description">{pending.description}</AlertDialog.Description>
            <div className="ui-dialog-actions">
              <AlertDialog.Cancel asChild>
                <button type="button">{pending.cancelLabel ?? 'Cancel'}</button>
              </AlertDialog.Cancel>
              {pending.choices.map((choice, index) => (
                <button
                  key={choice.id}
                  type="button"
                  className={choice.danger ? 'danger solid' : index === pending.choices.length - 1 ? 'primary' : undefined}
                  onClick={() => answer(choice.id)}
                >
                  {choice.label}
                </button>
              ))}
            </div>
          </AlertDialog.Content>
        )}
      </AlertDialog.Portal>
    </AlertDialog.Root>
  )
}
