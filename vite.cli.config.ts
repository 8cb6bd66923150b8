import { defineConfig } from 'vite'

/**
 * Builds the Node CLI into dist-cli/ as ES modules, npm dependencies included: resolving and
 * loading ~40 separate module files (commander, noble) took a third of the CLI's start-up, and
 * each link decoding thread loads its module graph again.
 */
export default defineConfig({
  publicDir: false,
  ssr: { noExternal: true },
  build: {
    ssr: true,
    outDir: 'dist-cli',
    target: 'node20',
    emptyOutDir: true,
    minify: false,
    rolldownOptions: {
      // decode-worker: the link decoding thread, spawned by src/cli/links/threads.ts from beside the entry.
      input: { 'layout-studio': 'src/cli/main.ts', 'decode-worker': 'src/cli/links/worker.ts' },
      output: { entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
})
