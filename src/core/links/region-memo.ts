/**
 * The last few artifact maps a reader's fast link reader (fast-link.ts) scanned, by their
 * exact bytes in the file. Links of one step signed by several functionaries must report the
 * same materials and products (the verifier checks that for thresholds above 1), and one
 * step's products are often the next step's materials, so the same megabyte of JSON turns up
 * again and again. When the bytes at a map's position equal a remembered map's bytes, the
 * reader takes the remembered compact text and packed lists instead of scanning again.
 *
 * Sound because the scan of an artifact map reads only the bytes from its `{` to its `}`
 * and nothing around them: equal bytes give an equal result. A hit costs one comparison of
 * the map's bytes, a miss (almost always) a few bytes at the remembered maps' ends.
 *
 * The remembered packed lists are handed out again as the *same* objects: envelopes read with
 * one memo share their maps. Results whose maps cross threads need the memo paired with a
 * sender (thread-transfer.ts `DecodingThread`), and so a memo belongs to one reader.
 */
import { bytesEqual } from '../encoding/utf8.ts'
import type { PackedArtifacts } from './packed-artifacts.ts'

type Packed = Extract<PackedArtifacts, { kind: 'packed' }>

export interface RememberedRegion {
  /** Length of the map's text in the file, from `{` to `}` inclusive. */
  readonly length: number
  /** The map's compact (canonical) text. */
  readonly compact: Uint8Array
  readonly packed: Packed
}

interface Slot {
  source: Uint8Array
  compact: Uint8Array
  length: number
  compactLength: number
  packed: Packed | undefined
}

/** Bytes compared at a remembered map's end before its whole text: different maps differ there (last path, last digest). */
const TAIL = 96
/** Maps shorter than this are scanned again: remembering them costs more than it saves. */
const MIN_LENGTH = 4096
/** Larger maps are not remembered, so that one huge file does not stay in memory (as fast-link.ts's work buffers). */
const MAX_LENGTH = 32 * 1024 * 1024

export class ArtifactRegionMemo {
  private readonly slots: Slot[] = []
  /** The slot to overwrite next (round robin). */
  private next = 0

  private readonly capacity: number
  private readonly sameBytes: SameBytes

  /**
   * Remembers at most `capacity` maps (default 4: the materials and products of two links).
   * A host may pass its native comparison (Node: `Buffer#equals`, a memcmp, ~20× faster than
   * a loop in JavaScript over the megabytes of a hit).
   */
  constructor(options: { readonly capacity?: number; readonly sameBytes?: SameBytes } = {}) {
    this.capacity = options.capacity ?? 4
    this.sameBytes = options.sameBytes ?? bytesEqual
  }

  /** The remembered map whose bytes `data` holds at `start`, if any. */
  find(data: Uint8Array, start: number): RememberedRegion | undefined {
    for (const slot of this.slots) {
      const length = slot.length
      if (slot.packed === undefined || start + length > data.length) continue
      const tail = Math.min(TAIL, length)
      if (data[start] !== slot.source[0] || !bytesEqual(data.subarray(start + length - tail, start + length), slot.source.subarray(length - tail, length))) continue
      if (!this.sameBytes(data.subarray(start, start + length), slot.source.subarray(0, length))) continue
      return { length, compact: slot.compact.subarray(0, slot.compactLength), packed: slot.packed }
    }
    return undefined
  }

  /** Remembers that `data[start, end)` scans to `compact` and `packed` (copies the bytes). */
  remember(data: Uint8Array, start: number, end: number, compact: Uint8Array, packed: Packed): void {
    const length = end - start
    if (length < MIN_LENGTH || length > MAX_LENGTH) return
    let slot = this.slots[this.next]
    if (slot === undefined) {
      slot = { source: new Uint8Array(0), compact: new Uint8Array(0), length: 0, compactLength: 0, packed: undefined }
      this.slots[this.next] = slot
    }
    this.next = (this.next + 1) % this.capacity
    // The slot's buffers are reused (and grown): fresh megabytes per link cost a page fault per page.
    if (slot.source.length < length) slot.source = new Uint8Array(length)
    if (slot.compact.length < compact.length) slot.compact = new Uint8Array(compact.length)
    slot.source.set(data.subarray(start, end))
    slot.compact.set(compact)
    slot.length = length
    slot.compactLength = compact.length
    slot.packed = packed
  }
}

/** Whether two byte arrays of the same length are equal. */
export type SameBytes = (a: Uint8Array, b: Uint8Array) => boolean
