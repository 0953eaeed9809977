/**
 * The optional `count` of an audit event (one entry summarizing repeated identical events, e.g. auth failures)
 * is stored, hashed into the chain, returned by the query, carried by both exports and the SIEM outbox, and an
 * edit of it is caught by verify. Entries without a count hash as before (older chains still verify).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuditCsv, parseAuditJsonl, verifyExportedEntries } from '../packages/enterprise/src/audit/audit-export.js';
import { createTestVendor, DAY_MS, request, startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';

describe('the audit count field', () => {
  let server: EnterpriseTestServer;
  beforeAll(async () => {
    const vendor = await createTestVendor();
    server = await startEnterpriseServer({
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
      },
    });
  });
  afterAll(() => server?.close());

  it('is stored, queried, exported and chained', async () => {
    // Core's event bus is the public way in (core aggregates repeated auth failures into one such event).
    server.app.sluice.extensions.events.emit('audit', {
      time: new Date().toISOString(),
      action: 'auth.failure',
      outcome: 'failure',
      actor: { kind: 'anonymous' },
      resource: { type: 'route', id: 'GET /admin/keys' },
      reason: 'the API key is malformed',
      ip: '192.0.2.7',
      count: 250,
    });
    const { store, verify } = server.app.sluiceEnterprise.audit;
    const [summary] = store.query({ action: 'auth.failure' }, { limit: 10 }).entries;
    expect(summary).toMatchObject({ count: 250, ip: '192.0.2.7' });
    const plain = store.query({ action: 'license.state' }, { limit: 1 }).entries[0]!;
    expect('count' in plain).toBe(false); // absent means 1
    expect((await request(`${server.url}/admin/audit?action=auth.failure`, { headers: server.auth })).json.entries[0].count).toBe(250);

    const jsonl = parseAuditJsonl((await request(`${server.url}/admin/audit/export?format=jsonl`, { headers: server.auth })).text);
    const csv = parseAuditCsv((await request(`${server.url}/admin/audit/export?format=csv`, { headers: server.auth })).text);
    for (const exported of [jsonl, csv]) {
      expect(exported.find((e) => e.seq === summary!.seq)).toEqual(summary);
      expect(verifyExportedEntries(exported)).toBeUndefined();
      expect(verifyExportedEntries(exported.map((e) => (e.seq === summary!.seq ? { ...e, count: 1 } : e)))).toMatchObject({
        seq: summary!.seq,
      });
    }
    expect(verify()).toMatchObject({ ok: true });

    const db = new Database(path.join(server.dataDir, 'sluice.db'));
    try {
      db.prepare('UPDATE enterprise_audit_log SET count = 1 WHERE seq = ?').run(summary!.seq);
    } finally {
      db.close();
    }
    expect(verify()).toMatchObject({ ok: false, firstBad: { seq: summary!.seq, kind: 'edited' } });
  });
});
