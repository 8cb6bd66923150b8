/**
 * A fast reader for metablock links as in-toto writes them. A link of 10,000 artifacts is
 * ~2.4 MB, nearly all of it `materials` and `products`; parsing that into 20,000 Maps,
 * validating every digest, re-reading the file for its signed bytes and packing the Maps for a
 * thread crossing took ~140 ms per link. This reader scans the artifact objects once, byte by
 * byte, and produces at the same time the packed artifact lists (packed-artifacts.ts) and the
 * signed bytes; the rest of the file (a few hundred bytes: signatures, name, command, …) goes
 * through the general parser and schema, with each artifact object replaced by `{}`.
 *
 * It takes only what it can decide exactly, and otherwise returns `undefined`, so that the
 * caller decodes the file with the general path (which also produces any error message):
 * - artifact paths, algorithms and digests are printable ASCII without escapes;
 * - paths are in strictly ascending order (in-toto sorts keys), so there are no duplicates
 *   and the compact text is canonical;
 * - every hash dict has exactly one member, all with the same algorithm, whose digest is one
 *   or more hex digits (securesystemslib HEX_SCHEMA without the optional final `\n`);
 * - the rest of the `signed` object is, by the general parser's own test, canonical when
 *   compacted (`MemberSpan.compactIsCanonical`), and holds no unknown members.
 *
 * Why replacing the artifact objects is sound: the scan tokenizes the text around them as any
 * JSON reader does (strings from quote to quote, a backslash escaping the next byte), and each
 * replaced object was checked to be a complete, strict JSON object. So if the text with `{}`
 * in their place is valid, the original is valid with the same structure, and vice versa.
 * `fast-link.test.ts` compares this reader with the general one on every fixture link and on
 * files breaking each condition.
 */
import { parseEnvelope } from '../envelope/read.ts'
import { forgetSignedBytes, recordedSignedBytes, rememberSignedBytes } from '../envelope/signed-bytes.ts'
import { normalizedSigned } from '../envelope/sign.ts'
import type { Envelope, Metablock } from '../envelope/types.ts'
import { compactJsonInto } from '../json/canonical.ts'
import { parseJsonBytesWithSpans } from '../json/parse.ts'
import type { Link } from '../model/types.ts'
import { PackedArtifactMap, type PackedArtifacts } from './packed-artifacts.ts'
import type { ArtifactRegionMemo } from './region-memo.ts'

type Packed = Extract<PackedArtifacts, { kind: 'packed' }>

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d

const SIGNED = bytesOf('signed')
const MATERIALS = bytesOf('materials')
const PRODUCTS = bytesOf('products')

const asciiDecoder = new TextDecoder()

/** Bytes a string of this reader may hold unescaped: printable ASCII (and DEL) but `"` and `\`. */
const PLAIN = byteClass((c) => c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH)
/** Hex digits, either case (securesystemslib HEX_SCHEMA). */
const HEX = byteClass((c) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))

export interface FastLinkOptions {
  /** Artifact maps whose bytes it remembers are not scanned again (region-memo.ts). */
  readonly memo?: ArtifactRegionMemo
  /**
   * Lend the envelope's signed bytes from the work buffer instead of copying them out (a
   * megabyte per link, on fresh pages). The caller checks the signatures and then hands them
   * back with {@link ScanBuffers.returnLent}; until then other scans use buffers of their own.
   */
  readonly lendSignedBytes?: boolean
}

/**
 * The link envelope of `data`, or `undefined` when this reader does not take the file.
 * `buffers`: the calling reader's work buffers (one reader per thread: reader.ts).
 */
export function readLinkFast(data: Uint8Array, file: string, buffers: ScanBuffers, options: FastLinkOptions = {}): Envelope | undefined {
  const scanner = new LinkScanner(data, buffers, options)
  const scan = scanner.scan()
  if (scan === undefined) return undefined
  let envelope: Envelope
  let parsed: ReturnType<typeof parseJsonBytesWithSpans>
  try {
    parsed = parseJsonBytesWithSpans(scan.skeleton, { file })
    envelope = parseEnvelope(parsed.value, file)
  } catch {
    return undefined
  }
  if (envelope.format !== 'metablock' || envelope.content.type !== 'link' || !(parsed.value instanceof Map)) return undefined
  const span = parsed.members.get('signed')
  const raw = parsed.value.get('signed')
  // As in readLinkEnvelope: the signed bytes are the compact text only when it is canonical and holds exactly the normalized members.
  if (!span?.compactIsCanonical || !(raw instanceof Map) || raw.size !== envelope.signed.size || ![...raw.keys()].every((key) => envelope.signed.has(key))) return undefined
  const parsedLink = envelope.content.link
  const link: Link = {
    ...parsedLink,
    materials: scan.materials === undefined ? parsedLink.materials : new PackedArtifactMap(scan.materials),
    products: scan.products === undefined ? parsedLink.products : new PackedArtifactMap(scan.products),
  }
  const content = { type: 'link' as const, link }
  const result: Metablock = { ...envelope, content, signed: normalizedSigned(content) }
  rememberSignedBytes(result, scan.signedBytes)
  if (scanner.lends) buffers.lent = scan.signedBytes.buffer
  return result
}

