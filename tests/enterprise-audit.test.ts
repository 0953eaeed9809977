/**
 * The audit log on a real server and a real SQLite file: every action type is recorded with actor, ip and
 * request id; tampering done directly in SQLite (edit, delete, reorder, truncate, forged anchor) is detected
 * and the first bad entry named, by the admin route and by `sluice-ee audit verify`; filters and cursors
 * work; JSONL and CSV exports round-trip; retention keeps the chain verifiable; payloads are never stored.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, headSeal } from '../packages/enterprise/src/audit/canonical.js';
import { parseAuditCsv, parseAuditJsonl, verifyExportedEntries } from '../packages/enterprise/src/audit/audit-export.js';
import { ROOT, SOURCE_FLAGS } from './helpers/cli-process.js';
import { copyDemoModels } from './helpers/test-server.js';
import {
  createTestClock,
  createTestVendor,
  DAY_MS,
  request,
  startEnterpriseServer,
  type EnterpriseTestServer,
} from './helpers/enterprise-server.js';

const run = promisify(execFile);
// The issue's command names: core's `sluice` runs the enterprise plugin's commands when SLUICE_PLUGINS names it.
const CORE_CLI = path.join(ROOT, 'packages', 'core', 'src', 'cli.ts');
const ROBOT_NAME = 'ci robot';
const SECRET_TEXT = 'PRIVATE-PAYLOAD-9c1e my card number is 4111111111111111';

async function sluiceCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...SOURCE_FLAGS, CORE_CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, SLUICE_PLUGINS: '@sluice/enterprise' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the audit log', () => {
  const models = copyDemoModels(['sentiment']);
  const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-ee-audit-'));
  const clock = createTestClock(new Date('2030-03-01T00:00:00Z'));
  let server: EnterpriseTestServer;
  let license: string;
  let vendor: Awaited<ReturnType<typeof createTestVendor>>;

  beforeAll(async () => {
    vendor = await createTestVendor();
    license = await vendor.issue({ notBefore: clock(), issuedAt: clock(), expiresAt: new Date(clock().getTime() + 365 * DAY_MS) });
    // Starts without a license: installing it is the first audited action.
    server = await startEnterpriseServer({
      core: { models: models.dir },
      plugin: { trustedPublicKeys: [vendor.publicJwk], clock, audit: { inference: 'metadata' } },
    });
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  const api = (route: string, init: Parameters<typeof request>[1] = {}) =>
    request(`${server.url}${route}`, { ...init, headers: { ...server.auth, ...init.headers } });
  const all = async (query = '') => (await api(`/admin/audit?order=asc&limit=1000${query}`)).json.entries as any[];

  it('records every kind of audited action with actor, outcome, ip and request id', async () => {
    expect((await api('/admin/license', { method: 'PUT', body: { key: license } })).status).toBe(200);
    // A refused create (its reason has commas) and a malformed header (its reason has quotes): CSV material.
    expect((await api('/admin/keys', { method: 'POST', body: { name: 'ci, "robot"', scopes: ['infer'] } })).status).toBe(400);
    expect((await request(`${server.url}/admin/keys`, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const created = await api('/admin/keys', { method: 'POST', body: { name: ROBOT_NAME, scopes: ['infer'] } });
    expect(created.status).toBe(201);
    const robot = created.json;
    expect((await request(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${robot.token}` } })).status).toBe(403);
    expect((await api(`/admin/keys/${robot.key.id}`, { method: 'DELETE', headers: { 'x-request-id': 'req-revoke-1' } })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/unload', { method: 'POST' })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/load', { method: 'POST' })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/aliases/stable', { method: 'PUT', body: { version: 1 } })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/aliases/stable', { method: 'DELETE' })).status).toBeLessThan(300);
    expect(
      (await api('/v2/repository/models/sentiment/traffic', { method: 'PUT', body: { versions: [{ version: 1, weight: 1 }] } })).status,
    ).toBe(200);
    expect((await api('/v2/repository/models/sentiment/traffic', { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await request(`${server.url}/admin/keys`, { headers: { authorization: 'Bearer sk_sluice_000000000000_wrong' } })).status).toBe(
      401,
    );
    const inferKey = (await api('/admin/keys', { method: 'POST', body: { name: 'inference-only', scopes: ['infer'] } })).json
      .token as string;
    expect((await request(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${inferKey}` } })).status).toBe(403);
    expect((await api('/admin/quotas/someone', { method: 'PUT', body: { requestsPerDay: 10 } })).status).toBe(200);
    const inferred = await request(`${server.url}/v2/models/sentiment/infer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inferKey}` },
      body: { inputs: [{ name: 'text', shape: [1], datatype: 'BYTES', data: [SECRET_TEXT] }] },
    });
    expect(inferred.status).toBe(200);

    const entries = await all();
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      'license.install',
      'license.state',
      'key.create',
      'key.revoke',
      'model.unload',
      'model.load',
      'model.alias.set',
      'model.alias.delete',
      'model.traffic.set',
      'model.traffic.clear',
      'auth.failure',
      'auth.denied',
      'quota.set',
      'inference',
    ]) {
      expect(actions, action).toContain(action);
    }
    // Intent first: every audited action has a 'requested' entry just before its outcome, with the same request id.
    const revokes = entries.filter((e) => e.action === 'key.revoke');
    expect(revokes.map((e) => e.outcome)).toEqual(['requested', 'success']);
    expect(revokes[1].seq).toBe(revokes[0].seq + 1);
    expect(revokes[0].requestId).toBe('req-revoke-1');
    const revoke = revokes[1];
    expect(revoke).toMatchObject({
      outcome: 'success',
      actor: { kind: 'api-key', id: server.adminKeyId, name: 'test-admin' },
      resource: { type: 'api-key', id: robot.key.id },
      ip: '127.0.0.1',
      requestId: 'req-revoke-1',
    });
    const failures = entries.filter((e) => e.action === 'auth.failure');
    expect(failures.length).toBe(2);
    for (const failure of failures)
      expect(failure).toMatchObject({ outcome: 'failure', ip: '127.0.0.1', resource: { type: 'route', id: 'GET /admin/keys' } });
    expect(entries.find((e) => e.action === 'inference')).toMatchObject({
      outcome: 'success',
      resource: { type: 'model', id: 'sentiment:1' },
      detail: { items: 1 },
    });
    // Each entry links to the one before it.
    entries.slice(1).forEach((e, i) => expect(e.prevHash).toBe(entries[i].hash));
    // No payload and no credential ever reaches the database file (WAL included).
    const bytes = ['sluice.db', 'sluice.db-wal']
      .map((f) => {
        try {
          return readFileSync(path.join(server.dataDir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(bytes).not.toContain('PRIVATE-PAYLOAD-9c1e');
    // The key's secret part (sk_sluice_<hex id>_<secret>; the secret is base64url, so it may hold '_' itself).
    const secret = /^sk_sluice_[0-9a-f]+_(.+)$/.exec(inferKey)![1]!;
    expect(secret.length).toBeGreaterThan(20);
    expect(bytes).not.toContain(secret);
  });

  it('filters by time, actor, action (prefix) and resource, with cursor pagination', async () => {
    const byAction = await all('&action=model.*');
    expect(byAction.length).toBeGreaterThanOrEqual(6);
    expect(byAction.every((e) => e.action.startsWith('model.'))).toBe(true);
    expect((await all(`&actor=${server.adminKeyId}`)).every((e) => e.actor.id === server.adminKeyId)).toBe(true);
    expect((await all('&resource_type=model&resource_id=sentiment&outcome=success')).map((e) => e.action)).toEqual([
      'model.unload',
      'model.load',
      'model.traffic.clear',
    ]);
    const sorted = (await all()).map((e) => e.time).sort();
    const middle = sorted[Math.floor(sorted.length / 2)]!;
    expect((await all(`&from=${middle}`)).map((e) => e.seq)).toEqual((await all()).filter((e) => e.time >= middle).map((e) => e.seq));
    expect((await all(`&to=${middle}`)).map((e) => e.seq)).toEqual((await all()).filter((e) => e.time < middle).map((e) => e.seq));
    expect(await all('&to=2000-01-01')).toEqual([]);

    const everything = await all();
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = (await api(`/admin/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json;
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e: any) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(everything.map((e) => e.seq).reverse());
    const bad = await api('/admin/audit?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('SLUICE_EE_ERR_BAD_REQUEST');
    expect((await api('/admin/audit?from=yesterday')).json.code).toBe('SLUICE_EE_ERR_BAD_REQUEST');
  });

  it('exports JSONL and CSV that round-trip and verify on their own', async () => {
    const entries = await all();
    const jsonl = await api('/admin/audit/export?format=jsonl');
    expect(jsonl.headers.get('content-type')).toMatch(/ndjson/);
    const fromJsonl = parseAuditJsonl(jsonl.text);
    const csv = await api('/admin/audit/export?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const fromCsv = parseAuditCsv(csv.text);
    // The export itself was audited after it was read, so compare the entries that existed before.
    expect(fromJsonl.slice(0, entries.length)).toEqual(entries);
    expect(fromCsv.slice(0, entries.length)).toEqual(entries);
    // CSV quoting round-trips commas and quotes.
    expect(fromCsv.find((e) => e.action === 'key.create' && e.outcome === 'failure' && e.reason?.includes(','))).toBeDefined();
    expect(fromCsv.find((e) => e.action === 'auth.failure' && e.reason?.includes('"'))).toBeDefined();
    expect(fromCsv.find((e) => e.action === 'auth.denied' && e.actor.name === ROBOT_NAME)).toBeDefined();
    expect(verifyExportedEntries(fromCsv)).toBeUndefined();
    const edited = fromCsv.map((e) => (e.seq === 3 ? { ...e, outcome: e.outcome === 'success' ? 'failure' : 'success' } : e));
    expect(verifyExportedEntries(edited)).toMatchObject({ seq: 3 });
    // The CLI exports the same thing from the data directory.
    const cli = await sluiceCli(['audit', 'export', '--data', server.dataDir, '--format', 'jsonl']);
    expect(cli.code).toBe(0);
    expect(parseAuditJsonl(cli.stdout).slice(0, entries.length)).toEqual(entries);
  });

  it('detects an entry edited directly in SQLite and names it (route and CLI)', async () => {
    expect((await api('/admin/audit/verify')).json).toMatchObject({ ok: true });
    expect((await sluiceCli(['audit', 'verify', '--data', server.dataDir])).code).toBe(0);
    const sqlite = new Database(path.join(server.dataDir, 'sluice.db'));
    try {
      sqlite.prepare("UPDATE enterprise_audit_log SET actor_id = 'somebody-else' WHERE seq = 4").run();
    } finally {
      sqlite.close();
    }
    const verify = (await api('/admin/audit/verify')).json;
    expect(verify).toMatchObject({ ok: false, firstBad: { seq: 4, kind: 'edited' } });
    const cli = await sluiceCli(['audit', 'verify', '--data', server.dataDir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/first bad entry seq 4 \(edited\)/);
  });

  describe('on copies of the database file', () => {
    let pristine: string;
    beforeAll(async () => {
      // Undo the edit above on a copy by restoring from a fresh chain: simplest is a new data dir snapshot.
      const fresh = await startEnterpriseServer({
        plugin: { trustedPublicKeys: [vendor.publicJwk], clock, license: { key: license } },
        keepData: true,
      });
      for (let i = 0; i < 8; i++)
        await request(`${fresh.url}/admin/keys`, { method: 'POST', headers: fresh.auth, body: { name: `k${i}`, scopes: ['infer'] } });
      await fresh.close(); // checkpoints the WAL into sluice.db
      pristine = path.join(fresh.dataDir, 'sluice.db');
    });

    async function tampered(name: string, statements: (db: Database.Database) => void): Promise<{ code: number; stdout: string }> {
      const dir = path.join(scratch, name);
      (await import('node:fs')).mkdirSync(dir, { recursive: true });
      copyFileSync(pristine, path.join(dir, 'sluice.db'));
      const db = new Database(path.join(dir, 'sluice.db'));
      try {
        statements(db);
      } finally {
        db.close();
      }
      return sluiceCli(['audit', 'verify', '--data', dir, '--json']);
    }

    it('the untouched copy verifies', async () => {
      const result = await tampered('untouched', () => undefined);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, checked: 17 }); // license.state, then 8 × (intent, outcome)
    });

    it('a deleted entry', async () => {
      const result = await tampered('deleted', (db) => db.prepare('DELETE FROM enterprise_audit_log WHERE seq = 5').run());
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout).firstBad).toMatchObject({ seq: 5, kind: 'missing' });
    });

    it('reordered entries', async () => {
      const result = await tampered('reordered', (db) => {
        db.prepare('UPDATE enterprise_audit_log SET seq = -1 WHERE seq = 3').run();
        db.prepare('UPDATE enterprise_audit_log SET seq = 3 WHERE seq = 4').run();
        db.prepare('UPDATE enterprise_audit_log SET seq = 4 WHERE seq = -1').run();
      });
      expect(JSON.parse(result.stdout).firstBad).toMatchObject({ seq: 3, kind: 'edited' });
    });

    it('an edit whose own hash was recomputed breaks the next link', async () => {
      const result = await tampered('rehashed', (db) => {
        const row = db.prepare('SELECT * FROM enterprise_audit_log WHERE seq = 6').get() as any;
        const changed = { ...row, outcome: 'failure' };
        const hash = entryHash({
          seq: 6,
          time: row.time,
          action: row.action,
          outcome: 'failure',
          actorKind: row.actor_kind,
          actorId: row.actor_id,
          actorName: row.actor_name,
          resourceType: row.resource_type,
          resourceId: row.resource_id,
          reason: row.reason,
          ip: row.ip,
          requestId: row.request_id,
          detail: row.detail,
          prevHash: row.prev_hash,
        });
        db.prepare('UPDATE enterprise_audit_log SET outcome = ?, hash = ? WHERE seq = 6').run(changed.outcome, hash);
      });
      expect(JSON.parse(result.stdout).firstBad).toMatchObject({ seq: 7, kind: 'broken-link' });
    });

    it('a truncated tail, and a deletion of the oldest entries disguised as retention', async () => {
      const truncated = await tampered('truncated', (db) => db.prepare('DELETE FROM enterprise_audit_log WHERE seq >= 8').run());
      expect(JSON.parse(truncated.stdout).firstBad).toMatchObject({ seq: 8, kind: 'truncated' });
      const disguised = await tampered('anchor', (db) => {
        const last = db.prepare('SELECT hash FROM enterprise_audit_log WHERE seq = 2').get() as { hash: string };
        db.prepare('DELETE FROM enterprise_audit_log WHERE seq <= 2').run();
        db.prepare('UPDATE enterprise_audit_chain SET anchor_seq = 2, anchor_hash = ?').run(last.hash);
      });
      // Moving the anchor by hand breaks the head's seal; with the seal recomputed, no retention record vouches for it.
      expect(JSON.parse(disguised.stdout).firstBad).toMatchObject({ kind: 'head' });
      const resealed = await tampered('anchor-resealed', (db) => {
        const last = db.prepare('SELECT hash FROM enterprise_audit_log WHERE seq = 2').get() as { hash: string };
        const head = db.prepare('SELECT head_seq, head_hash FROM enterprise_audit_chain').get() as { head_seq: number; head_hash: string };
        db.prepare('DELETE FROM enterprise_audit_log WHERE seq <= 2').run();
        const seal = headSeal({ anchorSeq: 2, anchorHash: last.hash, headSeq: head.head_seq, headHash: head.head_hash });
        db.prepare('UPDATE enterprise_audit_chain SET anchor_seq = 2, anchor_hash = ?, head_seal = ?').run(last.hash, seal);
      });
      expect(JSON.parse(resealed.stdout).firstBad).toMatchObject({ seq: 3, kind: 'anchor' });
    });

    it('a truncated tail whose head was set to the last remaining row (seq and hash copied, no hash computed)', async () => {
      const result = await tampered('head-copied', (db) => {
        const keep = db.prepare('SELECT seq, hash FROM enterprise_audit_log WHERE seq = 11').get() as { seq: number; hash: string };
        db.prepare('DELETE FROM enterprise_audit_log WHERE seq > 11').run();
        db.prepare('UPDATE enterprise_audit_chain SET head_seq = ?, head_hash = ?').run(keep.seq, keep.hash);
      });
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, firstBad: { kind: 'head' } });
    });

    it('every row deleted, with the head deleted too or reset to the genesis values', async () => {
      const wiped = await tampered('wiped', (db) => {
        db.prepare('DELETE FROM enterprise_audit_log').run();
        db.prepare('DELETE FROM enterprise_audit_chain').run();
      });
      expect(wiped.code).toBe(1);
      expect(JSON.parse(wiped.stdout)).toMatchObject({ ok: false, checked: 0, firstBad: { kind: 'head' } });
      const reset = await tampered('reset', (db) => {
        db.prepare('DELETE FROM enterprise_audit_log').run();
        db.prepare('UPDATE enterprise_audit_chain SET head_seq = 0, head_hash = anchor_hash').run();
      });
      expect(JSON.parse(reset.stdout)).toMatchObject({ ok: false, firstBad: { kind: 'head' } });
      // The human-readable form says TAMPERED, not "intact: 0 entries".
      const dir = path.join(scratch, 'wiped');
      const text = await sluiceCli(['audit', 'verify', '--data', dir]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/TAMPERED/);
    });

    it('a dropped table is reported as tampering, without a stack trace', async () => {
      for (const table of ['enterprise_audit_log', 'enterprise_audit_chain']) {
        const result = await tampered(`dropped-${table}`, (db) => db.prepare(`DROP TABLE ${table}`).run());
        expect(result.code, result.stdout).toBe(1);
        expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, firstBad: { kind: 'table' } });
        expect(JSON.parse(result.stdout).firstBad.message).toContain(table);
      }
    });
  });
});

describe('audit retention', () => {
  it('deletes old entries and keeps the chain verifiable through the anchor', async () => {
    const vendor = await createTestVendor();
    const clock = createTestClock(new Date('2030-05-01T00:00:00Z'));
    const license = await vendor.issue({ notBefore: clock(), issuedAt: clock(), expiresAt: new Date(clock().getTime() + 365 * DAY_MS) });
    const server = await startEnterpriseServer({ plugin: { trustedPublicKeys: [vendor.publicJwk], clock, license: { key: license } } });
    try {
      const post = (name: string) =>
        request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name, scopes: ['infer'] } });
      for (let i = 0; i < 4; i++) await post(`old-${i}`);
      // Core stamps events with the real time: entries carry it, so move the fake clock relative to them.
      const realNow = Date.now();
      clock.set(new Date(realNow + 40 * DAY_MS));
      await post('recent');
      const before = server.app.sluiceEnterprise.audit.store.count();
      const refused = await request(`${server.url}/admin/audit/retention`, {
        method: 'POST',
        headers: server.auth,
        body: { olderThanDays: 0 },
      });
      expect(refused.json.code).toBe('SLUICE_EE_ERR_BAD_REQUEST');
      const pruned = await request(`${server.url}/admin/audit/retention`, {
        method: 'POST',
        headers: server.auth,
        body: { olderThanDays: 30 },
      });
      expect(pruned.status).toBe(200);
      expect(pruned.json.deleted).toBeGreaterThan(0);
      expect(server.app.sluiceEnterprise.audit.store.count()).toBe(before - pruned.json.deleted + 1);
      const verify = (await request(`${server.url}/admin/audit/verify`, { headers: server.auth })).json;
      expect(verify).toMatchObject({ ok: true, anchorSeq: pruned.json.anchorSeq });
      // Later entries keep chaining, and a second prune keeps verifying.
      await post('later');
      clock.set(new Date(realNow + 100 * DAY_MS));
      expect(server.app.sluiceEnterprise.audit.applyRetention(30).deleted).toBeGreaterThan(0);
      expect(server.app.sluiceEnterprise.audit.verify()).toMatchObject({ ok: true });
    } finally {
      await server.close();
    }
  });
});
