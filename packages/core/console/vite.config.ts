/**
 * Builds the web console into packages/core/console-dist/, which core serves at /console/.
 * The server's CSP is strict (script-src 'self', style-src 'self'): nothing may be inlined into index.html,
 * so the module-preload polyfill (an inline script) is off and assets are always emitted as files.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  // Preact's automatic JSX runtime through Vite's own (Oxc) transform; no framework plugin needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../console-dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // .vite/manifest.json (not served: dotfiles are not indexed) tells the server which chunks each page needs.
    manifest: true,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      // Modules several page chunks share go to one chunk, not one tiny chunk each (fewer requests per page).
      output: { codeSplitting: { groups: [{ name: 'pages-shared', test: /\/console\/src\//, minShareCount: 2 }] } },
    },
  },
});
