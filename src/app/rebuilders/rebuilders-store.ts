/**
 * The Rebuilders workspace's state: the rebuilder policy being edited (remembered on this
 * device, saved and loaded as a file), the package files and attestations dropped, and the
 * check of the one against the other. A vanilla store with its storage and checker injected
 * (docs/ui.md), so tests drive it without a page.
 *
 * The check runs again whenever the policy or the files change and there are packages to
 * check; a change while a check runs cancels it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  parsePolicy,
  emptyPolicy,
  addRebuilderKeys,
  policyProblems,
  removeRebuilder,
  removeRebuilderKey,
  renameRebuilder,
  serializePolicy,
  setKeyLabel,
  setQuorum,
  setThreshold,
  type RebuilderPolicy,
} from '../../core/rebuilders/policy.ts'
import { readPolicyKeyFile } from '../../core/rebuilders/policy-key.ts'
import { errorMessage } from '../shared/error-message.ts'
import type { PickedFile } from '../verify/collect.ts'
import type { CheckProgress, CheckSummary } from './check-protocol.ts'
import { CancelledCheck, type Checker } from './checker.ts'

/** Where the policy is remembered between visits (localStorage in the page, a Map in tests). */
export interface PolicyStorage {
  read(): string | undefined
  write(text: string): void
}

export type CheckState =
  | { readonly status: 'idle' }
  | { readonly status: 'checking'; readonly progress?: CheckProgress }
  | { readonly status: 'done'; readonly summary: CheckSummary }
  | { readonly status: 'failed'; readonly message: string }

export interface RebuildersState {
  readonly policy: RebuilderPolicy
  /** The file the policy was loaded from or last saved as. */
  readonly policyFile: string | undefined
  /** The last thing that could not be done to the policy (a key that is not a key, a file that is not a policy). */
  readonly problem: string | undefined
  /** What the last successful change did, for the status line. */
  readonly status: string | undefined
  readonly packages: readonly PickedFile[]
  readonly attestations: readonly PickedFile[]
  readonly check: CheckState
  /** Set once the remembered policy has been read. */
  readonly loaded: boolean
  /** Adds the keys in `data` (a key file's text or bytes) to rebuilder `name` (created when new). Resolves to whether it worked. */
  addKeys(name: string, data: string | Uint8Array, source: string, label?: string): Promise<boolean>
  removeRebuilder(name: string): void
  renameRebuilder(from: string, to: string): boolean
  removeKey(name: string, keyid: string): void
  setKeyLabel(name: string, keyid: string, label: string): void
  setThreshold(threshold: number): void
  setQuorum(quorum: boolean): void
  /** Replaces the policy with the one in `text`; resolves to whether it could be read. */
  loadPolicy(text: string, fileName: string): Promise<boolean>
  newPolicy(): void
  /** The policy file's text, and records that it was saved as `fileName`. */
  savePolicy(fileName: string): string
  addPackages(files: readonly PickedFile[]): void
  removePackage(path: string): void
  addAttestations(files: readonly PickedFile[]): void
  removeAttestation(path: string): void
  clearAttestations(): void
  dismissProblem(): void
}

export type RebuildersStore = StoreApi<RebuildersState>

export interface RebuildersDeps {
  readonly storage: PolicyStorage
  readonly checker: Checker
}

/** The remembered policy; a damaged record only costs it (files saved by the person are untouched). */
async function restore(storage: PolicyStorage): Promise<RebuilderPolicy | undefined> {
  try {
    const text = storage.read()
    return text === undefined ? undefined : await parsePolicy(text, 'the remembered policy')
  } catch {
    return undefined
  }
}

