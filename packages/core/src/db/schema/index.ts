/** Every core table; one file per table group. drizzle.config.ts points drizzle-kit at these files. */
export * from './api-keys.js';
export * from './console-sessions.js';
