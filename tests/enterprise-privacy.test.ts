/**
 * The privacy promise with the enterprise plugin: license checks (env key, watched file, route install),
 * audit recording (inference metadata included), verification, export and metering open no non-loopback
 * connection. The real CLI runs under strace (every thread's connect/sendto/sendmsg/bind). With SIEM
 * forwarding configured, the only outbound connections go to the configured SIEM address.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withApiKeys } from '../packages/core/src/auth/with-api-keys.js';
import { runCli } from './helpers/cli-process.js';
import type { JWK } from 'jose';
import { writeTrustingPlugin } from './helpers/enterprise-trusting-plugin.js';
import { createTestVendor, DAY_MS, request, SENTIMENT_BODY } from './helpers/enterprise-server.js';
import { nonLoopbackCalls, parseSocketCalls, straceAvailable, tracedCliCommand } from './helpers/network-trace.js';
import { DEMO_MODELS } from './helpers/test-server.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'sluice-ee-privacy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tracedServer(name: string, trusted: JWK, env: Record<string, string>) {
  const traceFile = path.join(scratch, `${name}.trace`);
  const data = path.join(scratch, `${name}-data`);
  const admin = withApiKeys(data, (keys) => keys.create({ name: 'privacy-admin', scopes: ['admin'] }));
  const server = runCli(['serve', '--port', '0', '--models', DEMO_MODELS, '--data', data, '--workers', '1'], {
    command: tracedCliCommand(traceFile),
    env: { SLUICE_PLUGINS: writeTrustingPlugin(scratch, trusted), ...env },
  });
  const listening = await server.waitFor((line) => line.msg === 'sluice listening');
  await server.waitFor((line) => line.msg === 'start-up model loading finished');
  return {
    url: String(listening.address),
    auth: { authorization: `Bearer ${admin.token}` },
    async stop() {
      process.kill(Number(listening.pid), 'SIGTERM');
      await server.exited;
      return parseSocketCalls(readFileSync(traceFile, 'utf8'));
    },
  };
}

describe('privacy with the enterprise plugin', () => {
  it('license checks, audit and metering make only loopback socket calls', async () => {
    expect(straceAvailable(), 'strace is required for this test').toBe(true);
    const vendor = await createTestVendor();
    const licenseFile = path.join(scratch, 'license.jwt');
    writeFileSync(licenseFile, await vendor.issue({ licensee: 'FileCo', expiresAt: new Date(Date.now() + 40 * DAY_MS) }));
    const server = await tracedServer('plain', vendor.publicJwk, {
      SLUICE_LICENSE_KEY: await vendor.issue({ expiresAt: new Date(Date.now() + 20 * DAY_MS) }),
      SLUICE_LICENSE_FILE: licenseFile,
      SLUICE_AUDIT_INFERENCE: 'metadata',
      SLUICE_METERING_FLUSH_MS: '50',
    });
    const statuses: number[] = [];
    const call = async (route: string, init: Parameters<typeof request>[1] = {}) => {
      const response = await request(`${server.url}${route}`, { ...init, headers: { ...server.auth, ...init.headers } });
      statuses.push(response.status);
      return response;
    };
    await call('/admin/license');
    writeFileSync(
      licenseFile,
      await vendor.issue({ licensee: 'FileCo', licenseId: 'renewed', expiresAt: new Date(Date.now() + 400 * DAY_MS) }),
    );
    await call('/admin/license', { method: 'PUT', body: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 300 * DAY_MS) }) } });
    await call('/admin/keys', { method: 'POST', body: { name: 'privacy-key', scopes: ['infer'] } });
    for (let i = 0; i < 3; i++) await call('/v2/models/sentiment/infer', { method: 'POST', body: SENTIMENT_BODY });
    await call('/admin/quotas/somebody', { method: 'PUT', body: { requestsPerDay: 10 } });
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the license file poll and a metering flush
    await call('/admin/usage');
    await call('/admin/audit');
    await call('/admin/audit/verify');
    await call('/admin/audit/export?format=csv');
    const calls = await server.stop();
    expect(calls.some((c) => c.call === 'bind' && c.address === '127.0.0.1')).toBe(true);
    expect(nonLoopbackCalls(calls).map((c) => c.line)).toEqual([]);
    expect(calls.filter((c) => c.call === 'connect' && (c.family === 'AF_INET' || c.family === 'AF_INET6')).map((c) => c.line)).toEqual([]);
    expect(
      statuses.every((s) => s === 200 || s === 201),
      JSON.stringify(statuses),
    ).toBe(true);
  });

  it('with SIEM forwarding, the only outbound connections go to the configured address', async () => {
    const received: string[] = [];
    const siem = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => siem.listen(0, '127.0.0.1', resolve));
    const siemPort = (siem.address() as AddressInfo).port;
    try {
      const vendor = await createTestVendor();
      const server = await tracedServer('siem', vendor.publicJwk, {
        SLUICE_LICENSE_KEY: await vendor.issue({ expiresAt: new Date(Date.now() + 20 * DAY_MS) }),
        SLUICE_AUDIT_SIEM_URL: `http://127.0.0.1:${siemPort}/ingest`,
      });
      expect(
        (await request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name: 'siem-key', scopes: ['infer'] } }))
          .status,
      ).toBe(201);
      const deadline = Date.now() + 10_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const calls = await server.stop();
      expect(received.length).toBeGreaterThan(0);
      const connects = calls.filter((c) => c.call === 'connect' && (c.family === 'AF_INET' || c.family === 'AF_INET6'));
      expect(connects.length).toBeGreaterThan(0);
      expect(connects.filter((c) => c.port !== siemPort || c.address !== '127.0.0.1').map((c) => c.line)).toEqual([]);
      expect(nonLoopbackCalls(calls).map((c) => c.line)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => siem.close(() => resolve()));
    }
  });
});
