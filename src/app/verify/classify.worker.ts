/**
 * A second thread for classifying the links of a big bundle (parallel-classifier.ts): it reads
 * each file it is sent with the verifier's own reader and sends the classification back packed
 * (classified-transfer.ts), one file at a time and in order.
 */
import { classifyFile } from '../../core/bundle/classify.ts'
import { ClassifiedSender, classificationTransferables } from '../../core/bundle/classified-transfer.ts'
import { ArtifactRegionMemo } from '../../core/verify/region-memo.ts'
import type { ClassifyRequest, ClassifyResponse } from './parallel-classifier.ts'

// The memo hands out lists the sender may already have sent: both belong to this thread alone.
const memo = new ArtifactRegionMemo()
const sender = new ClassifiedSender()

self.onmessage = (event: MessageEvent<ClassifyRequest>) => {
  const { id, path, bytes } = event.data
  const packed = sender.pack(classifyFile(path, bytes, memo))
  ;(self as unknown as Worker).postMessage({ id, packed } satisfies ClassifyResponse, classificationTransferables(packed))
}