/**
 * The work buffers of one reader (a scan is synchronous, so one at a time): allocating three
 * file-sized arrays per link cost more than the scan of a warm reader. What outlives a scan is
 * copied out of them at its right size, except signed bytes lent to an envelope until it is
 * checked ({@link FastLinkOptions.lendSignedBytes}).
 */
export class ScanBuffers {
  private readonly slots: Uint8Array<ArrayBuffer>[] = []
  /** The work buffer whose start is lent out as some envelope's signed bytes. */
  lent: ArrayBuffer | undefined
  /** The artifact scan's positions ({@link scanArtifactMap}). */
  readonly state = new Int32Array(7)

  /** A buffer of at least `size` bytes in slot `slot`, kept for later scans unless it is huge. */
  get(slot: number, size: number): Uint8Array<ArrayBuffer> {
    if (size > MAX_KEPT_SCRATCH) return new Uint8Array(size)
    let buffer = this.slots[slot]
    if (buffer === undefined || buffer.length < size) {
      buffer = new Uint8Array(Math.max(size, 64 * 1024))
      this.slots[slot] = buffer
    }
    return buffer
  }

  /** Whether `buffer` is the one kept in slot `slot`. */
  keeps(slot: number, buffer: Uint8Array): boolean {
    return this.slots[slot] === buffer
  }

  /** An Int32Array of at least `length` entries over slot `slot` (see {@link get}). */
  starts(slot: number, length: number): Int32Array {
    const bytes = this.get(slot, length * 4)
    return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2)
  }

  /**
   * Takes back the signed bytes {@link readLinkFast} lent to `envelope`, if it did; the envelope
   * forgets them (a later use computes them again). Does nothing for any other envelope.
   */
  returnLent(envelope: Envelope): void {
    if (this.lent === undefined || recordedSignedBytes(envelope)?.buffer !== this.lent) return
    forgetSignedBytes(envelope)
    this.lent = undefined
  }
}

interface Scan {
  /** The file with the artifact objects replaced by `{}`. */
  readonly skeleton: Uint8Array
  /** The `signed` member's text without whitespace. */
  readonly signedBytes: Uint8Array<ArrayBuffer>
  readonly materials?: Packed
  readonly products?: Packed
}

/** An artifact map read at some index: where its text ends, and its packed lists. */
interface ScannedMap {
  readonly end: number
  readonly packed: Packed
}

/** Byte ranges of the file replaced in the skeleton. */
interface Region {
  readonly start: number
  readonly end: number
}

/** Returned by the scanning methods when the file is not one this reader takes. */
const NO = -1

class LinkScanner {
  private readonly data: Uint8Array
  /** The compact `signed` text, written as the scan goes. */
  private readonly out: Uint8Array<ArrayBuffer>
  private outLength = 0
  /** Artifact paths and digests, NUL-separated, for both maps in turn. */
  private readonly paths: Uint8Array
  private readonly digests: Uint8Array
  /** Where each path and digest of the map being scanned starts (packed-artifacts.ts `pathStarts`, `digestStarts`). */
  private readonly pathStarts: Int32Array
  private readonly digestStarts: Int32Array
  private pathsLength = 0
  private digestsLength = 0
  private readonly regions: Region[] = []
  private signedBytes: Uint8Array<ArrayBuffer> | undefined
  private materials: Packed | undefined
  private products: Packed | undefined
  private readonly memo: ArtifactRegionMemo | undefined
  private readonly state: Int32Array
  /** Whether the signed bytes stay in (are lent from) the work buffer `out`. */
  readonly lends: boolean

