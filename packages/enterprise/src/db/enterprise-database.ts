/**
 * Enterprise storage lives in core's database file (`<data>/sluice.db`) with its own drizzle-kit migration
 * folder (packages/enterprise/drizzle) and its own bookkeeping table, so core's migration history is untouched.
 */
import { fileURLToPath } from 'node:url';
import { openCoreDatabase, runMigrations, type MigrationResult, type SluiceDatabase } from '@sluice/core';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { HEAD_SEAL_MIGRATION, sealUnsealedHead } from '../audit/chain-head.js';
import * as schema from './schema/index.js';

/** The committed migrations, from src/db or dist/db alike. */
export const ENTERPRISE_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
export const ENTERPRISE_MIGRATIONS_TABLE = 'sluice_enterprise_migrations';

export type EnterpriseOrm = BetterSQLite3Database<typeof schema>;

export interface EnterpriseDatabase {
  /** core's database (file, raw connection); enterprise never closes it when the server owns it. */
  core: SluiceDatabase;
  orm: EnterpriseOrm;
  migrations: MigrationResult;
}

/** Applies the enterprise migrations to a database core opened, and wraps it in drizzle over the enterprise schema. */
export function attachEnterpriseDatabase(core: SluiceDatabase): EnterpriseDatabase {
  const migrations = runMigrations(core, { folder: ENTERPRISE_MIGRATIONS_FOLDER, table: ENTERPRISE_MIGRATIONS_TABLE });
  if (migrations.applied.includes(HEAD_SEAL_MIGRATION)) sealUnsealedHead(core.sqlite);
  return { core, orm: drizzle(core.sqlite, { schema, casing: 'snake_case' }), migrations };
}

/** For CLIs that work on a data directory without a server: core's schema, then enterprise's. */
export function openEnterpriseDatabase(dataDir: string): EnterpriseDatabase & { close(): void } {
  const core = openCoreDatabase(dataDir);
  try {
    return { ...attachEnterpriseDatabase(core), close: () => core.close() };
  } catch (error) {
    core.close();
    throw error;
  }
}
