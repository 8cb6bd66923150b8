/**
 * Links held in memory: named files (dropped files, an unpacked archive, tests), and a bundle
 * whose files were classified first. Read on the calling thread.
 */
import type { Envelope } from '../envelope/types.ts'
import { loadHere } from './load.ts'
import { checkRequestSignature, LinkReader } from './reader.ts'
import type { LinkRequest, LinkResult, Links, LoadOptions } from './types.ts'

/** A file of a bundle, with the envelope classification read from it, if any. */
export interface ClassifiedLinkFile {
  readonly path: string
  readonly bytes: Uint8Array
  /** Read by classification with the verifier's own reader (reader.ts), so the same as decoding would give. */
  readonly envelope?: Envelope
}

/** Links from named files in memory. */
export function memoryLinks(files: Iterable<readonly [string, Uint8Array]>): Links {
  return new MemoryLinks([...files].map(([path, bytes]) => ({ path, bytes })))
}

/**
 * Links from a bundle that was classified first: classification already read every link with
 * the verifier's own reader, so parsing the same megabytes again would double the cost of the
 * most expensive phase; only the signatures are checked. Anything classification could not read
 * (or did not try to) is decoded as usual, which also writes the error the verifier reports.
 */
export function classifiedLinks(files: Iterable<ClassifiedLinkFile>): Links {
  return new MemoryLinks([...files])
}

class MemoryLinks implements Links {
  private readonly files: ReadonlyMap<string, ClassifiedLinkFile>
  private readonly reader = new LinkReader()

  constructor(files: readonly ClassifiedLinkFile[]) {
    this.files = new Map(files.map((file) => [file.path, file]))
  }

  load(requests: readonly LinkRequest[], options?: LoadOptions): Promise<LinkResult[]> {
    return loadHere(requests, (request) => this.decode(request), options)
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    return this.fileAt(path)?.bytes
  }

  async list(): Promise<readonly string[]> {
    return [...this.files.keys()]
  }

  private fileAt(path: string): ClassifiedLinkFile | undefined {
    // The verifier joins `./` link directories as the reference does; the files are named without.
    return this.files.get(path.replace(/^(?:\.\/)+/, ''))
  }

  private async decode(request: LinkRequest): Promise<LinkResult> {
    const file = this.fileAt(request.path)
    const envelope = file?.envelope
    if (envelope === undefined) return this.reader.decode(request, file?.bytes)
    const signature = await checkRequestSignature(envelope, request)
    return signature === undefined ? { status: 'loaded', envelope } : { status: 'loaded', envelope, signature }
  }
}