  constructor(data: Uint8Array, buffers: ScanBuffers, options: FastLinkOptions) {
    this.data = data
    this.memo = options.memo
    this.state = buffers.state
    // While the work buffer is lent, its bytes are someone's signed bytes: write elsewhere.
    this.out = buffers.lent === undefined ? buffers.get(0, data.length) : new Uint8Array(data.length)
    this.lends = options.lendSignedBytes === true && buffers.lent === undefined && buffers.keeps(0, this.out)
    this.paths = buffers.get(1, data.length)
    this.digests = buffers.get(2, data.length)
    // An entry takes at least 11 bytes of text (`"":{"":"0"}`): room for every entry and the end.
    this.pathStarts = buffers.starts(3, (data.length >>> 3) + 2)
    this.digestStarts = buffers.starts(4, (data.length >>> 3) + 2)
  }

  scan(): Scan | undefined {
    if (this.object(skipWhitespace(this.data, 0), 1) === NO || this.signedBytes === undefined || this.regions.length === 0) return undefined
    return { skeleton: this.skeleton(), signedBytes: this.signedBytes, materials: this.materials, products: this.products }
  }

  /**
   * The root object (depth 1) or the `signed` object (depth 2), at `{`; returns the index
   * after its `}`. Members other than `signed` (root) and the artifact maps (signed) are skipped.
   */
  private object(i: number, depth: 1 | 2): number {
    const data = this.data
    if (data[i] !== LBRACE) return NO
    let copied = i
    i = skipWhitespace(this.data, i + 1)
    if (data[i] === RBRACE) return depth === 1 ? NO : this.closeSigned(copied, i + 1)
    for (;;) {
      if (data[i] !== QUOTE) return NO
      const keyStart = i + 1
      const keyEnd = plainStringEnd(this.data, keyStart)
      if (keyEnd === NO) return NO
      i = skipWhitespace(this.data, keyEnd + 1)
      if (data[i] !== COLON) return NO
      i = skipWhitespace(this.data, i + 1)
      if (depth === 1 && this.keyIs(keyStart, keyEnd, SIGNED)) {
        if (this.signedBytes !== undefined) return NO
        i = this.object(i, 2)
      } else if (depth === 2 && data[i] === LBRACE && (this.keyIs(keyStart, keyEnd, MATERIALS) || this.keyIs(keyStart, keyEnd, PRODUCTS))) {
        const isMaterials = data[keyStart] === MATERIALS[0]
        if ((isMaterials ? this.materials : this.products) !== undefined) return NO
        this.outLength = compactJsonInto(data, copied, i, this.out, this.outLength)
        const valueStart = i
        const packed = this.remembered(i) ?? this.artifacts(i)
        if (packed === undefined) return NO
        i = packed.end
        copied = i
        this.regions.push({ start: valueStart, end: i })
        if (isMaterials) this.materials = packed.packed
        else this.products = packed.packed
      } else {
        i = this.skipValue(i)
      }
      if (i === NO) return NO
      i = skipWhitespace(this.data, i)
      if (data[i] === COMMA) {
        i = skipWhitespace(this.data, i + 1)
        continue
      }
      if (data[i] !== RBRACE) return NO
      return depth === 1 ? i + 1 : this.closeSigned(copied, i + 1)
    }
  }

  /** Finishes the compact `signed` text; `end` is the index after its `}`. */
  private closeSigned(copied: number, end: number): number {
    this.outLength = compactJsonInto(this.data, copied, end, this.out, this.outLength)
    this.signedBytes = this.lends ? this.out.subarray(0, this.outLength) : this.out.slice(0, this.outLength)
    return end
  }

  /** The artifact map at `{` as the memo remembers it, appended to the compact text; `undefined` when the memo does not know these bytes. */
  private remembered(i: number): ScannedMap | undefined {
    const hit = this.memo?.find(this.data, i)
    if (hit === undefined) return undefined
    this.out.set(hit.compact, this.outLength)
    this.outLength += hit.compact.length
    return { end: i + hit.length, packed: hit.packed }
  }

