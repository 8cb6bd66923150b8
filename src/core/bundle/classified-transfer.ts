/**
 * Classified files as messages between threads (a browser spreading the classification of a
 * big bundle over two workers): link envelopes go packed, with their artifact maps sent once
 * and then by reference (decode-transfer.ts), and with the signed bytes their reader took from
 * the file, so the receiving thread need not canonicalize the link to check its signature.
 * Whatever does not cross as it is (layouts, DSSE envelopes, signatures with extra members) is
 * marked for the receiver to classify itself; it has the bytes.
 */
import { recordedSignedBytes, rememberSignedBytes } from '../envelope/signed-bytes.ts'
import { TransferReceiver, TransferSender, transferablesOf, type TransferredResult } from '../verify/decode-transfer.ts'
import type { ClassifiedFile } from './classify.ts'

export type TransferredClassification =
  | { readonly status: 'classify-here' }
  | {
      readonly status: 'classified'
      readonly file: Omit<ClassifiedFile, 'envelope'>
      readonly envelope?: TransferredResult
      readonly signedBytes?: Uint8Array<ArrayBuffer>
    }

/** Packs each classification for one {@link ClassifiedReceiver}, in order (see TransferSender). */
export class ClassifiedSender {
  private readonly sender = new TransferSender()

  pack(classified: ClassifiedFile): TransferredClassification {
    const { envelope, ...file } = classified
    if (envelope === undefined) return { status: 'classified', file }
    const packed = this.sender.pack({ status: 'loaded', envelope })
    if (packed.status !== 'loaded-link' || envelope.format !== 'metablock') return { status: 'classify-here' }
    const signedBytes = recordedSignedBytes(envelope)
    // Moved when the view owns its buffer (the reader's own copy), else copied.
    const owned = signedBytes && (signedBytes.byteOffset === 0 && signedBytes.byteLength === signedBytes.buffer.byteLength ? signedBytes : signedBytes.slice())
    return { status: 'classified', file, envelope: packed, signedBytes: owned }
  }
}

/** The buffers to transfer with a packed classification (its artifact lists and signed bytes). */
export function classificationTransferables(packed: TransferredClassification): ArrayBuffer[] {
  if (packed.status !== 'classified') return []
  return [...(packed.envelope ? transferablesOf(packed.envelope) : []), ...(packed.signedBytes ? [packed.signedBytes.buffer] : [])]
}

/** Unpacks what one {@link ClassifiedSender} packed, in the order it packed it. */
export class ClassifiedReceiver {
  private readonly receiver = new TransferReceiver()

  /** The classified file, or `undefined` when the receiver must classify the file itself. */
  unpack(packed: TransferredClassification): ClassifiedFile | undefined {
    if (packed.status !== 'classified') return undefined
    if (packed.envelope === undefined) return packed.file
    const result = this.receiver.unpack(packed.envelope)
    if (result?.status !== 'loaded') return undefined
    // The sending thread's reader took these from the file, as this thread's would have.
    if (packed.signedBytes) rememberSignedBytes(result.envelope, packed.signedBytes)
    return { ...packed.file, envelope: result.envelope }
  }
}
