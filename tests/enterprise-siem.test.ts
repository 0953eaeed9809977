/**
 * SIEM forwarding against a real HTTP receiver on 127.0.0.1: entries arrive in order with their hashes,
 * failures are retried, and entries queued while the receiver was down survive a restart of Sluice; a
 * redirect to another origin is not followed; the outbox is bounded (oldest undelivered dropped and counted).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestVendor, DAY_MS, request, startEnterpriseServer, type EnterpriseTestServer } from './helpers/enterprise-server.js';
import { until } from './helpers/until.js';

interface Receiver {
  url: string;
  port: number;
  bodies: { headers: IncomingHttpHeaders; entries: any[] }[];
  attempts: number;
  close(): Promise<void>;
}

async function startReceiver(options: { failFirst?: number; port?: number } = {}): Promise<Receiver> {
  const receiver = { bodies: [], attempts: 0 } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      receiver.attempts++;
      if (receiver.attempts <= (options.failFirst ?? 0)) {
        res.writeHead(503).end('busy');
        return;
      }
      receiver.bodies.push({ headers: req.headers, entries: (JSON.parse(body) as { entries: any[] }).entries });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(receiver, {
    port,
    url: `http://127.0.0.1:${port}/ingest`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

describe('SIEM forwarding', () => {
  it('delivers every entry in order, retrying failures, with the configured headers', async () => {
    const vendor = await createTestVendor();
    const receiver = await startReceiver({ failFirst: 2 });
    cleanup.push(() => receiver.close());
    const server: EnterpriseTestServer = await startEnterpriseServer({
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
        audit: { siem: { url: receiver.url, headers: { authorization: 'Bearer siem-secret-token' }, retryBaseMs: 50 } },
      },
    });
    cleanup.push(() => server.close());
    for (let i = 0; i < 5; i++)
      await request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name: `siem-${i}`, scopes: ['infer'] } });
    const head = server.app.sluiceEnterprise.audit.store.chain().headSeq;
    const delivered = await until(() => {
      const entries = receiver.bodies.flatMap((b) => b.entries);
      return entries.length >= head ? entries : undefined;
    });
    expect(receiver.attempts).toBeGreaterThan(2); // two refusals, then deliveries
    expect(delivered.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const stored = server.app.sluiceEnterprise.audit.store.query({}, { limit: 100, order: 'asc' }).entries;
    expect(delivered).toEqual(stored);
    expect(receiver.bodies.every((b) => b.headers.authorization === 'Bearer siem-secret-token')).toBe(true);
    // Delivered entries leave the outbox once the receiver's 2xx is in.
    await until(() => (server.app.sluiceEnterprise.audit.forwarder!.pending() === 0 ? true : undefined));
    expect(server.logs.some((l) => l.msg === 'audit SIEM delivery failed; will retry')).toBe(true);
    expect(JSON.stringify(server.logs)).not.toContain('siem-secret-token');
  });

  it('loses nothing when Sluice restarts while the SIEM is unreachable', async () => {
    const vendor = await createTestVendor();
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close(); // nothing listens there now: deliveries fail
    const plugin = {
      trustedPublicKeys: [vendor.publicJwk],
      license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
      audit: { siem: { url: `http://127.0.0.1:${port}/ingest`, retryBaseMs: 50, maxRetryMs: 200 } },
    };
    const first = await startEnterpriseServer({ plugin, keepData: true });
    for (let i = 0; i < 3; i++)
      await request(`${first.url}/admin/keys`, { method: 'POST', headers: first.auth, body: { name: `offline-${i}`, scopes: ['infer'] } });
    const head = first.app.sluiceEnterprise.audit.store.chain().headSeq;
    await until(() => (first.logs.some((l) => l.msg === 'audit SIEM delivery failed; will retry') ? true : undefined));
    expect(first.app.sluiceEnterprise.audit.forwarder!.pending()).toBe(head);
    await first.close();

    const receiver = await startReceiver({ port });
    cleanup.push(() => receiver.close());
    const second = await startEnterpriseServer({ plugin, core: { data: first.dataDir } });
    cleanup.push(() => second.close());
    const delivered = await until(() => {
      const entries = receiver.bodies.flatMap((b) => b.entries);
      return entries.length >= head ? entries : undefined;
    });
    expect(delivered.slice(0, head).map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });

  it('does not follow a redirect to another origin (nor carry the entries and token there)', async () => {
    const vendor = await createTestVendor();
    const elsewhere = await startReceiver();
    cleanup.push(() => elsewhere.close());
    let redirects = 0;
    const redirector = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        redirects++;
        res.writeHead(307, { location: `${elsewhere.url}?token=should-not-be-logged` }).end();
      });
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
    const server = await startEnterpriseServer({
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
        audit: {
          siem: {
            url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/ingest`,
            headers: { authorization: 'Bearer siem-secret-token' },
            retryBaseMs: 50,
            maxRetryMs: 100,
          },
        },
      },
    });
    cleanup.push(() => server.close());
    expect(
      (await request(`${server.url}/admin/keys`, { method: 'POST', headers: server.auth, body: { name: 'redirected', scopes: ['infer'] } }))
        .status,
    ).toBe(201);
    await until(() => (redirects >= 3 ? true : undefined));
    expect(elsewhere.attempts).toBe(0);
    expect(server.app.sluiceEnterprise.audit.forwarder!.pending()).toBe(server.app.sluiceEnterprise.audit.store.chain().headSeq);
    const failure = server.logs.find((l) => l.msg === 'audit SIEM delivery failed; will retry');
    expect(String(failure?.error)).toContain(`redirect to http://127.0.0.1:${elsewhere.port}`);
    expect(JSON.stringify(server.logs)).not.toContain('should-not-be-logged');
  });

  it('bounds the outbox: the oldest undelivered entries are dropped and counted, the audit log keeps them all', async () => {
    const vendor = await createTestVendor();
    const probe = await startReceiver();
    const port = probe.port;
    await probe.close(); // the SIEM is down
    const server = await startEnterpriseServer({
      plugin: {
        trustedPublicKeys: [vendor.publicJwk],
        license: { key: await vendor.issue({ expiresAt: new Date(Date.now() + 30 * DAY_MS) }) },
        audit: { siem: { url: `http://127.0.0.1:${port}/ingest`, maxPending: 5, retryBaseMs: 50, maxRetryMs: 100 } },
      },
    });
    cleanup.push(() => server.close());
    for (let i = 0; i < 10; i++)
      expect(
        (
          await request(`${server.url}/admin/keys`, {
            method: 'POST',
            headers: server.auth,
            body: { name: `flood-${i}`, scopes: ['infer'] },
          })
        ).status,
      ).toBe(201);
    const { store, forwarder, verify } = server.app.sluiceEnterprise.audit;
    const head = store.chain().headSeq;
    expect(head).toBeGreaterThan(20);
    expect(forwarder!.pending()).toBe(5);
    expect(store.count()).toBe(head); // the audit log itself is complete
    expect(verify()).toMatchObject({ ok: true, checked: head });
    const metrics = await request(`${server.url}/metrics`, { headers: server.auth });
    expect(metrics.text).toContain(`sluice_audit_siem_dropped_total ${head - 5}`);
    expect(metrics.text).toContain('sluice_audit_siem_pending 5');
    expect(server.logs.filter((l) => String(l.msg).startsWith('audit SIEM outbox full')).length).toBe(1); // at most one warning a minute
    // When the SIEM is back it receives the newest five: the gap in seq shows what the export must fill.
    const receiver = await startReceiver({ port });
    cleanup.push(() => receiver.close());
    const delivered = await until(() => {
      const entries = receiver.bodies.flatMap((b) => b.entries);
      return entries.length >= 5 ? entries : undefined;
    });
    expect(delivered.map((e) => e.seq)).toEqual([head - 4, head - 3, head - 2, head - 1, head]);
  });
});
