/**
 * The hashing worker: files are read a chunk at a time and hashed with WebAssembly (hash-wasm)
 * off the page's thread, with progress. It serves "check files against a link"
 * (in-toto-match-products, core/match) and plain hashing (the rebuilder package check). It is
 * a message adapter: the work is the core's, the engine is injected here.
 */
import { readEnvelope } from '../../core/envelope/read.ts'
import { matchProducts } from '../../core/match/match-products.ts'
import type { ArtifactMap, HashDict } from '../../core/model/types.ts'
import { SourceTreeFs } from '../../core/record/source-tree-fs.ts'
import { blobSource } from './blob-source.ts'
import type { CallResults, DigestPairs, HashCall, HashProgress, HashRequest, HashResponse, LinkChoice } from './protocol.ts'
import { wasmHasher } from './wasm-engine.ts'

const post = (message: HashResponse) => (self as unknown as Worker).postMessage(message)
const running = new Map<number, AbortController>()
/** Files hashed ahead of the walk: enough to hide a read's latency, few enough to keep memory at a few chunks each. */
const READ_AHEAD = 8

/** Progress at most every 50 ms (and at the end): a message per 4 MiB chunk would flood the page. */
function progressReporter(id: number, bytesTotal: number, filesTotal: number) {
  const progress = { bytesDone: 0, bytesTotal, filesDone: 0, filesTotal }
  let last = 0
  const send = (force = false) => {
    const now = performance.now()
    if (!force && now - last < 50) return
    last = now
    post({ id, type: 'progress', progress: { ...progress } satisfies HashProgress })
  }
  return {
    bytes(n: number) {
      progress.bytesDone += n
      send()
    },
    file() {
      progress.filesDone++
      send(progress.filesDone === progress.filesTotal)
    },
    reset(total: number, files: number) {
      progress.bytesTotal = total
      progress.filesTotal = files
      send(true)
    },
  }
}

const pairs = (hashes: HashDict): DigestPairs => [...hashes]

async function linkProducts(choice: LinkChoice): Promise<{ name: string; products: ArtifactMap }> {
  if (choice.kind === 'products') return { name: choice.name, products: new Map(choice.products.map(([path, digests]) => [path, new Map(digests)])) }
  const envelope = readEnvelope(new Uint8Array(await choice.file.file.arrayBuffer()), choice.file.path)
  if (envelope.content.type !== 'link') throw new Error(`${choice.file.path}: holds a layout, not link metadata`)
  const name = envelope.content.link.name
  return { name: typeof name === 'string' ? name : JSON.stringify(name), products: envelope.content.link.products }
}

async function answer(id: number, call: HashCall, signal: AbortSignal): Promise<CallResults[HashCall['kind']]> {
  const sizes = new Map(call.files.map((file) => [file.path, file.file.size]))
  const progress = progressReporter(id, 0, call.files.length)
  if (call.kind === 'hash-files') {
    progress.reset(
      call.files.reduce((sum, file) => sum + file.file.size, 0),
      call.files.length,
    )
    const out: (readonly [string, DigestPairs])[] = []
    for (const file of call.files) {
      const digests = await wasmHasher.hash(blobSource(file.file), call.algorithms, { signal, onBytes: (n) => progress.bytes(n) })
      out.push([file.path, pairs(digests)])
      progress.file()
    }
    return out
  }
  const { name, products } = await linkProducts(call.link)
  const tree = new SourceTreeFs(new Map(call.files.map((file) => [file.path, blobSource(file.file)])), wasmHasher, { onBytes: (n) => progress.bytes(n), signal })
  const result = await matchProducts(products, tree, {
    ...call.settings,
    signal,
    onPlan: (paths) => {
      tree.hashAhead(paths, READ_AHEAD)
      progress.reset(
        paths.reduce((sum, path) => sum + (sizes.get(path) ?? 0), 0),
        paths.length,
      )
    },
    onFile: () => progress.file(),
  })
  return {
    linkName: name,
    onlyInProducts: result.onlyInProducts,
    notInProducts: result.notInProducts,
    differ: result.differ.map((path) => ({ path, expected: pairs(products.get(path) as HashDict), actual: pairs(result.artifacts.get(path) as HashDict) })),
    matching: result.matching,
    recorded: result.artifacts.size,
  }
}

self.onmessage = async (event: MessageEvent<HashRequest>) => {
  const request = event.data
  if (request.type === 'cancel') {
    running.get(request.id)?.abort(new Error('cancelled'))
    return
  }
  const controller = new AbortController()
  running.set(request.id, controller)
  try {
    post({ id: request.id, type: 'done', value: await answer(request.id, request.call, controller.signal) })
  } catch (error) {
    post({ id: request.id, type: 'failed', message: error instanceof Error ? error.message : String(error) })
  } finally {
    running.delete(request.id)
  }
}
