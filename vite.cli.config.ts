import { defineConfig } from 'vite'

/** Builds the Node CLI into dist-cli/ as ES modules; npm dependencies stay external imports. */
export default defineConfig({
  publicDir: false,
  build: {
    ssr: true,
    outDir: 'dist-cli',
    target: 'node20',
    emptyOutDir: true,
    minify: false,
    rolldownOptions: {
      // decode-worker: the link decoding thread, spawned by src/cli/decode-pool.ts from beside the entry.
      input: { 'layout-studio': 'src/cli/main.ts', 'decode-worker': 'src/cli/decode-worker.ts' },
      output: { entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
})
