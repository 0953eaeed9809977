/**
 * Applies drizzle-kit migration folders. Each package keeps its own folder and its own bookkeeping table
 * (core: `sluice_core_migrations`), so @sluice/enterprise runs `runMigrations(db, { folder, table })` against the
 * same database without touching core's history. The table has drizzle's layout (id, hash, created_at), so
 * drizzle-kit's tooling reads it too.
 *
 * Unlike drizzle's own migrator, the check for "what is applied" happens inside a `BEGIN IMMEDIATE`
 * transaction: a server starting and `sluice db migrate` running at the same moment serialise instead of both
 * trying to create the same tables.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { SluiceDatabase } from './client.js';

/** Core's committed migrations (packages/core/drizzle), from src/db or dist/db alike. */
export const CORE_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
export const CORE_MIGRATIONS_TABLE = 'sluice_core_migrations';

export interface MigrationSet {
  /** A drizzle-kit output folder (with meta/_journal.json). */
  folder: string;
  /** The bookkeeping table for this folder; one per package. */
  table: string;
}

export interface MigrationResult {
  /** Tags of the migrations applied by this call (empty when the database was up to date). */
  applied: string[];
}

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;

export function runMigrations(database: SluiceDatabase, set: MigrationSet): MigrationResult {
  if (!TABLE_NAME.test(set.table)) throw new Error(`invalid migrations table name "${set.table}"`);
  const migrations = readMigrationFiles({ migrationsFolder: set.folder });
  const journal = JSON.parse(readFileSync(path.join(set.folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const { sqlite } = database;
  sqlite.exec(`CREATE TABLE IF NOT EXISTS "${set.table}" (id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric)`);
  const applied: string[] = [];
  const apply = sqlite.transaction(() => {
    const last = sqlite.prepare(`SELECT created_at FROM "${set.table}" ORDER BY created_at DESC LIMIT 1`).get() as
      { created_at: number } | undefined;
    const insert = sqlite.prepare(`INSERT INTO "${set.table}" (hash, created_at) VALUES (?, ?)`);
    migrations.forEach((migration, index) => {
      if (last !== undefined && Number(last.created_at) >= migration.folderMillis) return;
      for (const statement of migration.sql) if (statement.trim()) sqlite.exec(statement);
      insert.run(migration.hash, migration.folderMillis);
      applied.push(journal.entries[index]?.tag ?? String(index));
    });
  });
  apply.immediate();
  return { applied };
}

export function migrateCore(database: SluiceDatabase): MigrationResult {
  return runMigrations(database, { folder: CORE_MIGRATIONS_FOLDER, table: CORE_MIGRATIONS_TABLE });
}
