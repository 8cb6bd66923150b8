/**
 * Asking for a key password. On a terminal the answer is read without echo (like Python's
 * `getpass`, which in-toto's tools use); otherwise one line is read from standard input, so
 * scripts can pipe a password in (`printf 'pw\n' | layout-studio keygen --prompt k`).
 */
import { UsageError } from './usage.ts'

export interface PasswordIo {
  readonly input: NodeJS.ReadStream
  readonly output: NodeJS.WriteStream
}

const defaultIo = (): PasswordIo => ({ input: process.stdin, output: process.stderr })

/** Lines of a piped input, read once per stream (a pipe can be consumed only once). */
const pipedLines = new WeakMap<NodeJS.ReadStream, Promise<string[]>>()

export async function askPassword(question: string, options: { confirm?: boolean; io?: PasswordIo } = {}): Promise<string> {
  const io = options.io ?? defaultIo()
  const first = await readOne(question, io, 0)
  if (!options.confirm) return first
  const second = await readOne('Confirm the password: ', io, 1)
  if (first !== second) throw new UsageError('the passwords do not match')
  return first
}

async function readOne(question: string, io: PasswordIo, line: number): Promise<string> {
  io.output.write(question)
  if (!io.input.isTTY) {
    let lines = pipedLines.get(io.input)
    if (lines === undefined) {
      lines = readAll(io.input).then((text) => text.split(/\r?\n/))
      pipedLines.set(io.input, lines)
    }
    const answer = (await lines)[line]
    io.output.write('\n')
    if (answer === undefined) throw new UsageError('no password on standard input (expected one line per question)')
    return answer
  }
  return readHidden(io)
}

async function readAll(input: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

function readHidden(io: PasswordIo): Promise<string> {
  const { input, output } = io
  return new Promise((resolve, reject) => {
    let answer = ''
    const wasRaw = input.isRaw
    input.setRawMode(true)
    input.resume()
    input.setEncoding('utf8')
    const finish = (error?: Error) => {
      input.off('data', onData)
      input.setRawMode(wasRaw)
      input.pause()
      output.write('\n')
      if (error) reject(error)
      else resolve(answer)
    }
    const onData = (data: string) => {
      for (const char of data) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish()
        if (char === '\u0003') return finish(new UsageError('cancelled'))
        if (char === '\u007f' || char === '\b') answer = [...answer].slice(0, -1).join('')
        else answer += char
      }
    }
    input.on('data', onData)
  })
}
