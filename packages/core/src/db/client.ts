/**
 * Opens the SQLite database in the data directory: WAL journal (readers never block the writer, and the CLI can
 * write while the server runs), a busy timeout instead of immediate SQLITE_BUSY, synchronous=FULL so a
 * committed transaction survives a crash of the process or the machine, and foreign keys enforced.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema/index.js';

export const DATABASE_FILE = 'sluice.db';

export type CoreSchema = typeof schema;

export interface SluiceDatabase {
  /** The database file's absolute path. */
  file: string;
  /** The raw connection, for migrations and pragmas (other packages bring their own drizzle schema to it). */
  sqlite: Database.Database;
  /** drizzle over the core schema. */
  orm: BetterSQLite3Database<CoreSchema>;
  close(): void;
}

export interface OpenDatabaseOptions {
  /** How long a statement waits for another connection's write lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
}

/** Opens (creating when missing) `<dataDir>/sluice.db`. Does not migrate: see migrate.ts. */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): SluiceDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = path.resolve(dataDir, DATABASE_FILE);
  const sqlite = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const orm = drizzle(sqlite, { schema });
  let closed = false;
  return {
    file,
    sqlite,
    orm,
    close() {
      if (closed) return;
      closed = true;
      sqlite.close();
    },
  };
}
