import { configDefaults, defineConfig } from 'vitest/config';

// Real servers and real ORT workers: few files at a time on these 2-core machines, generous timeouts.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the "source" export condition), not to dist/.
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['tests/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    // The browser tests need Chromium (`npm run test:browser`, vitest.browser.config.ts); the speech tests need
    // espeak-ng (`npm run test:audio`, vitest.audio.config.ts).
    exclude: [...configDefaults.exclude, 'tests/browser/**', 'tests/audio/**'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // CI (CI=true) runs a failed test once more: the shared 2-core machines can starve one timing-bound step
    // (a test that fails twice still fails the run, and vitest marks a retried pass in its output).
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
