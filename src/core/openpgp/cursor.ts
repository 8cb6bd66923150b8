/**
 * A bounds-checked reader over one OpenPGP packet body (or subpacket area). Every read names
 * the field it wants, so a truncated or lying packet fails with "the modulus needs 256 bytes,
 * 12 are left" instead of reading past the end.
 */
export class OpenPgpFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OpenPgpFormatError'
  }
}

export class Cursor {
  readonly bytes: Uint8Array
  offset = 0

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }

  get remaining(): number {
    return this.bytes.length - this.offset
  }

  get done(): boolean {
    return this.offset >= this.bytes.length
  }

  u8(field: string): number {
    this.need(1, field)
    return this.bytes[this.offset++]!
  }

  u16(field: string): number {
    this.need(2, field)
    const value = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!
    this.offset += 2
    return value
  }

  u32(field: string): number {
    this.need(4, field)
    const b = this.bytes
    const value = b[this.offset]! * 0x1000000 + ((b[this.offset + 1]! << 16) | (b[this.offset + 2]! << 8) | b[this.offset + 3]!)
    this.offset += 4
    return value
  }

  take(length: number, field: string): Uint8Array {
    this.need(length, field)
    const out = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return out
  }

  rest(): Uint8Array {
    const out = this.bytes.subarray(this.offset)
    this.offset = this.bytes.length
    return out
  }

  /**
   * An MPI (RFC 4880 3.2): a two-octet bit count, then that many bits, big-endian, in whole
   * octets. The bytes are returned as written: their hex is what securesystemslib stores.
   */
  mpi(field: string): Uint8Array {
    const bits = this.u16(`the bit count of ${field}`)
    if (bits === 0) throw new OpenPgpFormatError(`${field} is an empty MPI (0 bits)`)
    return this.take(Math.ceil(bits / 8), field)
  }

  /** Throws unless everything was read: trailing bytes mean the packet is not what it claims. */
  end(what: string): void {
    if (!this.done) throw new OpenPgpFormatError(`${this.remaining} unexpected bytes after ${what}`)
  }

  private need(length: number, field: string): void {
    if (this.remaining < length) {
      throw new OpenPgpFormatError(`truncated: ${field} needs ${length} byte${length === 1 ? '' : 's'}, ${this.remaining} ${this.remaining === 1 ? 'is' : 'are'} left`)
    }
  }
}
