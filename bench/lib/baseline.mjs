/**
 * A second build to pair with this one (`npm run bench -- --baseline REF`): the tree of git
 * revision REF, extracted with `git archive` into the bench's scratch directory (once per
 * commit), built there with this checkout's node_modules. Suites then run both builds in the
 * same run, interleaved, so both see the same machine and the same load, and report new ÷ old.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** `{ ref, commit, root, cli }` for revision `ref`, extracted and its CLI built when not done before. */
export function prepareBaseline(root, ref, log) {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim()
  const dir = join(tmpdir(), 'layout-studio-bench', `baseline-${commit.slice(0, 12)}`)
  if (!existsSync(join(dir, 'package.json'))) {
    log(`extracting ${ref} (${commit.slice(0, 12)}) into ${dir}`)
    const scratch = `${dir}.partial-${process.pid}`
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    const archive = execFileSync('git', ['archive', '--format=tar', commit], { cwd: root, maxBuffer: 1 << 30 })
    execFileSync('tar', ['-x', '-C', scratch], { input: archive })
    symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir')
    rmSync(dir, { recursive: true, force: true })
    renameSync(scratch, dir)
  }
  const cli = join(dir, 'dist-cli', 'layout-studio.mjs')
  if (!existsSync(cli)) {
    log(`building the CLI of ${ref}`)
    execFileSync('npx', ['vite', 'build', '-c', 'vite.cli.config.ts', '--logLevel', 'warn'], { cwd: dir, stdio: 'inherit' })
  }
  return { ref, commit, root: dir, cli }
}
