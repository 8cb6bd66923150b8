/**
 * The two keyid generations in the verifier: an owner key matches a layout signature under
 * either; links are found under the keyid the layout lists, and a link filed under the other
 * generation's keyid is named in the failure with how to fix it.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { readEnvelope } from '../envelope/read.ts'
import { serializeEnvelope, signDocument } from '../envelope/sign.ts'
import type { Envelope } from '../envelope/types.ts'
import { utf8 } from '../encoding/utf8.ts'
import { generateKeyPair } from '../keys/generate.ts'
import { keyidOf, layoutKeyObjectOf, type KeyidGeneration } from '../keys/keyid-generations.ts'
import type { PrivateKey } from '../keys/types.ts'
import { createStep, emptyLayout, layoutKeyFromJson } from '../model/layout.ts'
import { createLink } from '../model/link.ts'
import { linkFileName } from '../model/names.ts'
import { memoryLinks } from '../links/memory.ts'
import { verifySupplyChain } from './verify.ts'

let owner: PrivateKey
let alice: PrivateKey
beforeAll(async () => {
  owner = await generateKeyPair('ed25519')
  alice = await generateKeyPair('ed25519')
})

/** `envelope` with its signatures carrying `generation`'s keyid of their key, as tools of that generation write them. */
function asGeneration(envelope: Envelope, key: PrivateKey, generation: KeyidGeneration): Envelope {
  const json = JSON.parse(serializeEnvelope(envelope)) as { signatures: { keyid: string }[] }
  for (const signature of json.signatures) signature.keyid = keyidOf(key.publicKey, generation)
  return readEnvelope(utf8(JSON.stringify(json)))
}

async function chain(listed: KeyidGeneration, filed: KeyidGeneration | undefined, ownerSigns: KeyidGeneration) {
  const aliceId = keyidOf(alice.publicKey, listed)
  const layout = {
    ...emptyLayout('2099-01-01T00:00:00Z'),
    keys: new Map([[aliceId, layoutKeyFromJson(layoutKeyObjectOf(alice.publicKey, listed))]]),
    steps: [createStep('write', { pubkeys: [aliceId] })],
  }
  const signedLayout = asGeneration(await signDocument({ type: 'layout', layout }, [owner]), owner, ownerSigns)
  const files: [string, Uint8Array][] = []
  if (filed !== undefined) {
    const link = asGeneration(await signDocument({ type: 'link', link: createLink('write', {}) }, [alice]), alice, filed)
    files.push([linkFileName('write', keyidOf(alice.publicKey, filed)), utf8(serializeEnvelope(link))])
  }
  const links = memoryLinks(files)
  return verifySupplyChain({ layout: signedLayout, layoutKeys: [owner.publicKey], links })
}

describe('keyid generations', () => {
  it('an owner key (imported with its 1.x keyid) matches a layout signed under its 2.x keyid, and its 1.x keyid', async () => {
    for (const generation of ['1.x', '2.x'] as const) {
      const report = await chain(generation, generation, generation)
      expect(report.verdict, report.failure?.message).toBe('pass')
    }
  })

  it('a link filed under the other generation is named in the failure, with the fix', async () => {
    const report = await chain('1.x', '2.x', '1.x')
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'LinkNotFoundError' })
    const file = linkFileName('write', keyidOf(alice.publicKey, '2.x'))
    expect(report.failure!.message).toContain(`'${file}' is there, named after the in-toto 2.x keyid`)
    expect(report.failure!.message).toContain(`while the layout uses its in-toto 1.x keyid`)
    expect(report.failure!.message).toContain(`List the key under keyid ${keyidOf(alice.publicKey, '2.x')} in the layout`)
    const reverse = await chain('2.x', '1.x', '2.x')
    expect(reverse.failure!.message).toContain('named after the in-toto 1.x keyid')
  })

  it('without such a file the failure is the plain one', async () => {
    const report = await chain('1.x', undefined, '1.x')
    expect(report.failure).toMatchObject({ stage: 'link-threshold', errorType: 'LinkNotFoundError' })
    expect(report.failure!.message).not.toContain('is there')
  })
})
