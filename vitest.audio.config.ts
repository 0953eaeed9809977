import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The voice activity tests on synthesized speech (`npm run test:audio`): they need Debian's espeak-ng, which
// scripts/install-espeak-ng.sh installs when missing. Otherwise the same set-up as `npm test`.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/audio/**/*.test.ts'], exclude: ['**/node_modules/**'] },
});
