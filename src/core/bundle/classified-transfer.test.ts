/**
 * Classified files crossing to another thread: link envelopes arrive as the same envelopes
 * (maps, signatures, the signed bytes the reader took from the file), repeated artifact maps
 * arrive once and are shared, plain classifications arrive as they are, and what cannot cross
 * is left for the receiver to classify. readBundleFiles keeps the file order whatever order an
 * asynchronous classifier answers in.
 */
import { describe, expect, it } from 'vitest'
import { FULL, inTotoLink, observe } from '../../../test/core/support/in-toto-link.ts'
import { signedBytesOf } from '../envelope/signed-bytes.ts'
import { canonicalBytes } from '../json/canonical.ts'
import { ArtifactRegionMemo } from '../verify/region-memo.ts'
import type { BundleInput } from './assemble.ts'
import { classifyFile, type ClassifiedFile } from './classify.ts'
import { ClassifiedReceiver, ClassifiedSender, classificationTransferables, type TransferredClassification } from './classified-transfer.ts'
import { localClassifier, readBundleFiles } from './verify-bundle.ts'

const encoder = new TextEncoder()
const link = encoder.encode(inTotoLink(FULL))
const layout = encoder.encode(JSON.stringify({ signatures: [], signed: { _type: 'layout', expires: '2030-01-01T00:00:00Z', keys: {}, readme: '', steps: [], inspect: [] } }))

/** Across a thread boundary: a structured clone with the listed buffers transferred. */
function cross(packed: TransferredClassification): TransferredClassification {
  return structuredClone(packed, { transfer: classificationTransferables(packed) })
}

const linkOf = (file: ClassifiedFile | undefined) => (file?.envelope?.content.type === 'link' ? file.envelope.content.link : undefined)

describe('classified files across threads', () => {
  it('arrive as classified here, maps shared, signed bytes kept', () => {
    const memo = new ArtifactRegionMemo()
    const sender = new ClassifiedSender()
    const receiver = new ClassifiedReceiver()
    const sent = ['a.11111111.link', 'a.22222222.link'].map((path) => receiver.unpack(cross(sender.pack(classifyFile(path, link, memo)))))
    const direct = classifyFile('a.11111111.link', link)
    expect(sent[0]).toMatchObject({ path: 'a.11111111.link', kind: 'link', name: 'build', size: link.length, signers: direct.signers })
    expect(observe(sent[0]?.envelope as NonNullable<ClassifiedFile['envelope']>)).toEqual(observe(direct.envelope as NonNullable<ClassifiedFile['envelope']>))
    expect(linkOf(sent[1])?.products).toBe(linkOf(sent[0])?.products)
    const envelope = sent[1]?.envelope
    if (envelope?.format !== 'metablock') throw new Error('expected a metablock')
    expect(Buffer.from(signedBytesOf(envelope)).equals(Buffer.from(canonicalBytes(envelope.signed)))).toBe(true)
  })

  it('leave layouts to the receiver, and send plain classifications as they are', () => {
    const sender = new ClassifiedSender()
    const receiver = new ClassifiedReceiver()
    expect(receiver.unpack(cross(sender.pack(classifyFile('root.layout', layout))))).toBeUndefined()
    const unknown = classifyFile('notes.txt', encoder.encode('hello'))
    expect(receiver.unpack(cross(sender.pack(unknown)))).toEqual(unknown)
  })

  it('keep the file order in readBundleFiles, whatever order the classifier answers in', async () => {
    const local = localClassifier()
    const paths = ['a.11111111.link', 'b.22222222.link', 'c.33333333.link', 'd.44444444.link']
    const inputs: BundleInput[] = paths.map((path) => ({ path, size: link.length, read: async () => link }))
    let delay = 20
    const slowFirst = { classify: (file: Parameters<typeof local.classify>[0]) => new Promise<ClassifiedFile>((resolve) => setTimeout(() => resolve(local.classify(file) as ClassifiedFile), (delay -= 5))) }
    const { classified } = await readBundleFiles(inputs, [], undefined, slowFirst)
    expect(classified.map((file) => file.path)).toEqual(paths)
  })
})