  /**
   * An artifact map at `{`, appended to the compact text and to the path and digest lists;
   * `undefined` unless it meets every condition of this reader.
   */
  private artifacts(i: number): ScannedMap | undefined {
    const state = this.state
    state[OUT] = this.outLength
    state[PATHS] = this.pathsLength
    state[DIGESTS] = this.digestsLength
    const compactStart = this.outLength
    const pathsStart = this.pathsLength
    const digestsStart = this.digestsLength
    if (!scanArtifactMap(this.data, i, this.out, this.paths, this.digests, this.pathStarts, this.digestStarts, state)) return undefined
    const end = state[END] as number
    this.outLength = state[OUT] as number
    this.pathsLength = state[PATHS] as number
    this.digestsLength = state[DIGESTS] as number
    const count = state[COUNT] as number
    const packed: Packed = {
      kind: 'packed',
      // Checked by the scan, byte by byte: for ASCII, byte order is UTF-16 order.
      ascending: true,
      count,
      algorithm: count === 0 ? '' : asciiDecoder.decode(this.data.subarray(state[ALGORITHM_START], state[ALGORITHM_END])),
      // Copies, so that each map owns its buffers and a thread can transfer them (decode-transfer.ts).
      paths: this.paths.slice(pathsStart, this.pathsLength),
      digests: this.digests.slice(digestsStart, this.digestsLength),
      // Known here for free; the thread that reads the map would need a pass over its bytes.
      pathStarts: this.pathStarts.slice(0, count + 1),
      digestStarts: this.digestStarts.slice(0, count + 1),
    }
    this.memo?.remember(this.data, i, end, this.out.subarray(compactStart, this.outLength), packed)
    return { end, packed }
  }

  /** The index after the value at `i`, tokenized as any JSON reader would (not validated: the general parser does that). */
  private skipValue(i: number): number {
    const data = this.data
    const n = data.length
    let depth = 0
    for (; i < n; i++) {
      const c = data[i] as number
      if (c === QUOTE) {
        for (i++; i < n && data[i] !== QUOTE; i++) if (data[i] === BACKSLASH) i++
        if (i >= n) return NO
        if (depth === 0) return i + 1
      } else if (c === LBRACE || c === LBRACKET) {
        depth++
      } else if (c === RBRACE || c === RBRACKET) {
        if (depth === 0) return i
        if (--depth === 0) return i + 1
      } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
        return i
      }
    }
    return depth === 0 ? i : NO
  }

  private keyIs(start: number, end: number, key: Uint8Array): boolean {
    if (end - start !== key.length) return false
    for (let k = 0; k < key.length; k++) if (this.data[start + k] !== key[k]) return false
    return true
  }

  private skeleton(): Uint8Array {
    const data = this.data
    const removed = this.regions.reduce((sum, region) => sum + region.end - region.start - 2, 0)
    const skeleton = new Uint8Array(data.length - removed)
    let from = 0
    let at = 0
    for (const region of [...this.regions].sort((a, b) => a.start - b.start)) {
      skeleton.set(data.subarray(from, region.start), at)
      at += region.start - from
      skeleton[at++] = LBRACE
      skeleton[at++] = RBRACE
      from = region.end
    }
    skeleton.set(data.subarray(from), at)
    return skeleton
  }
}

/** Slots of {@link ScanBuffers.state}: positions in, positions out. */
const END = 0
const OUT = 1
const PATHS = 2
const DIGESTS = 3
const COUNT = 4
const ALGORITHM_START = 5
const ALGORITHM_END = 6
/*
 * The artifact scan's positions live in an Int32Array (ScanBuffers.state). The scan reads and
 * writes only typed arrays and numbers: no object whose fields V8 tracks, so the optimized scan
 * is not thrown away when a field first holds another kind of value (it was, twice per thread,
 * at ~50 ms of compiling each).
 */

/**
 * Scans the artifact map at `data[i]` (at `{`): appends its compact text to `out` and its
 * paths and digests, NUL-separated, to `paths` and `digests`, from the positions in `state`,
 * and leaves the new positions, the map's end and its entry count and algorithm there.
 * `false` unless the map meets every condition of this reader.
 */
