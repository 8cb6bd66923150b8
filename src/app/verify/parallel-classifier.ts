/**
 * Classification of a big bundle's links on two threads: this one (the verification worker)
 * and a helper (classify.worker.ts). The links of one step go to the same thread, so that its
 * region memo reads the artifact maps they share once; steps alternate between the threads.
 * If the helper fails, whatever it had is classified here: the result is the same either way.
 */
import type { BundleFile } from '../../core/bundle/assemble.ts'
import type { ClassifiedFile } from '../../core/bundle/classify.ts'
import { ClassifiedReceiver, type TransferredClassification } from '../../core/bundle/classified-transfer.ts'
import { localClassifier, type LinkClassifier } from '../../core/bundle/verify-bundle.ts'

export interface ClassifyRequest {
  readonly id: number
  readonly path: string
  readonly bytes: Uint8Array
}

export interface ClassifyResponse {
  readonly id: number
  readonly packed: TransferredClassification
}

/** Below this many bytes of links, one thread classifies them: starting a helper costs more. */
export const PARALLEL_CLASSIFY_BYTES = 4 * 1024 * 1024

interface Pending {
  readonly file: BundleFile
  readonly resolve: (classified: ClassifiedFile) => void
}

export class ParallelClassifier implements LinkClassifier {
  private readonly local = localClassifier()
  private helper: Worker | undefined
  private readonly receiver = new ClassifiedReceiver()
  private readonly pending = new Map<number, Pending>()
  /** Per step (file group): whether the helper classifies it. */
  private readonly onHelper = new Map<string, boolean>()
  private nextId = 0

  constructor() {
    const helper = new Worker(new URL('./classify.worker.ts', import.meta.url), { type: 'module', name: 'classify' })
    helper.onmessage = (event: MessageEvent<ClassifyResponse>) => this.received(event.data)
    helper.onerror = () => this.fail()
    this.helper = helper
  }

  classify(file: BundleFile): ClassifiedFile | Promise<ClassifiedFile> {
    const group = groupOf(file.path)
    let remote = this.onHelper.get(group)
    if (remote === undefined) {
      remote = this.onHelper.size % 2 === 1
      this.onHelper.set(group, remote)
    }
    const helper = this.helper
    if (!remote || helper === undefined) return this.local.classify(file)
    const id = this.nextId++
    // A copy goes to the helper: this thread keeps the file's bytes for the verifier.
    const bytes = file.bytes.slice()
    return new Promise((resolve) => {
      this.pending.set(id, { file, resolve })
      helper.postMessage({ id, path: file.path, bytes } satisfies ClassifyRequest, [bytes.buffer])
    })
  }

  /** Stops the helper (files still with it are classified here). */
  close(): void {
    this.fail()
  }

  private received({ id, packed }: ClassifyResponse): void {
    const pending = this.pending.get(id)
    if (pending === undefined) return
    this.pending.delete(id)
    let classified: ClassifiedFile | undefined
    try {
      classified = this.receiver.unpack(packed)
    } catch {
      // A mix-up between the threads: nothing from the helper can be trusted any more.
      this.fail()
    }
    pending.resolve(classified ?? (this.local.classify(pending.file) as ClassifiedFile))
  }

  private fail(): void {
    this.helper?.terminate()
    this.helper = undefined
    for (const { file, resolve } of this.pending.values()) resolve(this.local.classify(file) as ClassifiedFile)
    this.pending.clear()
  }
}

/** `STEP.KEYID8.link` files of one step (one directory) form a group; any other file is its own. */
function groupOf(path: string): string {
  return path.replace(/\.[0-9a-f]{8}\.link$/, '')
}
