/**
 * Progress while hashing artifacts (a step can record tens of thousands of files): a line on
 * a terminal, redrawn at most ten times a second; nothing when stderr is not a TTY.
 */
export function hashingProgress(label: string, stream: NodeJS.WriteStream = process.stderr): { onFile?: (path: string) => void; done: () => void } {
  if (!stream.isTTY) return { done: () => undefined }
  let count = 0
  let last = 0
  return {
    onFile: () => {
      count++
      const now = Date.now()
      if (now - last < 100) return
      last = now
      stream.write(`\r\x1b[2Khashing ${label}: ${count} file${count === 1 ? '' : 's'}…`)
    },
    done: () => {
      if (last !== 0) stream.write('\r\x1b[2K')
    },
  }
}
