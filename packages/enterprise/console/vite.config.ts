/**
 * Builds the enterprise console pages: one ES module per page (license.js, audit.js, usage.js, account.js, each
 * exporting `mount`), a shared chunk (Preact, helpers; uPlot stays with the usage page) and one stylesheet, into
 * ../console-dist, which the plugin registers as the pages' assetsDir. Library mode keeps the entries' exports.
 * JSX goes through Vite's own Oxc transform with Preact's automatic runtime (no framework plugin needed).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export const CONSOLE_PAGE_ENTRIES = {
  license: here('./src/license/license.tsx'),
  audit: here('./src/audit/audit.tsx'),
  usage: here('./src/usage/usage.tsx'),
  account: here('./src/account/account.tsx'),
};

export default defineConfig({
  root: here('.'),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // Library mode leaves process.env alone; nothing should see a development build.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: here('../console-dist'),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    cssCodeSplit: false,
    lib: {
      entry: CONSOLE_PAGE_ENTRIES,
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
      cssFileName: 'enterprise-console',
    },
    rollupOptions: {
      // Library mode keeps ES output readable by default; these are shipped pages, so minify them.
      output: { chunkFileNames: 'chunks/shared-[hash].js', minify: true },
    },
  },
});
