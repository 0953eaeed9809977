/**
 * Audit fails closed on a really full disk: the data directory is a small tmpfs, filled to the last byte with a
 * file. Every admin action then either answers 2xx and is in the audit log (intent and outcome), or answers
 * 503 SLUICE_ERR_AUDIT_UNAVAILABLE and did not happen; inference keeps answering 200 all along. Once space is
 * freed, actions succeed again and the chain verifies (nothing half-written).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestVendor,
  DAY_MS,
  request,
  SENTIMENT_BODY,
  startEnterpriseServer,
  type EnterpriseTestServer,
} from './helpers/enterprise-server.js';
import { copyDemoModels } from './helpers/test-server.js';

const mountPoint = mkdtempSync(path.join(tmpdir(), 'sluice-full-disk-'));
const filler = path.join(mountPoint, 'filler');
let mounted = false;

/** Writes zeros until the filesystem refuses (ENOSPC). */
function fillDisk(): number {
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    // Top up with ever smaller writes, so not even a page is left.
    for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (;;) written += writeSync(fd, chunk.subarray(0, size));
      } catch {
        // next smaller size
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('audit fails closed when the disk is full', () => {
  const models = copyDemoModels(['sentiment']);
  let server: EnterpriseTestServer;

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint]);
    mounted = true;
    const vendor = await createTestVendor();
    server = await startEnterpriseServer({
      core: { data: path.join(mountPoint, 'data'), models: models.dir },
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
        audit: { inference: 'metadata' },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
    models.remove();
  });

  const api = (route: string, init: Parameters<typeof request>[1] = {}) =>
    request(`${server.url}${route}`, { ...init, headers: { ...server.auth, ...init.headers } });
  const infer = () => request(`${server.url}/v2/models/sentiment/infer`, { method: 'POST', headers: server.auth, body: SENTIMENT_BODY });
  const ready = async () => (await request(`${server.url}/v2/models/sentiment/ready`, { headers: server.auth })).status === 200;

  it('refuses admin actions it cannot record, keeps serving inference, and recovers', async () => {
    expect((await api('/v2/repository/models/sentiment/unload', { method: 'POST' })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/load', { method: 'POST' })).status).toBe(200);
    expect(fillDisk()).toBeGreaterThan(0);

    const { store } = server.app.sluiceEnterprise.audit;
    const outcomes: { requestId: string; status: number; carriedOut: boolean }[] = [];
    let refused = 0;
    for (let i = 0; i < 40 && refused < 3; i++) {
      const loaded = await ready();
      const action = loaded ? 'unload' : 'load';
      const requestId = `full-${i}`;
      const response = await api(`/v2/repository/models/sentiment/${action}`, { method: 'POST', headers: { 'x-request-id': requestId } });
      // The rare 503 after the action (its intent fit, its outcome did not) says so; any other 503 did nothing.
      const carriedOut = response.status === 200 || /was carried out/.test(String(response.json?.error));
      outcomes.push({ requestId, status: response.status, carriedOut });
      if (response.status === 503) {
        refused++;
        expect(response.json).toMatchObject({ code: 'SLUICE_ERR_AUDIT_UNAVAILABLE' });
        expect(response.text).not.toMatch(/\/tmp\/|\bat \w+ \(/); // no paths, no stack
        expect(await ready(), 'a refused action left the model as it was').toBe(carriedOut ? !loaded : loaded);
      } else {
        expect(response.status, response.text).toBe(200);
        expect(await ready()).toBe(!loaded);
      }
      if (await ready()) expect((await infer()).status).toBe(200); // inference keeps running, audited or not
    }
    expect(refused, 'the full disk must refuse audited actions').toBe(3);
    // Key creation is refused the same way (its intent cannot be recorded), and creates no key.
    const key = await api('/admin/keys', { method: 'POST', body: { name: 'while-full', scopes: ['infer'] } });
    expect(key.status).toBe(503);
    expect(key.json.code).toBe('SLUICE_ERR_AUDIT_UNAVAILABLE');
    if (!(await ready())) {
      rmSync(filler);
      expect((await api('/v2/repository/models/sentiment/load', { method: 'POST' })).status).toBe(200);
      fillDisk();
    }
    expect((await infer()).status).toBe(200);
    const metrics = await api('/metrics');
    expect(metrics.text).toMatch(/sluice_audit_write_failures_total\{event="audit"\} [1-9]/);
    expect(metrics.text).toMatch(/sluice_audit_write_failures_total\{event="inference"\} [1-9]/); // served, counted

    rmSync(filler, { force: true });
    expect((await api('/v2/repository/models/sentiment/unload', { method: 'POST' })).status).toBe(200);
    expect((await api('/v2/repository/models/sentiment/load', { method: 'POST' })).status).toBe(200);
    expect((await api('/admin/keys')).json.keys.some((k: { name: string }) => k.name === 'while-full')).toBe(false);

    // Every 200 has its intent and outcome on record; a refused action left nothing, not even its intent.
    const entries = store.query({ action: 'model.*' }, { limit: 1000, order: 'asc' }).entries;
    for (const { requestId, status, carriedOut } of outcomes) {
      const recorded = entries.filter((e) => e.requestId === requestId).map((e) => e.outcome);
      expect(recorded, `${requestId} answered ${status}`).toEqual(
        status === 200 ? ['requested', 'success'] : carriedOut ? ['requested'] : [],
      );
    }
    expect(server.app.sluiceEnterprise.audit.verify()).toMatchObject({ ok: true });
  }, 120_000);
});