export function createRebuildersStore(deps: RebuildersDeps): RebuildersStore {
  const store = createStore<RebuildersState>()((set, get) => {
    let generation = 0
    const recheck = () => {
      const mine = ++generation
      const { policy, packages, attestations } = get()
      if (packages.length === 0 || policyProblems(policy).length > 0) {
        deps.checker.cancel()
        set({ check: { status: 'idle' } })
        return
      }
      set({ check: { status: 'checking' } })
      const toCheck = (files: readonly PickedFile[]) => files.map((picked) => ({ path: picked.path, file: picked.file, lastModified: picked.file.lastModified }))
      deps.checker
        .check({ policy: serializePolicy(policy), packages: toCheck(packages), attestations: toCheck(attestations) }, (progress) => {
          if (generation === mine) set({ check: { status: 'checking', progress } })
        })
        .then(
          (summary) => {
            if (generation === mine) set({ check: { status: 'done', summary } })
          },
          (error: unknown) => {
            if (generation === mine && !(error instanceof CancelledCheck)) set({ check: { status: 'failed', message: errorMessage(error) } })
          },
        )
    }
    /** Applies a policy edit; an edit that throws becomes the problem shown, and changes nothing. */
    const changePolicy = (edit: (policy: RebuilderPolicy) => RebuilderPolicy, status?: string): boolean => {
      let policy: RebuilderPolicy
      try {
        policy = edit(get().policy)
      } catch (error) {
        set({ problem: errorMessage(error), status: undefined })
        return false
      }
      set({ policy, problem: undefined, status, loaded: true })
      try {
        deps.storage.write(serializePolicy(policy))
      } catch {
        // Storage full or refused: the policy still works for this visit, and can be saved as a file.
      }
      recheck()
      return true
    }
    /** Reads something slow first (keys, a policy file), then applies the edit to the policy as it is then. */
    const changePolicyAfter = async <T>(read: () => Promise<T>, edit: (policy: RebuilderPolicy, value: T) => RebuilderPolicy, status?: string): Promise<boolean> => {
      let value: T
      try {
        value = await read()
      } catch (error) {
        set({ problem: errorMessage(error), status: undefined })
        return false
      }
      return changePolicy((policy) => edit(policy, value), status)
    }
    const changeFiles = (patch: Partial<Pick<RebuildersState, 'packages' | 'attestations'>>) => {
      set(patch)
      recheck()
    }
    const merge = (existing: readonly PickedFile[], added: readonly PickedFile[]) => {
      const paths = new Set(added.map((file) => file.path))
      return [...existing.filter((file) => !paths.has(file.path)), ...added]
    }
    return {
      policy: emptyPolicy(),
      loaded: false,
      policyFile: undefined,
      problem: undefined,
      status: undefined,
      packages: [],
      attestations: [],
      check: { status: 'idle' },
      addKeys: (name, data, source, label = '') =>
        changePolicyAfter(
          () => readPolicyKeyFile(data, source, label),
          (policy, keys) => addRebuilderKeys(policy, name, keys),
          `Added ${name.trim()}'s key from ${source}.`,
        ),
      removeRebuilder: (name) => void changePolicy((policy) => removeRebuilder(policy, name), `Removed rebuilder ${name}.`),
      renameRebuilder: (from, to) => (from === to.trim() ? true : changePolicy((policy) => renameRebuilder(policy, from, to))),
      removeKey: (name, keyid) => void changePolicy((policy) => removeRebuilderKey(policy, name, keyid), `Removed a key of ${name}.`),
      setKeyLabel: (name, keyid, label) => void changePolicy((policy) => setKeyLabel(policy, name, keyid, label)),
      setThreshold: (threshold) => void changePolicy((policy) => setThreshold(policy, threshold)),
      setQuorum: (quorum) => void changePolicy((policy) => setQuorum(policy, quorum)),
      loadPolicy: async (text, fileName) => {
        const loaded = await changePolicyAfter(
          () => parsePolicy(text, fileName),
          (_, policy) => policy,
          `Loaded the policy ${fileName}.`,
        )
        if (loaded) set({ policyFile: fileName })
        return loaded
      },
      newPolicy: () => {
        changePolicy(() => emptyPolicy(), 'Started a new, empty policy.')
        set({ policyFile: undefined })
      },
      savePolicy: (fileName) => {
        set({ policyFile: fileName, status: `Saved the policy as ${fileName}.` })
        return serializePolicy(get().policy)
      },
      addPackages: (files) => changeFiles({ packages: merge(get().packages, files) }),
      removePackage: (path) => changeFiles({ packages: get().packages.filter((file) => file.path !== path) }),
      addAttestations: (files) => changeFiles({ attestations: merge(get().attestations, files) }),
      removeAttestation: (path) => changeFiles({ attestations: get().attestations.filter((file) => file.path !== path) }),
      clearAttestations: () => changeFiles({ attestations: [] }),
      dismissProblem: () => set({ problem: undefined }),
    }
  })
  void restore(deps.storage).then((policy) => {
    // A change made while the record was read wins over it.
    if (store.getState().loaded) return
    store.setState({ policy: policy ?? emptyPolicy(), loaded: true })
  })
  return store
}
