/**
 * No audit entry is lost when the server is killed (SIGKILL) right after an audited admin action returned:
 * the real CLI runs in a child process with the enterprise plugin and a license; the test kills it the moment
 * the responses arrive, reopens the database file and looks for every entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { withApiKeys } from '../packages/core/src/auth/with-api-keys.js';
import { verifyAuditChain } from '../packages/enterprise/src/audit/audit-verify.js';
import { runCli } from './helpers/cli-process.js';
import { writeTrustingPlugin } from './helpers/enterprise-trusting-plugin.js';
import { createTestVendor, DAY_MS } from './helpers/enterprise-server.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-ee-kill-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('audit durability under kill -9', () => {
  it('every audited action whose response arrived is in the database after SIGKILL', async () => {
    const vendor = await createTestVendor();
    const license = await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) });
    const models = mkdtempSync(path.join(scratch, 'models-')); // an empty repository: start-up is quick
    const data = path.join(scratch, 'data');
    const admin = withApiKeys(data, (keys) => keys.create({ name: 'kill-admin', scopes: ['admin'] }));
    const auth = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
    const expected: string[] = [];
    const plugin = writeTrustingPlugin(scratch, vendor.publicJwk);

    for (const round of [1, 2, 3, 4]) {
      const server = runCli(['serve', '--port', '0', '--models', models, '--data', data, '--workers', '1'], {
        env: { SLUICE_PLUGINS: plugin, SLUICE_LICENSE_KEY: license },
      });
      const address = String((await server.waitFor((line) => line.msg === 'sluice listening')).address);
      // Round 1: one action, killed the instant its response arrives; later rounds: a concurrent burst.
      const burst = round === 1 ? 1 : 8;
      const responses = await Promise.all(
        Array.from({ length: burst }, (_, i) =>
          fetch(`${address}/admin/keys`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ name: `r${round}-k${i}`, scopes: ['infer'] }),
          }).then(async (r) => ({ status: r.status, json: (await r.json()) as { key: { id: string } } })),
        ),
      );
      server.child.kill('SIGKILL');
      const exit = await server.exited;
      expect(exit.signal).toBe('SIGKILL');
      for (const response of responses) {
        expect(response.status).toBe(201);
        expected.push(response.json.key.id);
      }
      const db = new Database(path.join(data, 'sluice.db'));
      try {
        const recorded = (
          db.prepare("SELECT resource_id FROM enterprise_audit_log WHERE action = 'key.create' AND outcome = 'success'").all() as {
            resource_id: string;
          }[]
        ).map((r) => r.resource_id);
        expect(recorded.sort()).toEqual([...expected].sort());
        expect(verifyAuditChain(db)).toMatchObject({ ok: true });
      } finally {
        db.close();
      }
    }
  }, 180_000);
});
