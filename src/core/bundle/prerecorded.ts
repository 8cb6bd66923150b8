/**
 * Inspections satisfied by a signed inspection link in the bundle: someone the verifier
 * trusts — a layout owner, whose keys the verifier already supplies — ran the inspection and
 * signed what it recorded. The link must be named for the inspection (`NAME.link` as the
 * reference writes it, or `NAME.KEYID8.link`), carry the inspection's name and exact command,
 * and have a valid signature by an owner key; its return value is then checked like any other.
 */
import { readEnvelope } from '../envelope/read.ts'
import { verifyEnvelopeSignature } from '../envelope/verify.ts'
import { pythonEquals, type JsonValue } from '../json/value.ts'
import type { PublicKey } from '../keys/types.ts'
import { linkFileName } from '../model/names.ts'
import type { Links } from '../links/index.ts'
import type { InspectionRunner } from '../verify/inspection-runner.ts'
import { stepNameOf } from './classify.ts'

export class PrerecordedInspectionRunner implements InspectionRunner {
  private readonly links: Pick<Links, 'read'>
  private readonly ownerKeys: readonly PublicKey[]

  constructor(links: Pick<Links, 'read'>, ownerKeys: readonly PublicKey[]) {
    this.links = links
    this.ownerKeys = ownerKeys
  }

  async run(inspection: Parameters<InspectionRunner['run']>[0]): ReturnType<InspectionRunner['run']> {
    const candidates = [`${inspection.name}.link`, ...this.ownerKeys.map((key) => linkFileName(inspection.name, key.keyid))]
    const problems: string[] = []
    for (const path of candidates) {
      const bytes = await this.links.read(path)
      if (bytes === undefined) continue
      try {
        const envelope = readEnvelope(bytes, path)
        if (envelope.content.type !== 'link') throw new Error('it holds a layout')
        const link = envelope.content.link
        if (stepNameOf(link.name) !== inspection.name) throw new Error(`it is the link of '${stepNameOf(link.name)}'`)
        if (!pythonEquals(link.command as JsonValue[], inspection.run as JsonValue[])) throw new Error("its command differs from the inspection's")
        for (const key of this.ownerKeys) {
          if ((await verifyEnvelopeSignature(envelope, key)) === 'valid') return { status: 'ran', how: 'prerecorded', link }
        }
        throw new Error('no layout owner key signed it')
      } catch (error) {
        problems.push(`'${path}' was not used: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    return { status: 'not-run', reason: problems.length > 0 ? problems.join('; ') : 'no signed inspection link in the bundle' }
  }
}
