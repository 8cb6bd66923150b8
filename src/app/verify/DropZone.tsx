/**
 * One input of the Verify panel: a drop target with labelled file (and folder) pickers and the
 * list of what was added. Dropped folders are walked (webkitGetAsEntry), keeping sublayout
 * subdirectories.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react'
import { entriesOf, filesFromEntries, filesFromInput } from './collect.ts'
import { useVerifyStore, type Zone } from './verify-store.ts'

interface DropZoneProps {
  zone: Zone
  title: string
  hint: string
  /** Accessible name of the file picker (tests and screen readers find it by this). */
  fileLabel: string
  /** Accessible name of the folder picker, if folders make sense here. */
  folderLabel?: string
  multiple?: boolean
  accept?: string
}

export function DropZone({ zone, title, hint, fileLabel, folderLabel, multiple = true, accept }: DropZoneProps) {
  const files = useVerifyStore((state) => state.files[zone])
  const addFiles = useVerifyStore((state) => state.addFiles)
  const removeFile = useVerifyStore((state) => state.removeFile)
  const clearZone = useVerifyStore((state) => state.clearZone)
  const [over, setOver] = useState(false)
  const folderRef = useRef<HTMLInputElement>(null)
  const id = `verify-${zone}`

  useEffect(() => {
    // React does not know the non-standard attribute; the property is what browsers read.
    if (folderRef.current) folderRef.current.webkitdirectory = true
  }, [])

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const entries = entriesOf(event.dataTransfer)
    const plain = filesFromInput(event.dataTransfer.files)
    if (!entries) {
      addFiles(zone, plain)
      return
    }
    void filesFromEntries(entries).then((picked) => addFiles(zone, multiple ? picked : picked.slice(0, 1)))
  }

  return (
    <section
      className={`verify-zone${over ? ' verify-zone-over' : ''}`}
      aria-labelledby={`${id}-title`}
      onDragOver={(event) => {
        event.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      data-testid={`${id}-zone`}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="verify-hint">{hint}</p>
      <div className="verify-pickers">
        <label className="verify-pick">
          {multiple ? 'Choose files…' : 'Choose a file…'}
          <input
            type="file"
            aria-label={fileLabel}
            multiple={multiple}
            accept={accept}
            onChange={(event) => {
              if (event.target.files) addFiles(zone, filesFromInput(event.target.files))
              event.target.value = ''
            }}
          />
        </label>
        {folderLabel && (
          <label className="verify-pick">
            Choose a folder…
            <input
              ref={folderRef}
              type="file"
              aria-label={folderLabel}
              onChange={(event) => {
                if (event.target.files) addFiles(zone, filesFromInput(event.target.files))
                event.target.value = ''
              }}
            />
          </label>
        )}
        {files.length > 1 && (
          <button type="button" className="verify-link-button" onClick={() => clearZone(zone)}>
            Remove all {title.toLowerCase()}
          </button>
        )}
      </div>
      {files.length > 0 && (
        <ul className="verify-files" aria-label={`${title}: chosen files`}>
          {files.slice(0, 200).map((file) => (
            <li key={file.path}>
              <span className="verify-path">{file.path}</span>
              <button type="button" className="verify-link-button" aria-label={`Remove ${file.path}`} onClick={() => removeFile(zone, file.path)}>
                Remove
              </button>
            </li>
          ))}
          {files.length > 200 && <li>… and {files.length - 200} more</li>}
        </ul>
      )}
    </section>
  )
}
