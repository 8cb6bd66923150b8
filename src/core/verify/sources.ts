/**
 * What the verifier reads and runs, as interfaces: a directory on disk in Node, dropped files
 * or an archive in the browser; a subprocess runner in Node, emulation in the browser.
 */
import type { ReferenceException } from '../errors.ts'
import type { Link, Inspection } from '../model/types.ts'

/** Named files relative to the link directory. Paths use `/`; a path may be absolute. */
export interface LinkSource {
  /** The file's bytes, or `undefined` when there is no such file (or it is a directory). */
  read(path: string): Promise<Uint8Array | undefined>
  /** Every file path under the link directory, for "unused link" warnings; optional. */
  list?(): Promise<readonly string[]>
}

/** Links from a list of named files (dropped files, an unpacked archive, tests). */
export class MemoryLinkSource implements LinkSource {
  private readonly files: ReadonlyMap<string, Uint8Array>

  constructor(files: Iterable<readonly [string, Uint8Array]>) {
    this.files = new Map(files)
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    return this.files.get(path.replace(/^(?:\.\/)+/, ''))
  }

  async list(): Promise<readonly string[]> {
    return [...this.files.keys()]
  }
}

export type InspectionResult =
  /** `link`: what was recorded; its `byproducts["return-value"]` must be the integer 0. */
  | { readonly status: 'ran'; readonly how: 'executed' | 'emulated' | 'prerecorded'; readonly link: Link }
  /** The inspection could not be run here (e.g. a browser cannot run commands). */
  | { readonly status: 'not-run'; readonly reason: string }
  /** Running failed in a way the reference treats as fatal (missing program, timeout). */
  | { readonly status: 'error'; readonly errorType: ReferenceException; readonly message: string }

export interface InspectionRunner {
  /** Runs one inspection (its `run` already substituted) and records materials and products. */
  run(inspection: Inspection, signal?: AbortSignal): Promise<InspectionResult>
}

/** For verifiers that cannot run commands: every inspection is reported as not run. */
export const noInspections: InspectionRunner = {
  async run(inspection) {
    return { status: 'not-run', reason: `inspection '${inspection.name}' runs a command, which is not possible here` }
  },
}
