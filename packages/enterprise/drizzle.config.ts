/**
 * drizzle-kit configuration for @sluice/enterprise's migrations (`npm run db:generate -w @sluice/enterprise`).
 * Generated SQL is committed in ./drizzle and applied by the plugin at start (bookkeeping table
 * `sluice_enterprise_migrations`, separate from core's).
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema/*.ts',
  out: './drizzle',
  casing: 'snake_case',
});
