/**
 * Migrations on real SQLite files: from an empty database, from the previous schema (only the first committed
 * migration applied, with data in it), idempotence, concurrent `sluice db migrate` processes, and a second
 * migration folder (as @sluice/enterprise keeps) on the same database with its own bookkeeping.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKeyService } from '../packages/core/src/auth/api-key-service.js';
import { openDatabase } from '../packages/core/src/db/client.js';
import { CORE_MIGRATIONS_FOLDER, CORE_MIGRATIONS_TABLE, migrateCore, runMigrations } from '../packages/core/src/db/migrate.js';
import { openCoreDatabase } from '../packages/core/src/db/open.js';
import { runCli } from './helpers/cli-process.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-migrations-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => path.join(scratch, `data-${counter++}`);

const journal = JSON.parse(readFileSync(path.join(CORE_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
  entries: { tag: string }[];
};
const ALL_TAGS = journal.entries.map((e) => e.tag);

function columns(database: ReturnType<typeof openDatabase>, table: string): string[] {
  return (database.sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

describe('core migrations', () => {
  it('are committed: at least two, the later one altering the earlier schema', () => {
    expect(ALL_TAGS.length).toBeGreaterThanOrEqual(2);
    expect(ALL_TAGS[0]).toBe('0000_api_keys');
  });

  it('build the schema from an empty database, in WAL mode, and are idempotent', () => {
    const dir = freshDir();
    const database = openCoreDatabase(dir);
    try {
      expect(database.migrations.applied).toEqual(ALL_TAGS);
      expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(database.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(columns(database, 'api_keys')).toEqual([
        'id',
        'name',
        'secret_hash',
        'scopes',
        'models',
        'created_at',
        'expires_at',
        'revoked_at',
        'rate_limit_max',
        'rate_limit_window_ms',
        'last_used_at',
      ]);
      const indexes = (
        database.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'api_keys'").all() as { name: string }[]
      ).map((i) => i.name);
      expect(indexes).toContain('api_keys_created_at_idx');
      expect(migrateCore(database).applied).toEqual([]);
      expect((database.sqlite.prepare(`SELECT count(*) AS n FROM ${CORE_MIGRATIONS_TABLE}`).get() as { n: number }).n).toBe(
        ALL_TAGS.length,
      );
    } finally {
      database.close();
    }
  });

  it('upgrade a database at the previous schema without losing its rows', () => {
    // The folder as it was when only the first migration existed.
    const previous = path.join(scratch, 'previous-migrations');
    cpSync(CORE_MIGRATIONS_FOLDER, previous, { recursive: true });
    writeFileSync(path.join(previous, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
    const dir = freshDir();
    const old = openDatabase(dir);
    expect(runMigrations(old, { folder: previous, table: CORE_MIGRATIONS_TABLE }).applied).toEqual(['0000_api_keys']);
    expect(columns(old, 'api_keys')).not.toContain('rate_limit_max');
    old.sqlite
      .prepare('INSERT INTO api_keys (id, name, secret_hash, scopes, models, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('0123456789ab', 'from-v0', 'a'.repeat(64), '["infer"]', null, 1_700_000_000_000);
    old.close();

    const upgraded = openCoreDatabase(dir);
    try {
      expect(upgraded.migrations.applied).toEqual(ALL_TAGS.slice(1));
      const key = createApiKeyService({ database: upgraded }).get('0123456789ab');
      expect(key).toMatchObject({ name: 'from-v0', scopes: ['infer'], models: null, rateLimit: null, lastUsedAt: null, status: 'active' });
    } finally {
      upgraded.close();
    }
  });

  it('let another package run its own migration folder against the same database', () => {
    const dir = freshDir();
    const database = openCoreDatabase(dir);
    try {
      const folder = path.join(import.meta.dirname, 'fixtures', 'plugin-migrations');
      expect(runMigrations(database, { folder, table: 'example_plugin_migrations' }).applied).toEqual(['0000_example_notes']);
      expect(runMigrations(database, { folder, table: 'example_plugin_migrations' }).applied).toEqual([]);
      database.sqlite.prepare('INSERT INTO example_notes (body) VALUES (?)').run('hello');
      // Core's history is untouched by the plugin's (its timestamps are older than core's, on purpose).
      expect(migrateCore(database).applied).toEqual([]);
      expect((database.sqlite.prepare(`SELECT count(*) AS n FROM ${CORE_MIGRATIONS_TABLE}`).get() as { n: number }).n).toBe(
        ALL_TAGS.length,
      );
      expect(() => runMigrations(database, { folder, table: 'bad name; drop table api_keys' })).toThrow(/invalid migrations table name/);
    } finally {
      database.close();
    }
  });

  it('`sluice db migrate` migrates the data directory, and concurrent runs do not collide', async () => {
    const dir = freshDir();
    const runs = [0, 1, 2].map(() => runCli(['db', 'migrate', '--json', '--data', dir]));
    const exits = await Promise.all(runs.map((r) => r.exited));
    expect(
      exits.map((e) => e.code),
      runs.map((r) => r.stderr.join('')).join('\n'),
    ).toEqual([0, 0, 0]);
    const applied = runs.map((r) => (r.lines[0] as { applied: string[] }).applied);
    // Exactly one process applied the migrations; the others found the database up to date.
    expect(applied.filter((a) => a.length > 0)).toEqual([ALL_TAGS]);
    const again = runCli(['db', 'migrate', '--data', dir]);
    expect((await again.exited).code).toBe(0);
    expect(again.lines[0]!.raw).toMatch(/is up to date$/);
  });
});
