/** A compact text field named by `aria-label` that applies its text on Enter or when it loses focus; Escape reverts. */
import { useEffect, useState, type InputHTMLAttributes } from 'react'

interface InlineEditProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: string
  'aria-label': string
  /** Applies the text; returns false when it was refused (the field then shows the value again). */
  onCommit(text: string): boolean | void
}

export function InlineEdit({ value, onCommit, ...rest }: InlineEditProps) {
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  const commit = () => {
    if (text === value) return
    if (onCommit(text) === false) setText(value)
  }
  return (
    <input
      {...rest}
      value={text}
      onChange={(event) => setText(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit()
        if (event.key === 'Escape') setText(value)
      }}
    />
  )
}
