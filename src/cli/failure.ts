/**
 * A command that was called correctly but could not do its job (a command to record timed
 * out, a preliminary link is missing, a signature does not verify): exit code 1 with a plain
 * message, as in-toto's tools exit 1 on such errors (2 is kept for usage errors).
 */
export class CommandFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'CommandFailure'
  }
}
