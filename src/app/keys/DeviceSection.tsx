import { useId, useState, type FormEvent } from 'react'
import { MIN_PASSPHRASE_LENGTH } from '../../core/vault/vault.ts'
import { TaskStatus, useTask } from './task.tsx'
import { keyringStore, useKeyring } from './use-keyring.ts'

/** Remembering keys on this device (sealed under a passphrase), unlocking them, forgetting everything. */
export function DeviceSection() {
  const keys = useKeyring((state) => state.keys)
  const [passphrase, setPassphrase] = useState('')
  const { busy, notice, run } = useTask()
  const [confirmForget, setConfirmForget] = useState(false)
  const ids = useId()
  const locked = keys.filter((key) => key.locked).length
  const unsaved = keys.filter((key) => !key.remembered && !key.locked).length

  // The passphrase is not kept: every remember/unlock asks for it again.
  const act = (progress: string, action: () => Promise<string>) => {
    void run(progress, action).finally(() => setPassphrase(''))
  }

  const remember = (event: FormEvent) => {
    event.preventDefault()
    act('Encrypting and storing keys…', async () => {
      const count = await keyringStore.getState().remember(passphrase)
      return `${count} key${count === 1 ? '' : 's'} remembered on this device, private keys encrypted under your passphrase.`
    })
  }

  const unlock = () =>
    act('Unlocking…', async () => {
      const count = await keyringStore.getState().unlock(passphrase)
      return `Unlocked ${count} remembered key${count === 1 ? '' : 's'}.`
    })

  const forget = () =>
    act('Forgetting…', async () => {
      setConfirmForget(false)
      await keyringStore.getState().forgetAll()
      return 'All keys were removed from this page and from this device.'
    })

  return (
    <section className="keys-section" aria-labelledby={`${ids}-heading`}>
      <h3 id={`${ids}-heading`}>On this device</h3>
      <p className="keys-hint">
        Private keys are kept in memory only and are gone when the page closes, unless you remember them here: they are then stored in this browser, encrypted under your passphrase
        (PBKDF2-SHA-256, 600,000 iterations, AES-GCM). Nothing is ever sent over the network.
      </p>
      <form className="keys-row" onSubmit={remember} aria-label="Remember keys on this device">
        <label>
          Passphrase
          <input
            type="password"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            autoComplete="off"
            minLength={MIN_PASSPHRASE_LENGTH}
            placeholder={`at least ${MIN_PASSPHRASE_LENGTH} characters`}
          />
        </label>
        <button type="submit" disabled={busy !== undefined || unsaved === 0 || passphrase === ''}>
          Remember on this device
        </button>
        {locked > 0 && (
          <button type="button" disabled={busy !== undefined || passphrase === ''} onClick={unlock}>
            Unlock remembered keys
          </button>
        )}
      </form>
      {locked > 0 && (
        <p className="keys-hint">
          {locked} remembered private key{locked === 1 ? ' is' : 's are'} locked: enter the passphrase to use {locked === 1 ? 'it' : 'them'}.
        </p>
      )}
      <div className="keys-row">
        {confirmForget ? (
          <>
            <span>Remove every key from this page and from this device?</span>
            <button type="button" className="danger keys-danger" onClick={forget}>
              Yes, forget all keys
            </button>
            <button type="button" onClick={() => setConfirmForget(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" className="danger keys-danger" disabled={busy !== undefined} onClick={() => setConfirmForget(true)}>
            Forget all keys
          </button>
        )}
      </div>
      <TaskStatus busy={busy} notice={notice} />
    </section>
  )
}
