/**
 * A minimal, strict DER reader and writer: just what key files (SPKI, PKCS#1, PKCS#8, SEC1,
 * PBES2) and ECDSA signatures need.
 *
 * Strict means DER, not BER: definite, minimally encoded lengths; minimally encoded INTEGERs;
 * low tag numbers only. That is what OpenSSL enforces where it matters for verdicts: an ECDSA
 * signature only verifies if re-encoding it as DER gives the same bytes (OpenSSL
 * `ossl_ecdsa_verify`), and INTEGERs with superfluous leading bytes are refused since 1.1.0
 * (`c2i_ASN1_INTEGER`, "illegal padding").
 */

/** Malformed DER. Callers turn it into the `CoreError` that fits (`key`, or a `false` verdict). */
export class DerError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DerError'
  }
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const

/** Tag byte of a context-specific `[n]` element. */
export function contextTag(n: number, constructed: boolean): number {
  return 0x80 | (constructed ? 0x20 : 0) | n
}

/** One decoded element: its tag byte, its contents, and the whole encoding. */
export interface DerElement {
  readonly tag: number
  readonly contents: Uint8Array
  /** Tag, length and contents: the exact bytes this element was read from. */
  readonly encoded: Uint8Array
}

/** Reads consecutive elements from a buffer (the top level, or the contents of a constructed element). */
export class DerReader {
  private readonly bytes: Uint8Array
  private offset = 0

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  get done(): boolean {
    return this.offset >= this.bytes.length
  }

  peekTag(): number | undefined {
    return this.done ? undefined : this.bytes[this.offset]
  }

  /** Reads the next element; with `tag`, it must have that tag. */
  next(tag?: number, what = 'element'): DerElement {
    const bytes = this.bytes
    const start = this.offset
    if (start >= bytes.length) throw new DerError(`missing ${what}`)
    const actual = bytes[start]!
    if ((actual & 0x1f) === 0x1f) throw new DerError(`${what}: high tag numbers are not supported`)
    if (tag !== undefined && actual !== tag) throw new DerError(`expected ${what} (tag 0x${hex2(tag)}), found tag 0x${hex2(actual)}`)
    let pos = start + 1
    if (pos >= bytes.length) throw new DerError(`${what}: truncated length`)
    let length = bytes[pos++]!
    if (length === 0x80) throw new DerError(`${what}: indefinite length is not DER`)
    if (length > 0x80) {
      const count = length & 0x7f
      if (count > 4) throw new DerError(`${what}: length too large`)
      if (pos + count > bytes.length) throw new DerError(`${what}: truncated length`)
      if (bytes[pos] === 0) throw new DerError(`${what}: length has a leading zero byte (not DER)`)
      length = 0
      for (let i = 0; i < count; i++) length = length * 256 + bytes[pos++]!
      if (length < 0x80) throw new DerError(`${what}: long-form length for a short length (not DER)`)
    }
    if (pos + length > bytes.length) throw new DerError(`${what}: truncated contents (needs ${length} bytes, has ${bytes.length - pos})`)
    this.offset = pos + length
    return { tag: actual, contents: bytes.subarray(pos, pos + length), encoded: bytes.subarray(start, pos + length) }
  }

  /** Reads a SEQUENCE and returns a reader over its members. */
  sequence(what = 'SEQUENCE'): DerReader {
    return new DerReader(this.next(TAG.SEQUENCE, what).contents)
  }

  /** Reads an INTEGER as a signed bigint. */
  integer(what = 'INTEGER'): bigint {
    return decodeInteger(this.next(TAG.INTEGER, what).contents, what)
  }

  /** Reads a non-negative INTEGER that must fit in a JavaScript number. */
  smallInteger(what = 'INTEGER'): number {
    const value = this.integer(what)
    if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DerError(`${what} is out of range`)
    return Number(value)
  }

  octetString(what = 'OCTET STRING'): Uint8Array {
    return this.next(TAG.OCTET_STRING, what).contents
  }

  /** Reads a BIT STRING whose length is a whole number of bytes (all key material is). */
  bitString(what = 'BIT STRING'): Uint8Array {
    const contents = this.next(TAG.BIT_STRING, what).contents
    if (contents.length === 0) throw new DerError(`${what} is empty`)
    if (contents[0] !== 0) throw new DerError(`${what} does not hold whole bytes`)
    return contents.subarray(1)
  }

  oid(what = 'OBJECT IDENTIFIER'): string {
    return decodeOid(this.next(TAG.OID, what).contents, what)
  }

  null(what = 'NULL'): void {
    if (this.next(TAG.NULL, what).contents.length !== 0) throw new DerError(`${what} has contents`)
  }

  /** Reads `[n]` if it is next, returning a reader over its contents (explicit tagging). */
  optionalContext(n: number, what: string): DerReader | undefined {
    if (this.peekTag() !== contextTag(n, true)) return undefined
    return new DerReader(this.next(contextTag(n, true), what).contents)
  }

  /** Throws unless every byte was consumed. */
  end(what = 'structure'): void {
    if (!this.done) throw new DerError(`${what} has ${this.bytes.length - this.offset} unexpected trailing bytes`)
  }
}

