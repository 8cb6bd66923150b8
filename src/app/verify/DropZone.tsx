/**
 * One input of the Verify panel: a drop target with labelled file (and folder) pickers and the
 * list of what was added. Dropped folders are walked (webkitGetAsEntry), keeping sublayout
 * subdirectories.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react'
import { entriesOf, filesFromEntries, filesFromInput, type PickedFile } from './collect.ts'
import { routeDroppedFiles } from './route-drop.ts'
import { useVerifyStore, type Zone } from './verify-store.ts'

const ZONE_TITLES: Record<Zone, string> = { layout: 'Layout', ownerKeys: 'Owner keys', links: 'Links', products: 'Product files' }

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
  const [moved, setMoved] = useState<string>()
  const folderRef = useRef<HTMLInputElement>(null)
  const id = `verify-${zone}`

  useEffect(() => {
    // React does not know the non-standard attribute; the property is what browsers read.
    if (folderRef.current) folderRef.current.webkitdirectory = true
  }, [])

  /** Adds files where they belong, saying which ones went to another zone and why. */
  const place = async (picked: readonly PickedFile[], folder = false) => {
    // A folder is chosen for a zone on purpose (a product tree may hold a layout and keys): only single files move.
    const routed = folder ? picked.map((file) => ({ picked: file, zone, because: undefined })) : await routeDroppedFiles(zone, picked)
    const byZone = new Map<Zone, PickedFile[]>()
    for (const file of routed) byZone.set(file.zone, [...(byZone.get(file.zone) ?? []), file.picked])
    for (const [target, files] of byZone) addFiles(target, target === zone && !multiple ? files.slice(0, 1) : files)
    const away = routed.filter((file) => file.because !== undefined)
    setMoved(away.length === 0 ? undefined : away.map((file) => `${file.picked.path} went to ${ZONE_TITLES[file.zone]} (${file.because})`).join('; '))
  }

  const onDrop = (event: DragEvent) => {
    event.preventDefault()
    setOver(false)
    const entries = entriesOf(event.dataTransfer)
    const plain = filesFromInput(event.dataTransfer.files)
    if (!entries) {
      void place(plain)
      return
    }
    void filesFromEntries(entries).then((picked) =>
      place(
        picked,
        entries.some((entry) => entry.isDirectory),
      ),
    )
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
              if (event.target.files) void place(filesFromInput(event.target.files))
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
                if (event.target.files) void place(filesFromInput(event.target.files), true)
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
      {moved && (
        <p className="verify-hint verify-moved" role="status">
          {moved}.
        </p>
      )}
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
