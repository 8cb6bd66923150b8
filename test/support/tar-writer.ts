/** A minimal ustar writer for tests: builds archives with names real tools refuse to write. */
export interface TarMember {
  readonly name: string
  readonly data?: Uint8Array | string
  /** '0' file (default), '5' directory, '2' symlink, 'x' pax header. */
  readonly type?: string
  readonly linkName?: string
}

const encoder = new TextEncoder()

export function writeTar(members: readonly TarMember[]): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const member of members) {
    const data = typeof member.data === 'string' ? encoder.encode(member.data) : (member.data ?? new Uint8Array())
    const header = new Uint8Array(512)
    const put = (offset: number, text: string) => header.set(encoder.encode(text), offset)
    put(0, member.name.slice(0, 100))
    put(100, '0000644\0')
    put(108, '0000000\0')
    put(116, '0000000\0')
    put(124, `${data.length.toString(8).padStart(11, '0')}\0`)
    put(136, '00000000000\0')
    header[156] = (member.type ?? '0').charCodeAt(0)
    if (member.linkName) put(157, member.linkName)
    put(257, 'ustar\0')
    put(263, '00')
    header.fill(0x20, 148, 156)
    const sum = header.reduce((total, byte) => total + byte, 0)
    put(148, `${sum.toString(8).padStart(6, '0')}\0 `)
    blocks.push(header)
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512)
    padded.set(data)
    blocks.push(padded)
  }
  blocks.push(new Uint8Array(1024))
  const out = new Uint8Array(blocks.reduce((total, block) => total + block.length, 0))
  let at = 0
  for (const block of blocks) {
    out.set(block, at)
    at += block.length
  }
  return out
}

/** A pax header member setting `path` (for names longer than 100 bytes). */
export function paxPath(path: string): TarMember {
  const body = (length: number) => `${length} path=${path}\n`
  let length = body(0).length
  while (body(length).length !== length) length = body(length).length
  return { name: 'PaxHeader', type: 'x', data: body(length) }
}
