/**
 * A text field that edits a value of the document on Enter or when it loses focus (not on every
 * keystroke: one edit per change in the undo history), showing `validate`'s message live.
 */
import { useEffect, useId, useState, type InputHTMLAttributes } from 'react'

interface CommitInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  label: string
  value: string
  /** Returns an error message for text that cannot be committed. */
  validate?(text: string): string | undefined
  /** Applies the text; may return an error message (e.g. a name already in use). */
  onCommit(text: string): string | undefined | void
  hint?: string
  multiline?: boolean
}

export function CommitInput({ label, value, validate, onCommit, hint, multiline, className, ...rest }: CommitInputProps) {
  const [text, setText] = useState(value)
  const [error, setError] = useState<string | undefined>()
  const id = useId()
  useEffect(() => {
    setText(value)
    setError(undefined)
  }, [value])
  const problem = error ?? validate?.(text)
  const commit = () => {
    if (text === value) return
    const invalid = validate?.(text)
    if (invalid !== undefined) return
    const refused = onCommit(text)
    setError(typeof refused === 'string' ? refused : undefined)
  }
  const common = {
    id,
    'aria-invalid': problem !== undefined,
    'aria-describedby': problem !== undefined || hint ? `${id}-note` : undefined,
    onBlur: commit,
  }
  return (
    <div className={className ? `editor-field ${className}` : 'editor-field'}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          {...common}
          value={text}
          rows={3}
          onChange={(e) => {
            setText(e.target.value)
            setError(undefined)
          }}
        />
      ) : (
        <input
          {...rest}
          {...common}
          value={text}
          onChange={(e) => {
            setText(e.target.value)
            setError(undefined)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit()
            if (e.key === 'Escape') setText(value)
          }}
        />
      )}
      {(problem !== undefined || hint) && (
        <div id={`${id}-note`} className={problem !== undefined ? 'editor-field-error' : 'editor-field-hint'}>
          {problem ?? hint}
        </div>
      )}
    </div>
  )
}