/** Parses exactly one element that spans all of `bytes`. */
export function readSingle(bytes: Uint8Array, tag: number, what: string): DerReader {
  const reader = new DerReader(bytes)
  const element = reader.next(tag, what)
  reader.end(what)
  return new DerReader(element.contents)
}

export function decodeInteger(contents: Uint8Array, what = 'INTEGER'): bigint {
  if (contents.length === 0) throw new DerError(`${what} is empty`)
  if (contents.length > 1) {
    const first = contents[0]!
    const second = contents[1]!
    if ((first === 0x00 && (second & 0x80) === 0) || (first === 0xff && (second & 0x80) !== 0)) {
      throw new DerError(`${what} is not minimally encoded`)
    }
  }
  let value = BigInt('0x' + toHex(contents))
  if ((contents[0]! & 0x80) !== 0) value -= 1n << BigInt(contents.length * 8)
  return value
}

export function decodeOid(contents: Uint8Array, what = 'OBJECT IDENTIFIER'): string {
  if (contents.length === 0) throw new DerError(`${what} is empty`)
  const arcs: bigint[] = []
  let value = 0n
  let inArc = false
  for (let i = 0; i < contents.length; i++) {
    const b = contents[i]!
    if (!inArc && b === 0x80) throw new DerError(`${what} is not minimally encoded`)
    value = (value << 7n) | BigInt(b & 0x7f)
    inArc = (b & 0x80) !== 0
    if (!inArc) {
      arcs.push(value)
      value = 0n
    }
  }
  if (inArc) throw new DerError(`${what} is truncated`)
  const first = arcs[0]!
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n]
  return [...head, ...arcs.slice(1)].join('.')
}

// ---------------------------------------------------------------------------------------------
// Writer

export function encodeTlv(tag: number, contents: Uint8Array): Uint8Array<ArrayBuffer> {
  const length = contents.length
  let header: number[]
  if (length < 0x80) header = [tag, length]
  else {
    const lengthBytes: number[] = []
    for (let n = length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256)
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes]
  }
  const out = new Uint8Array(header.length + length)
  out.set(header, 0)
  out.set(contents, header.length)
  return out
}

export function encodeSequence(...members: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return encodeSequenceOf(members)
}

/** {@link encodeSequence} of a list of encoded members. */
export function encodeSequenceOf(members: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return encodeTlv(TAG.SEQUENCE, concat(members))
}

/** Encodes an INTEGER (minimal two's complement). */
export function encodeInteger(value: bigint): Uint8Array<ArrayBuffer> {
  return encodeTlv(TAG.INTEGER, integerContents(value))
}

/** Encodes non-negative big-endian magnitude bytes as an INTEGER (leading zeros stripped). */
export function encodeUnsignedInteger(magnitude: Uint8Array): Uint8Array<ArrayBuffer> {
  let start = 0
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++
  const trimmed = magnitude.subarray(start)
  if (trimmed.length === 0) return encodeTlv(TAG.INTEGER, Uint8Array.of(0))
  const contents = (trimmed[0]! & 0x80) !== 0 ? concat([Uint8Array.of(0), trimmed]) : trimmed
  return encodeTlv(TAG.INTEGER, contents)
}

export function encodeOctetString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeTlv(TAG.OCTET_STRING, bytes)
}

export function encodeBitString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return encodeTlv(TAG.BIT_STRING, concat([Uint8Array.of(0), bytes]))
}

export function encodeNull(): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(TAG.NULL, 0)
}

export function encodeOid(dotted: string): Uint8Array<ArrayBuffer> {
  const arcs = dotted.split('.').map((part) => BigInt(part))
  if (arcs.length < 2) throw new DerError(`invalid OID ${dotted}`)
  const body: number[] = []
  const values = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)]
  for (const arc of values) {
    const groups: number[] = [Number(arc & 0x7fn)]
    for (let v = arc >> 7n; v > 0n; v >>= 7n) groups.unshift(Number(v & 0x7fn) | 0x80)
    for (const group of groups) body.push(group)
  }
  return encodeTlv(TAG.OID, Uint8Array.from(body))
}

/** `[n]` EXPLICIT wrapper around already-encoded elements. */
export function encodeContext(n: number, ...members: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return encodeTlv(contextTag(n, true), concat(members))
}

function integerContents(value: bigint): Uint8Array {
  if (value === 0n) return Uint8Array.of(0)
  if (value > 0n) {
    let hex = value.toString(16)
    if (hex.length % 2) hex = '0' + hex
    const bytes = fromHex(hex)
    return (bytes[0]! & 0x80) !== 0 ? concat([Uint8Array.of(0), bytes]) : bytes
  }
  // Negative: the shortest two's complement form.
  let length = 1
  while (-(1n << BigInt(length * 8 - 1)) > value) length++
  const twos = (1n << BigInt(length * 8)) + value
  return fromHex(twos.toString(16).padStart(length * 2, '0'))
}

// ---------------------------------------------------------------------------------------------
// Small byte helpers (kept local so this module has no dependencies).

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += hex2(bytes[i]!)
  return out
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0')
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}
