/**
 * Upgrading a data directory written before the chain head was sealed: the migration adds the seal column,
 * the plugin seals the existing head once, and the old chain verifies; a directory that never had entries gets
 * the genesis head. (Sealing happens only right after that migration, never for a head unsealed later.)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCoreDatabase, runMigrations } from '../packages/core/src/index.js';
import { entryHash, GENESIS_HASH } from '../packages/enterprise/src/audit/canonical.js';
import { verifyAuditChain } from '../packages/enterprise/src/audit/audit-verify.js';
import {
  ENTERPRISE_MIGRATIONS_FOLDER,
  ENTERPRISE_MIGRATIONS_TABLE,
  openEnterpriseDatabase,
} from '../packages/enterprise/src/db/enterprise-database.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-ee-upgrade-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A data directory with only the first enterprise migration applied, as the previous release left it. */
function previousRelease(name: string, entries: number): string {
  const folder = path.join(scratch, `${name}-migrations`);
  cpSync(ENTERPRISE_MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
  const data = path.join(scratch, name);
  const core = openCoreDatabase(data);
  try {
    runMigrations(core, { folder, table: ENTERPRISE_MIGRATIONS_TABLE });
    let prevHash = GENESIS_HASH;
    for (let seq = 1; seq <= entries; seq++) {
      const fields = {
        seq,
        time: new Date(Date.UTC(2029, 0, seq)).toISOString(),
        action: 'key.create',
        outcome: 'success',
        actorKind: 'api-key',
        actorId: 'k1',
        actorName: null,
        resourceType: 'api-key',
        resourceId: `k${seq + 1}`,
        reason: null,
        ip: '127.0.0.1',
        requestId: `r${seq}`,
        detail: null,
        prevHash,
      };
      const hash = entryHash(fields);
      core.sqlite
        .prepare(
          `INSERT INTO enterprise_audit_log (seq, time, action, outcome, actor_kind, actor_id, actor_name, resource_type, resource_id, reason, ip, request_id, detail, prev_hash, hash)
        VALUES (@seq, @time, @action, @outcome, @actorKind, @actorId, @actorName, @resourceType, @resourceId, @reason, @ip, @requestId, @detail, @prevHash, @hash)`,
        )
        .run({ ...fields, hash });
      core.sqlite
        .prepare(
          'INSERT INTO enterprise_audit_chain (id, anchor_seq, anchor_hash, head_seq, head_hash) VALUES (1, 0, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET head_seq = excluded.head_seq, head_hash = excluded.head_hash',
        )
        .run(GENESIS_HASH, seq, hash);
      prevHash = hash;
    }
  } finally {
    core.close();
  }
  return data;
}

describe('upgrading an audit log written before the head seal', () => {
  it('seals the existing head and the old chain verifies', () => {
    const data = previousRelease('with-entries', 3);
    const db = openEnterpriseDatabase(data);
    try {
      // Every migration after that release runs, the head seal first.
      expect(db.migrations.applied[0]).toBe('0001_audit_count_head_seal');
      expect(verifyAuditChain(db.core.sqlite)).toMatchObject({ ok: true, checked: 3, headSeq: 3 });
    } finally {
      db.close();
    }
  });

  it('gives a log that never had entries the genesis head', () => {
    const data = previousRelease('empty', 0);
    const db = openEnterpriseDatabase(data);
    try {
      expect(verifyAuditChain(db.core.sqlite)).toMatchObject({ ok: true, checked: 0, headSeq: 0 });
    } finally {
      db.close();
    }
  });
});
