/**
 * The architecture is a check, not a habit: dependencies point one way (app → core, cli → core),
 * src/core stays pure (no UI libraries, no Node built-ins), and every dependency in package.json
 * is imported somewhere. The import rules live in biome.json; these tests prove that the lint
 * really refuses a forbidden import, so a config change cannot silently switch them off.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome')

interface LintDiagnostic {
  readonly category: string
  readonly message: string
}

/** Lints one probe file written at `path` (relative to the repository) and removes it again. */
function lintProbe(path: string, source: string): LintDiagnostic[] {
  const full = join(ROOT, path)
  const dir = join(full, '..')
  mkdirSync(dir, { recursive: true })
  writeFileSync(full, source)
  try {
    let output: string
    try {
      output = execFileSync(process.execPath, [BIOME, 'lint', '--reporter=json', path], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    } catch (error) {
      output = (error as { stdout: string }).stdout
    }
    return (JSON.parse(output) as { diagnostics: LintDiagnostic[] }).diagnostics
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const restricted = (diagnostics: readonly LintDiagnostic[]) => diagnostics.filter((d) => d.category === 'lint/style/noRestrictedImports')

describe('the lint enforces the dependency direction', () => {
  const coreProbes: Array<[string, string]> = [
    ['react', "import { useState } from 'react'\nexport const probe = useState\n"],
    ['zustand', "import { create } from 'zustand'\nexport const probe = create\n"],
    ['@xyflow/react', "import { ReactFlow } from '@xyflow/react'\nexport const probe = ReactFlow\n"],
    ['monaco-editor', "import * as monaco from 'monaco-editor/editor'\nexport const probe = monaco\n"],
    ['commander', "import { Command } from 'commander'\nexport const probe = Command\n"],
    ['node:fs', "import { readFileSync } from 'node:fs'\nexport const probe = readFileSync\n"],
    ['fs', "import { readFileSync } from 'fs'\nexport const probe = readFileSync\n"],
    ['src/app', "import { App } from '../../app/App.tsx'\nexport const probe = App\n"],
    ['src/cli', "import { main } from '../../cli/main.ts'\nexport const probe = main\n"],
  ]
  for (const [name, source] of coreProbes) {
    it(`refuses ${name} in src/core`, () => {
      expect(restricted(lintProbe('src/core/zz-lint-probe/probe.ts', source))).toHaveLength(1)
    })
  }

  it('refuses react and the app in src/cli', () => {
    expect(restricted(lintProbe('src/cli/zz-lint-probe/probe.ts', "import { useState } from 'react'\nexport const probe = useState\n"))).toHaveLength(1)
    expect(restricted(lintProbe('src/cli/zz-lint-probe/probe.ts', "import { App } from '../../app/App.tsx'\nexport const probe = App\n"))).toHaveLength(1)
  })

  it('refuses Node built-ins and the CLI in src/app', () => {
    expect(restricted(lintProbe('src/app/zz-lint-probe/probe.ts', "import { readFileSync } from 'node:fs'\nexport const probe = readFileSync\n"))).toHaveLength(1)
    expect(restricted(lintProbe('src/app/zz-lint-probe/probe.ts', "import { main } from '../../cli/main.ts'\nexport const probe = main\n"))).toHaveLength(1)
  })

  it('lets core tests use Node built-ins, but not the CLI', () => {
    expect(restricted(lintProbe('src/core/zz-lint-probe/probe.test.ts', "import { readFileSync } from 'node:fs'\nexport const probe = readFileSync\n"))).toHaveLength(0)
    expect(restricted(lintProbe('src/core/zz-lint-probe/probe.test.ts', "import { main } from '../../cli/main.ts'\nexport const probe = main\n"))).toHaveLength(1)
  })

  it('accepts what core may import', () => {
    expect(restricted(lintProbe('src/core/zz-lint-probe/probe.ts', "import { sha256 } from '@noble/hashes/sha2.js'\nexport const probe = sha256\n"))).toHaveLength(0)
  })
})

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push(full)
  }
  return out
}

describe('package.json lists only what is used', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }
  const files = ['src', 'e2e', 'bench', 'test', 'bin'].flatMap((dir) => sourceFiles(join(ROOT, dir)))
  const configs = readdirSync(ROOT).filter((name) => /\.(ts|mjs|json)$/.test(name) && name !== 'package.json' && name !== 'package-lock.json')
  const text = [...files, ...configs.map((name) => join(ROOT, name))].map((file) => readFileSync(file, 'utf8')).join('\n')
  const scripts = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts)
  /** Dev tools used by name in scripts or configs rather than imported. */
  const usedAsTools: Record<string, RegExp> = {
    typescript: /\btsc\b/,
    '@biomejs/biome': /\bbiome\b/,
    '@types/node': /"types":\s*\[[^\]]*"node"/,
    '@types/react': /from 'react'/,
    '@types/react-dom': /from 'react-dom/,
    tsx: /\btsx\b/,
  }

  for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
    it(`${name} is used`, () => {
      const tool = usedAsTools[name]
      const tsconfigs = readdirSync(ROOT)
        .filter((file) => file.startsWith('tsconfig'))
        .map((file) => readFileSync(join(ROOT, file), 'utf8'))
        .join('\n')
      const imported = new RegExp(`from ['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]|import\\(['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]\\)`).test(text)
      const asTool = tool !== undefined && (tool.test(scripts) || tool.test(text) || tool.test(tsconfigs))
      expect(imported || asTool, `${name} is neither imported nor used as a tool`).toBe(true)
    })
  }
})
