/**
 * Modal dialogs over Radix Dialog: focus moves into the dialog and back to the control that opened it,
 * Escape and a click outside close it, and the rest of the page is inert meanwhile.
 * Every dialog has a title (its accessible name) and a description.
 */
import * as RadixDialog from '@radix-ui/react-dialog'
import type { ReactNode } from 'react'

export interface DialogProps {
  open: boolean
  onOpenChange(open: boolean): void
  title: string
  description?: ReactNode
  wide?: boolean
  children?: ReactNode
}

export function Dialog({ open, onOpenChange, title, description, wide, children }: DialogProps) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="ui-backdrop" />
        <RadixDialog.Content className={wide ? 'ui-dialog ui-dialog-wide' : 'ui-dialog'}>
          <RadixDialog.Title className="ui-dialog-title">{title}</RadixDialog.Title>
          {description === undefined ? (
            <RadixDialog.Description className="visually-hidden">{title}</RadixDialog.Description>
          ) : (
            <RadixDialog.Description className="ui-dialog-description">{description}</RadixDialog.Description>
          )}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  )
}

/** A button that closes the dialog it sits in. */
export function DialogClose({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <RadixDialog.Close asChild>
      <button type="button" className={className}>
        {children}
      </button>
    </RadixDialog.Close>
  )
}
