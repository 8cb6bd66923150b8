/**
 * A drop target with labelled file (and folder) pickers and the list of what was added.
 * Dropped folders are walked; a folder stands for its content (verify/collect.ts).
 */
import { useEffect, useRef, useState, type DragEvent } from 'react'
import { entriesOf, filesFromEntries, filesFromInput, type PickedFile } from '../verify/collect.ts'

interface FileDropProps {
  title: string
  hint: string
  /** Accessible name of the file picker. */
  fileLabel: string
  /** Accessible name of the folder picker, when folders make sense. */
  folderLabel?: string
  files: readonly PickedFile[]
  onAdd(files: readonly PickedFile[]): void
  onRemove(path: string): void
  onClear?(): void
}

/** Only so many names are listed; the rest are counted. */
const LISTED = 100

export function FileDrop({ title, hint, fileLabel, folderLabel, files, onAdd, onRemove, onClear }: FileDropProps) {
  const [over, setOver] = useState(false)
  const folderRef = useRef<HTMLInputElement>(null)
  const id = `rebuilders-${title.toLowerCase().replace(/[^a-z]+/g, '-')}`
  useEffect(() => {
    // React does not know the non-standard attribute; the property is what browsers read.
    if (folderRef.current) folderRef.current.webkitdirectory = true
  }, [])
  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const entries = entriesOf(event.dataTransfer)
    if (!entries) onAdd(filesFromInput(event.dataTransfer.files))
    else void filesFromEntries(entries).then(onAdd)
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
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="verify-hint">{hint}</p>
      <div className="verify-pickers">
        <label className="verify-pick">
          Choose files…
          <input
            type="file"
            aria-label={fileLabel}
            multiple
            onChange={(event) => {
              if (event.target.files) onAdd(filesFromInput(event.target.files))
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
                if (event.target.files) onAdd(filesFromInput(event.target.files))
                event.target.value = ''
              }}
            />
          </label>
        )}
        {onClear && files.length > 1 && (
          <button type="button" className="link" onClick={onClear}>
            Remove all {title.toLowerCase()}
          </button>
        )}
      </div>
      {files.length > 0 && (
        <ul className="verify-files" aria-label={`${title}: chosen files`}>
          {files.slice(0, LISTED).map((file) => (
            <li key={file.path}>
              <span className="verify-path">{file.path}</span>
              <button type="button" className="link" aria-label={`Remove ${file.path}`} onClick={() => onRemove(file.path)}>
                Remove
              </button>
            </li>
          ))}
          {files.length > LISTED && <li>… and {(files.length - LISTED).toLocaleString('en-US')} more</li>}
        </ul>
      )}
    </section>
  )
}
