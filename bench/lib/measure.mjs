/**
 * Timing a whole process: wall time around the child, and its peak resident set size and CPU
 * time (user + system, all threads) — from GNU time (`/usr/bin/time -f '%M %U %S'`) when
 * installed, else from `getrusage(RUSAGE_CHILDREN)` read by a small Python wrapper (Node cannot
 * report a child's peak RSS; Python is there wherever the reference in-toto is). CPU time varies
 * far less than wall time on a loaded machine: paired comparisons report both.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GNU_TIME = '/usr/bin/time'
const hasGnuTime = existsSync(GNU_TIME)
const PYTHON = '/usr/bin/python3'
/** Runs argv[2:] and writes its peak RSS (KiB on Linux) and CPU seconds to argv[1]; exits with the child's status. */
const PY_WRAPPER = [
  'import resource, subprocess, sys',
  'code = subprocess.call(sys.argv[2:])',
  'usage = resource.getrusage(resource.RUSAGE_CHILDREN)',
  'open(sys.argv[1], "w").write("%d %.2f %.2f" % (usage.ru_maxrss, usage.ru_utime, usage.ru_stime))',
  'sys.exit(code if code >= 0 else 128 - code)',
].join('\n')

function wrapped(command, args, rssFile) {
  if (hasGnuTime) return [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]]
  if (existsSync(PYTHON)) return [PYTHON, ['-c', PY_WRAPPER, rssFile, command, ...args]]
  return [command, args]
}

/**
 * Runs `command args` in `cwd` and resolves to `{ code, wallMs, peakRssKiB, cpuMs, stdout, stderr }`
 * (`peakRssKiB` and `cpuMs` are `undefined` when neither GNU time nor Python is there).
 * Never rejects for a non-zero exit (the caller checks `code`); rejects if it cannot start.
 */
export function measure(command, args, { cwd, env } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-measure-'))
  const rssFile = join(scratch, 'rss')
  const [file, argv] = wrapped(command, args, rssFile)
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(file, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    const stdout = []
    const stderr = []
    child.stdout.on('data', (chunk) => stdout.push(chunk))
    child.stderr.on('data', (chunk) => stderr.push(chunk))
    child.on('error', (error) => {
      rmSync(scratch, { recursive: true, force: true })
      reject(error)
    })
    child.on('close', (code) => {
      const wallMs = performance.now() - started
      // GNU time prefixes "Command exited with non-zero status N" lines; the number is last.
      const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').at(-1) : ''
      const usage = /^(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(text ?? '')
      const peakRssKiB = usage ? Number(usage[1]) : undefined
      const cpuMs = usage ? Math.round((Number(usage[2]) + Number(usage[3])) * 1000) : undefined
      rmSync(scratch, { recursive: true, force: true })
      resolve({ code, wallMs, peakRssKiB, cpuMs, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') })
    })
  })
}

export function median(values) {
  const sorted = [...values].filter((value) => value !== undefined).sort((a, b) => a - b)
  if (sorted.length === 0) return undefined
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
