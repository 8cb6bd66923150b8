/** The toolbar's "Infer from links" button: pick link files (and the signers' public keys) to propose a layout from. */
import { useRef } from 'react'
import { inferActions } from './infer-actions.ts'

export function InferButton() {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" onClick={() => input.current?.click()} title="Propose a layout, or rules for its steps, from the links of a good run">
        Infer from links
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label="Link files to infer from"
        data-testid="infer-links-input"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])]
          event.target.value = ''
          if (files.length > 0) void inferActions.fromFiles(files)
        }}
      />
    </>
  )
}
