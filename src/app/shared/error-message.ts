/**
 * The one way the app turns a thrown value into the sentence a person reads (status lines, `role="alert"`
 * regions, the worker's failure message). Core errors already name the file and JSON path; anything else
 * that is not an `Error` (a rejected string, a DOMException from the browser) is shown as it is.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  if (typeof error === 'string') return error
  return String(error)
}
