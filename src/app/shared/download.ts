/**
 * Saving a file the page made. The text goes into a Blob URL that lives only for the click, so
 * exported key material never becomes part of the DOM.
 */
export function downloadText(fileName: string, text: string, type = 'application/octet-stream'): void {
  downloadBlob(fileName, new Blob([text], { type }))
}

/** Saves a Blob made elsewhere (e.g. in a worker, which can hand it over without copying). */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = fileName
  anchor.rel = 'noopener'
  anchor.style.display = 'none'
  document.body.append(anchor)
  try {
    anchor.click()
  } finally {
    anchor.remove()
    // Revoke after the browser has started the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  }
}

/** Copies text to the clipboard; false when the browser refuses (no permission, insecure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}
