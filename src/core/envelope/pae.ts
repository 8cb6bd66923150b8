/**
 * DSSE pre-authentication encoding: what a DSSE signature signs.
 * `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in ASCII decimal bytes.
 *
 * @example pae('application/vnd.in-toto+json', utf8('{"a":1}')) // DSSEv1 28 application/vnd.in-toto+json 7 {"a":1}
 */
import { concatBytes, utf8 } from '../encoding/utf8.ts'

export function pae(payloadType: string, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = utf8(payloadType)
  return concatBytes(utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload)
}
