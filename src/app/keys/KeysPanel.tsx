import { useEffect, useState } from 'react'
import { DeviceSection } from './DeviceSection.tsx'
import { FunctionariesSection } from './FunctionariesSection.tsx'
import { KeyringSection } from './KeyringSection.tsx'
import { RunSheetSection } from './RunSheetSection.tsx'
import { SignSection } from './SignSection.tsx'
import { keyringStore } from './use-keyring.ts'
import { errorMessage } from '../shared/error-message.ts'

/** The Keys workspace: the keyring, device storage, functionaries, signing and the run sheet. */
export default function KeysPanel() {
  const [loadError, setLoadError] = useState<string | undefined>()
  useEffect(() => {
    if (keyringStore.getState().loaded) return
    keyringStore
      .getState()
      .load()
      .catch((error: unknown) => setLoadError(`Remembered keys could not be read: ${errorMessage(error)}`))
  }, [])
  return (
    <section className="workspace keys-panel" aria-label="Keys">
      <h2>Keys</h2>
      {loadError && (
        <p role="alert" className="keys-error">
          {loadError}
        </p>
      )}
      <div className="keys-columns">
        <div>
          <KeyringSection />
          <DeviceSection />
        </div>
        <div>
          <SignSection />
          <FunctionariesSection />
          <RunSheetSection />
        </div>
      </div>
    </section>
  )
}
