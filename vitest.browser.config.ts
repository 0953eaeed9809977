import { defineConfig } from 'vitest/config';

// The console's browser tests (`npm run test:browser`): real Chromium (Debian's, scripts/install-chromium.sh)
// against real Sluice servers on loopback. One file at a time and one Chromium at a time: each file starts its
// own server and browser, and these 2-core machines cannot run two of them side by side without flaky timings.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts', 'tests/browser/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // CI (CI=true) runs a failed test once more: the shared 2-core machines can starve one timing-bound step
    // (a test that fails twice still fails the run, and vitest marks a retried pass in its output).
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
