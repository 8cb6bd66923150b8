/**
 * How the verifier runs inspections, as an interface: a subprocess runner in Node, emulation or
 * signed inspection links in the browser. (How it reads link files: links/types.ts.)
 */
import type { ReferenceException } from '../errors.ts'
import type { Link, Inspection } from '../model/types.ts'

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
