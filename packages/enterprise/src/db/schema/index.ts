/** Every enterprise table; drizzle.config.ts points drizzle-kit at these files. */
export * from './audit.js';
export * from './license.js';
export * from './metering.js';