function scanArtifactMap(
  data: Uint8Array,
  i: number,
  out: Uint8Array,
  paths: Uint8Array,
  digests: Uint8Array,
  pathStarts: Int32Array,
  digestStarts: Int32Array,
  state: Int32Array,
): boolean {
  const n = data.length
  let o = state[OUT] as number
  let p = state[PATHS] as number
  let d = state[DIGESTS] as number
  // Starts are relative to the map's own lists.
  const p0 = p
  const d0 = d
  out[o++] = LBRACE
  i = skipWhitespace(data, i + 1)
  let count = 0
  let algorithmStart = 0
  let algorithmEnd = 0
  let previousStart = 0
  let previousEnd = 0
  if (data[i] !== RBRACE) {
    for (;;) {
      // "path"
      if (data[i++] !== QUOTE) return false
      out[o++] = QUOTE
      const pathStart = p
      pathStarts[count] = p - p0
      digestStarts[count] = d - d0
      for (; i < n; i++) {
        const c = data[i] as number
        if (PLAIN[c] === 0) break
        paths[p++] = c
        out[o++] = c
      }
      if (data[i] !== QUOTE) return false
      out[o++] = QUOTE
      if (count > 0 && !ascending(paths, previousStart, previousEnd, pathStart, p)) return false
      previousStart = pathStart
      previousEnd = p
      i = skipWhitespace(data, i + 1)
      // : {"algorithm"
      if (data[i] !== COLON) return false
      out[o++] = COLON
      i = skipWhitespace(data, i + 1)
      if (data[i] !== LBRACE) return false
      out[o++] = LBRACE
      i = skipWhitespace(data, i + 1)
      if (data[i] !== QUOTE) return false
      const nameStart = i + 1
      const nameEnd = plainStringEnd(data, nameStart)
      if (nameEnd === NO) return false
      if (count === 0) {
        algorithmStart = nameStart
        algorithmEnd = nameEnd
      } else if (!sameBytes(data, algorithmStart, algorithmEnd, nameStart, nameEnd)) {
        return false
      }
      for (let k = i; k <= nameEnd; k++) out[o++] = data[k] as number
      i = skipWhitespace(data, nameEnd + 1)
      // : "digest"}
      if (data[i] !== COLON) return false
      out[o++] = COLON
      i = skipWhitespace(data, i + 1)
      if (data[i++] !== QUOTE) return false
      out[o++] = QUOTE
      const digestStart = d
      for (; i < n; i++) {
        const c = data[i] as number
        if (HEX[c] === 0) break
        digests[d++] = c
        out[o++] = c
      }
      if (d === digestStart || data[i] !== QUOTE) return false
      out[o++] = QUOTE
      i = skipWhitespace(data, i + 1)
      if (data[i] !== RBRACE) return false
      out[o++] = RBRACE
      count++
      i = skipWhitespace(data, i + 1)
      if (data[i] === COMMA) {
        out[o++] = COMMA
        paths[p++] = 0
        digests[d++] = 0
        i = skipWhitespace(data, i + 1)
        continue
      }
      if (data[i] !== RBRACE) return false
      break
    }
  }
  out[o++] = RBRACE
  // As if a separator followed the last entry (packed-artifacts.ts).
  pathStarts[count] = p - p0 + 1
  digestStarts[count] = d - d0 + 1
  state[END] = i + 1
  state[OUT] = o
  state[PATHS] = p
  state[DIGESTS] = d
  state[COUNT] = count
  state[ALGORITHM_START] = algorithmStart
  state[ALGORITHM_END] = algorithmEnd
  return true
}

function skipWhitespace(data: Uint8Array, i: number): number {
  for (let c = data[i]; c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = data[++i]);
  return i
}

/** The index of the closing quote of a string starting at `i` (after its opening quote) that is printable ASCII without escapes, or {@link NO}. */
function plainStringEnd(data: Uint8Array, i: number): number {
  const n = data.length
  while (i < n && PLAIN[data[i] as number] === 1) i++
  return data[i] === QUOTE ? i : NO
}

/**
 * A few scans of a two-entry map when this module loads (V8 collects type feedback only from
 * a function's ~8th call on): V8 then knows every part of the scan, including what follows
 * its loop, and the scan compiled while the first real (long) map is in its loop is not
 * thrown away when that loop ends. Microseconds; it does not make V8 compile anything.
 */
function primeScanFeedback(): void {
  const sample = bytesOf('{\n "a": {\n  "sha256": "0a"\n },\n "b": {\n  "sha256": "0b"\n }\n}')
  const work = new Uint8Array(sample.length)
  const starts = new Int32Array(sample.length)
  for (let round = 0; round < 12; round++) scanArtifactMap(sample, 0, work, work, work, starts, starts, new Int32Array(7))
}
primeScanFeedback()

/** Larger files get buffers of their own, so that one huge file does not stay in memory. */
const MAX_KEPT_SCRATCH = 32 * 1024 * 1024

/** Whether bytes [a0, a1) sort strictly before [b0, b1) (code point order, as the text is ASCII). */
function ascending(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  const n = Math.min(a1 - a0, b1 - b0)
  for (let k = 0; k < n; k++) {
    const x = bytes[a0 + k] as number
    const y = bytes[b0 + k] as number
    if (x !== y) return x < y
  }
  return a1 - a0 < b1 - b0
}

function sameBytes(bytes: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  if (a1 - a0 !== b1 - b0) return false
  for (let k = 0; k < a1 - a0; k++) if (bytes[a0 + k] !== bytes[b0 + k]) return false
  return true
}

function byteClass(member: (byte: number) => boolean): Uint8Array {
  const table = new Uint8Array(256)
  for (let c = 0; c < 256; c++) table[c] = member(c) ? 1 : 0
  return table
}

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
