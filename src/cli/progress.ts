/** A one-line progress display on a terminal (stderr), silent when output is not a TTY. */
import type { Progress } from '../core/verify/verify.ts'

const LABELS: Record<Progress['phase'], string> = {
  layout: 'checking the layout',
  links: 'reading link files',
  signatures: 'checking link signatures',
  sublayouts: 'verifying sublayouts',
  rules: 'checking artifact rules',
  inspections: 'running inspections',
  done: 'done',
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ((progress: Progress) => void) | undefined {
  if (!stream.isTTY) return undefined
  return (progress) => {
    if (progress.phase === 'done') {
      stream.write('\r\x1b[2K')
      return
    }
    const count = progress.total !== undefined ? ` (${progress.done ?? 0}/${progress.total})` : ''
    const depth = progress.depth > 0 ? ` [sublayout level ${progress.depth}]` : ''
    stream.write(`\r\x1b[2K${LABELS[progress.phase]}${count}${depth}…`)
  }
}
