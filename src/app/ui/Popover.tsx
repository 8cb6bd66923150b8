/** A non-modal popover over Radix Popover: Escape and a click outside close it, focus returns to its button. */
import * as RadixPopover from '@radix-ui/react-popover'
import type { ReactNode } from 'react'

export interface PopoverProps {
  trigger: ReactNode
  /** The popover's accessible name. */
  label: string
  open?: boolean
  onOpenChange?(open: boolean): void
  triggerClassName?: string
  triggerLabel?: string
  children: ReactNode
}

export function Popover({ trigger, label, open, onOpenChange, triggerClassName, triggerLabel, children }: PopoverProps) {
  return (
    <RadixPopover.Root open={open} onOpenChange={onOpenChange}>
      <RadixPopover.Trigger asChild>
        <button type="button" className={triggerClassName} aria-label={triggerLabel}>
          {trigger}
        </button>
      </RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content className="ui-popover" sideOffset={4} align="start" aria-label={label} role="dialog">
          {children}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  )
}
