/**
 * How the verifier stops at a failure: a phase throws {@link Stop} with the report's
 * `Failure`, and only the verifier catches it. Errors met on the way (a file that does not
 * parse, a key that cannot verify) already carry the reference's exception name and kind.
 */
import type { ErrorInfo } from '../errors.ts'
import type { Failure, Stage } from './report.ts'

/** Raised inside the verifier to stop at a failure; never escapes it. */
export class Stop extends Error {
  readonly failure: Failure
  constructor(failure: Failure) {
    super(failure.message)
    this.failure = failure
  }
}

/** Malformed documents are `format` failures wherever found; crypto problems belong to their phase. */
export function stageOfError(error: ErrorInfo, phase: Stage): Stage {
  return error.code === 'json' || error.code === 'format' || error.code === 'canonical' ? 'format' : phase
}
