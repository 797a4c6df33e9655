import { defineConfig } from 'vite';

// The router serves the built files from its jar under /console/ (docs/console.md). Preact's JSX
// goes through esbuild, which Vite already has, so no Babel plugin is needed.
export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'target/classes/console',
    emptyOutDir: true,
    // The console is loaded from the router only: no source maps, no inlined data URLs.
    sourcemap: false,
    assetsInlineLimit: 0,
  },
});
