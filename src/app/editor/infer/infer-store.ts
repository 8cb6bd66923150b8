/**
 * Inferring a layout from dropped files in the page: links become evidence, public key files
 * known signers, anything else is listed as skipped with the reason. The inference itself is
 * core/infer (the same as `layout-studio infer`).
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { readEnvelope } from '../../../core/envelope/read.ts'
import { inferLayout } from '../../../core/infer/infer.ts'
import type { Inference, KnownKey, LinkEvidence } from '../../../core/infer/types.ts'
import { importPublicKey } from '../../../core/keys/import.ts'
import { expiresInOneYear } from '../../../core/editor/templates.ts'
import { errorMessage } from '../../shared/error-message.ts'

export interface DroppedFile {
  readonly name: string
  readonly bytes: Uint8Array
}

export interface SkippedFile {
  readonly file: string
  readonly reason: string
}

export interface InferState {
  readonly open: boolean
  readonly phase: 'idle' | 'working' | 'ready' | 'failed'
  readonly inference: Inference | undefined
  /** The link files the inference rests on. */
  readonly links: readonly string[]
  /** Key files read from the drop (besides the keys the page already knows). */
  readonly keyFiles: readonly string[]
  readonly skipped: readonly SkippedFile[]
  readonly error: string | undefined
  /** Reads the files and infers; `knownKeys` are the keyring's and the open layout's keys. */
  start(files: readonly DroppedFile[], knownKeys: readonly KnownKey[]): Promise<void>
  close(): void
}

export type InferStore = StoreApi<InferState>

/** `alice.pub` → `alice`. */
function keyName(file: string): string {
  return file.replace(/^.*[/\\]/, '').replace(/\.(pub|pem|json|key)$/i, '')
}

export function classifyDropped(files: readonly DroppedFile[]): { links: LinkEvidence[]; keys: KnownKey[]; skipped: SkippedFile[] } {
  const links: LinkEvidence[] = []
  const keys: KnownKey[] = []
  const skipped: SkippedFile[] = []
  for (const file of files) {
    let envelopeProblem: string
    try {
      const envelope = readEnvelope(file.bytes, file.name)
      if (envelope.content.type === 'link') {
        links.push({ file: file.name, envelope })
        continue
      }
      skipped.push({ file: file.name, reason: 'a layout, not a link (open it with Open layout, or compare with it)' })
      continue
    } catch (error) {
      envelopeProblem = errorMessage(error)
    }
    try {
      keys.push({ publicKey: importPublicKey(new TextDecoder('utf-8', { fatal: true }).decode(file.bytes), { file: file.name }), name: keyName(file.name) })
    } catch {
      skipped.push({ file: file.name, reason: envelopeProblem })
    }
  }
  return { links, keys, skipped }
}

export function createInferStore(now: () => Date = () => new Date()): InferStore {
  return createStore<InferState>()((set) => ({
    open: false,
    phase: 'idle',
    inference: undefined,
    links: [],
    keyFiles: [],
    skipped: [],
    error: undefined,
    async start(files, knownKeys) {
      const { links, keys, skipped } = classifyDropped(files)
      set({ open: true, phase: 'working', inference: undefined, links: links.map((l) => l.file), keyFiles: keys.map((k) => k.name ?? ''), skipped, error: undefined })
      if (links.length === 0) {
        set({ phase: 'failed', error: 'None of the files is a link: drop the .link files a run recorded (in-toto-run, layout-studio run, in-toto-mock).' })
        return
      }
      try {
        const inference = await inferLayout({ links, keys: [...keys, ...knownKeys], expires: expiresInOneYear(now()) })
        set({ phase: 'ready', inference })
      } catch (error) {
        set({ phase: 'failed', error: errorMessage(error) })
      }
    },
    close: () => set({ open: false, phase: 'idle', inference: undefined, links: [], keyFiles: [], skipped: [], error: undefined }),
  }))
}
