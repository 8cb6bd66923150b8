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
      input: { 'layout-studio': 'src/cli/main.ts' },
      output: { entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
    },
  },
})
