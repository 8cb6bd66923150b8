/**
 * A menu button over Radix DropdownMenu: arrow keys move, Enter chooses, Escape and a click outside close,
 * and focus returns to the button. Items are `menuitem`s named by their title.
 */
import * as DropdownMenu from '@radix-ui/react-dropdown-menu'
import type { ReactNode } from 'react'

export interface MenuItem {
  readonly id: string
  readonly title: string
  readonly description?: string
  readonly disabled?: boolean
  onSelect(): void
}

export interface MenuProps {
  /** The button's text (and accessible name, unless `label` is given). */
  trigger: ReactNode
  label?: string
  items: readonly MenuItem[]
  heading?: string
  triggerClassName?: string
  align?: 'start' | 'end'
}

export function Menu({ trigger, label, items, heading, triggerClassName, align = 'start' }: MenuProps) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <button type="button" className={triggerClassName} aria-label={label}>
          {trigger}
          <span aria-hidden="true" className="ui-caret">
            ▾
          </span>
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-menu" align={align} sideOffset={4} aria-label={heading ?? label}>
          {heading && <DropdownMenu.Label className="ui-menu-label">{heading}</DropdownMenu.Label>}
          {items.map((item) => (
            <DropdownMenu.Item key={item.id} className="ui-menu-item" disabled={item.disabled} onSelect={item.onSelect} aria-label={item.title}>
              <span className="ui-menu-item-title">{item.title}</span>
              {item.description && <span className="ui-menu-item-description">{item.description}</span>}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  )
}
