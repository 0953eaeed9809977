/**
 * Unauthenticated traffic cannot fill the disk through the audit log: with the enterprise audit log on and the
 * default limits, thousands of refused requests from one address become two audit rows (the first refusal, and
 * at shutdown the summary of its repeats); the requests past the per-address limit are answered 429 and never
 * reach the log.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVendor, DAY_MS, request, startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';
import { copyDemoModels } from './helpers/test-server.js';

const REQUESTS = 2000;

describe('refused requests and the audit log', () => {
  const models = copyDemoModels(['sentiment']);
  let server: EnterpriseTestServer;
  let closed = false;

  beforeAll(async () => {
    const vendor = await createTestVendor();
    const license = await vendor.issue({ notBefore: new Date(Date.now() - DAY_MS), expiresAt: new Date(Date.now() + 365 * DAY_MS) });
    server = await startEnterpriseServer({
      core: { models: models.dir },
      plugin: { trustedPublicKeys: [vendor.publicJwk], license: { key: license } },
      keepData: true,
    });
  });
  afterAll(async () => {
    if (!closed) await server?.close();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    models.remove();
  });

  it(`writes 2 audit rows for ${REQUESTS} refused requests from one address`, async () => {
    const statuses = new Map<number, number>();
    // Batches stay under the server's per-client connection cap (--max-connections-per-client, 128).
    for (let i = 0; i < REQUESTS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: 50 }, () =>
          request(`${server.url}/v2/models/sentiment`, { headers: { authorization: 'Bearer sk_sluice_000000000000_guess' } }),
        ),
      );
      for (const { status } of batch) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const limit = server.app.sluice.config.authFailureMax;
    expect(Object.fromEntries(statuses)).toEqual({ 401: limit, 429: REQUESTS - limit });
    await server.close(); // flushes the pending summary
    closed = true;
    const db = new Database(path.join(server.dataDir, 'sluice.db'), { readonly: true });
    try {
      const rows = db.prepare("SELECT * FROM enterprise_audit_log WHERE action = 'auth.failure'").all() as Record<string, unknown>[];
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.ip === '127.0.0.1')).toBe(true);
    } finally {
      db.close();
    }
  });
});
