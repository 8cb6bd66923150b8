/** The toolbar's Compare menu: compare the edited layout with the version opened, the last signed one, or a file. */
import { useRef } from 'react'
import { useDocumentStore } from '../../state/document-store.ts'
import { Menu } from '../../ui/Menu.tsx'
import { compareActions } from './compare-actions.ts'

export function CompareMenu() {
  const opened = useDocumentStore((s) => s.baselines.opened)
  const signed = useDocumentStore((s) => s.baselines.signed)
  const fileInput = useRef<HTMLInputElement>(null)
  return (
    <>
      <Menu
        trigger="Compare"
        heading="Compare the edited layout with"
        items={[
          {
            id: 'opened',
            title: 'The version I opened',
            description: opened ? opened.label : 'nothing was opened yet',
            disabled: opened === undefined,
            onSelect: () => compareActions.withRemembered('opened'),
          },
          {
            id: 'signed',
            title: 'The last signed version',
            description: signed ? `${signed.signatures === 1 ? '1 signature' : `${signed.signatures} signatures`}` : 'not signed yet',
            disabled: signed === undefined,
            onSelect: () => compareActions.withRemembered('signed'),
          },
          { id: 'file', title: 'A layout file…', description: 'a .layout or .json file, signed or not', onSelect: () => fileInput.current?.click() },
        ]}
      />
      <input
        ref={fileInput}
        type="file"
        accept=".layout,.json,application/json"
        hidden
        aria-label="Layout file to compare with"
        data-testid="compare-layout-input"
        onChange={(event) => {
          const file = event.target.files?.[0]
          event.target.value = ''
          if (file) void compareActions.withFile(file)
        }}
      />
    </>
  )
}
