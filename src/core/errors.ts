/**
 * Errors raised by the core. Callers branch on `code`, never on message text.
 *
 * Every error that comes from an untrusted document carries the file it came from and the
 * JSON path inside it, so a person can find the offending value.
 */

export type CoreErrorCode =
  /** Bytes are not valid UTF-8 / JSON, or JSON breaks a rule of our strict parser. */
  | 'json'
  /** A value that canonical JSON cannot encode (float, lone surrogate, unsupported type). */
  | 'canonical'
  /** A document does not have the shape its format requires. */
  | 'format'
  /** Key material that cannot be parsed or used. */
  | 'key'
  /** A key type / signature scheme combination the reference does not support. */
  | 'unsupported-algorithm'
  /** A signature that is malformed beyond "does not verify" (the reference treats it as fatal). */
  | 'signature-format'
  /** Wrong password, or encrypted data that fails to decrypt. */
  | 'decrypt'
  /** An artifact that cannot be recorded into a link (see record/record.ts `RecordError`). */
  | 'record'

/**
 * The exception the reference raises for a failure (in-toto 1.3.1 and securesystemslib 0.26,
 * or Python's own when the reference does not catch it): what reports call `errorType`. It is
 * set where the error arises, never read back from a message.
 */
export type ReferenceException =
  // in-toto (`in_toto.exceptions`) and securesystemslib (`securesystemslib.exceptions`)
  | 'FormatError'
  | 'SignatureVerificationError'
  | 'LayoutExpiredError'
  | 'LinkNotFoundError'
  | 'ThresholdVerificationError'
  | 'RuleVerificationError'
  | 'BadReturnValueError'
  | 'UnsupportedAlgorithmError'
  | 'CryptoError'
  /** securesystemslib's storage backend: a file to hash that cannot be opened (`Can't open …`). */
  | 'StorageError'
  // securesystemslib `gpg.exceptions`
  | 'KeyExpirationError'
  | 'KeyNotFoundError'
  | 'PacketParsingError'
  // Python's, raised through the reference
  | 'JSONDecodeError'
  | 'UnicodeDecodeError'
  | 'UnicodeEncodeError'
  | 'KeyError'
  | 'IndexError'
  | 'TypeError'
  | 'ValueError'
  | 'AttributeError'
  | 'RecursionError'
  | 'FileNotFoundError'
  | 'PermissionError'
  | 'OSError'
  | 'TimeoutExpired'
  /** Not the reference's: an OpenPGP key its certificate revokes (the reference ignores revocations). */
  | 'KeyRevokedError'
  /** Not the reference's: a command called wrongly (where the reference's argparse exits with status 2). */
  | 'UsageError'
  /** Not the reference's: an error this verifier did not expect. */
  | 'Error'

/** The reference's exception for each kind of error, unless the error names its own. */
const EXCEPTION_OF_CODE: Readonly<Record<CoreErrorCode, ReferenceException>> = {
  // json.loads: json.JSONDecodeError (a ValueError) escapes `load_metadata`.
  json: 'JSONDecodeError',
  // securesystemslib `encode_canonical`: FormatError (a lone surrogate names UnicodeEncodeError where it is raised).
  canonical: 'FormatError',
  format: 'FormatError',
  key: 'CryptoError',
  decrypt: 'CryptoError',
  'unsupported-algorithm': 'UnsupportedAlgorithmError',
  'signature-format': 'FormatError',
  // An artifact that cannot be recorded names its own (UnicodeEncodeError, StorageError, …); OSError otherwise.
  record: 'OSError',
}

export class CoreError extends Error {
  readonly code: CoreErrorCode
  /** The reference's exception for this error (the report's `errorType`). */
  readonly exception: ReferenceException
  /** File name the offending input came from, when known. */
  readonly file: string | undefined
  /** JSON path inside that file, e.g. `steps[1].expected_materials[0]`. */
  readonly path: string | undefined
  /** The message without file and path, for UIs that show those separately. */
  readonly detail: string

  constructor(code: CoreErrorCode, detail: string, where: { file?: string; path?: string; cause?: unknown; exception?: ReferenceException } = {}) {
    super(formatLocated(detail, where.file, where.path), where.cause === undefined ? undefined : { cause: where.cause })
    this.name = 'CoreError'
    this.code = code
    this.exception = where.exception ?? EXCEPTION_OF_CODE[code]
    this.file = where.file
    this.path = where.path
    this.detail = detail
  }

  /** The same error, attributed to a file (errors are raised deep inside before the file is known). */
  inFile(file: string | undefined): CoreError {
    if (file === undefined || this.file !== undefined) return this
    return new CoreError(this.code, this.detail, { file, path: this.path, cause: this.cause, exception: this.exception })
  }

  /** The same error with its JSON path placed under `base` (e.g. `signed`, `payload`). */
  under(base: string): CoreError {
    return new CoreError(this.code, this.detail, { file: this.file, path: prefixPath(base, this.path), cause: this.cause, exception: this.exception })
  }
}

/** `prefixPath('signed', 'steps[0]')` is `signed.steps[0]`; `prefixPath('signed', '[2]')` is `signed[2]`. */
export function prefixPath(base: string, path: string | undefined): string {
  if (!path) return base
  if (!base) return path
  return path.startsWith('[') ? `${base}${path}` : `${base}.${path}`
}

/** A problem as plain data: what survives a thread crossing (errors lose their class there). */
export interface ErrorInfo {
  readonly code: CoreErrorCode | 'internal'
  /** The reference's exception for it (the report's `errorType`). */
  readonly exception: ReferenceException
  readonly message: string
  readonly detail: string
  readonly file?: string
  readonly path?: string
}

/** Any thrown value as plain data, attributed to `file` when it does not name one; `internal` for what is not a CoreError. */
export function toErrorInfo(error: unknown, file?: string): ErrorInfo {
  if (error instanceof CoreError) {
    const located = error.inFile(file)
    return { code: located.code, exception: located.exception, message: located.message, detail: located.detail, file: located.file, path: located.path }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', exception: 'Error', message, detail: message, file }
}

/** One problem found while validating a document; validation reports all of them at once. */
export interface Issue {
  /** JSON path, `""` for the document itself. */
  readonly path: string
  readonly message: string
}

/** A document that failed validation, with every problem found and where. */
export class ValidationError extends CoreError {
  readonly issues: readonly Issue[]
  /** What was being validated ("layout", "link", "signatures", …). */
  readonly subject: string

  constructor(what: string, issues: readonly Issue[], file?: string) {
    const first = issues[0]
    const summary =
      issues.length === 1 && first
        ? `${what}: ${formatLocated(first.message, undefined, first.path)}`
        : `${what}: ${issues.length} problems:\n${issues.map((i) => `  - ${formatLocated(i.message, undefined, i.path)}`).join('\n')}`
    super('format', summary, { file })
    this.name = 'ValidationError'
    this.issues = issues
    this.subject = what
  }

  override inFile(file: string | undefined): CoreError {
    if (file === undefined || this.file !== undefined) return this
    return new ValidationError(this.subject, this.issues, file)
  }

  override under(base: string): CoreError {
    return new ValidationError(
      this.subject,
      this.issues.map((issue) => ({ ...issue, path: prefixPath(base, issue.path) })),
      this.file,
    )
  }
}

function formatLocated(detail: string, file: string | undefined, path: string | undefined): string {
  const where = [file, path].filter((part) => part !== undefined && part !== '').join(': ')
  return where ? `${where}: ${detail}` : detail
}
