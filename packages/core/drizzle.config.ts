/**
 * drizzle-kit configuration for @sluice/core's migrations (`npm run db:generate -w @sluice/core`).
 * Generated SQL is committed in ./drizzle and applied at start-up and by `sluice db migrate`.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/*.ts',
  out: './drizzle',
  casing: 'snake_case',
});
