import { useState } from 'react'
import { errorMessage } from '../shared/error-message.ts'

export type Notice = { readonly kind: 'status' | 'error'; readonly text: string } | undefined

/**
 * An asynchronous action with a progress line, a success message and an error, as the Keys
 * sections show them. `run` resolves after the action settles; errors never escape it.
 */
export function useTask() {
  const [busy, setBusy] = useState<string | undefined>()
  const [notice, setNotice] = useState<Notice>()
  const run = async (progress: string, action: () => Promise<string>): Promise<void> => {
    setBusy(progress)
    setNotice(undefined)
    try {
      setNotice({ kind: 'status', text: await action() })
    } catch (error) {
      setNotice({ kind: 'error', text: errorMessage(error) })
    } finally {
      setBusy(undefined)
    }
  }
  return { busy, notice, setNotice, run }
}

/** The live regions for a task: progress and success politely, errors as alerts. */
export function TaskStatus({ busy, notice }: { busy: string | undefined; notice: Notice }) {
  return (
    <>
      <p role="status" className="keys-status">
        {busy ?? (notice?.kind === 'status' ? notice.text : '')}
      </p>
      {notice?.kind === 'error' && (
        <p role="alert" className="keys-error">
          {notice.text}
        </p>
      )}
    </>
  )
}
