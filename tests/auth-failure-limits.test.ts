/**
 * Refused credentials cost a bounded amount: per client address (X-Forwarded-For through a trusted proxy here,
 * so one test can be many clients) past --auth-failure-max refusals the answer is 429 with Retry-After and
 * nothing is audited; refusals that are audited are summarised (the first at once, its repeats as one event
 * with `count` when the window ends); memory is capped by --auth-failure-addresses.
 */
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAudit } from '../packages/core/src/auth/audit.js';
import { clientAddressKey } from '../packages/core/src/auth/client-address.js';
import { createFailedAuthLimiter } from '../packages/core/src/auth/failed-auth-limiter.js';
import { createRefusalAudit } from '../packages/core/src/auth/refusal-audit.js';
import type { AuditEvent } from '../packages/core/src/extensions.js';
import { copyDemoModels, request, startTestServer, type TestServer } from './helpers/test-server.js';
import { until } from './helpers/until.js';

const WINDOW_MS = 2000;
const MAX = 5;

describe('refused credentials over HTTP', () => {
  const models = copyDemoModels(['sentiment']);
  let server: TestServer;
  const audits: AuditEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      models: models.dir,
      trustProxy: ['127.0.0.1'],
      authFailureMax: MAX,
      authFailureWindowMs: WINDOW_MS,
      authFailureAddresses: 100,
    });
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  const from = (ip: string, authorization?: string) =>
    request(`${server.url}/v2/models/sentiment`, { headers: { 'x-forwarded-for': ip, ...(authorization ? { authorization } : {}) } });
  const failuresFrom = (ip: string) => audits.filter((e) => e.action === 'auth.failure' && e.ip === ip);

  it('answers 429 with Retry-After past the limit, without auditing, while valid keys from that address still work', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < MAX; i++) {
      const refused = await from(ip, 'Bearer not-a-key');
      expect(refused.status).toBe(401);
      expect(refused.json.code).toBe('SLUICE_ERR_UNAUTHENTICATED');
    }
    const limited = await from(ip, 'Bearer not-a-key');
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 'SLUICE_ERR_RATE_LIMITED', error: expect.stringContaining('refused credentials') });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect((await from(ip)).status).toBe(429); // no credentials at all is a refusal too
    // Another address is not affected, and the admin key works from the limited address.
    expect((await from('203.0.113.8', 'Bearer not-a-key')).status).toBe(401);
    expect((await from(ip, server.auth.authorization)).status).toBe(200);
    // One warning in the log for the address, not one per request.
    expect(server.logs.filter((l) => String(l.msg).startsWith('too many refused credentials') && l.ip === ip)).toHaveLength(1);

    // Audited so far: the first refusal alone; the other four wait for the window's summary; the 429s never.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(failuresFrom(ip)).toHaveLength(1);
    expect(failuresFrom(ip)[0]).not.toHaveProperty('count');
    const summary = await until(() => failuresFrom(ip).find((e) => e.count !== undefined), WINDOW_MS * 3);
    expect(summary).toMatchObject({
      count: MAX - 1,
      outcome: 'failure',
      reason: failuresFrom(ip)[0]!.reason,
      resource: { type: 'route', id: 'GET /v2/models/:model' },
    });
    // The window is over: the address may try again (and is refused normally).
    expect((await from(ip, 'Bearer not-a-key')).status).toBe(401);
  });

  it('audits a different kind of refusal from the same address at once', async () => {
    const ip = '203.0.113.20';
    expect((await from(ip, 'Bearer not-a-key')).status).toBe(401);
    expect((await from(ip, 'Basic abc')).status).toBe(401);
    expect((await from(ip)).status).toBe(401);
    await until(() => (failuresFrom(ip).length === 3 ? true : undefined));
    expect(new Set(failuresFrom(ip).map((e) => e.reason)).size).toBe(3);
  });

  it('keeps refusals from a thousand addresses within the tracking cap, each address still counted', async () => {
    for (let i = 0; i < 1000; i += 50) {
      const batch = Array.from({ length: 50 }, (_, k) => from(`198.51.${(i + k) >> 8}.${(i + k) & 255}`, 'Bearer not-a-key'));
      for (const response of await Promise.all(batch)) expect([401, 429]).toContain(response.status);
    }
    expect(server.app.sluiceRefusalAudit!.size()).toBeLessThanOrEqual(100);
    expect((await from('192.0.2.1', 'Bearer not-a-key')).status).toBe(401);
  });
});

/** A plugin strategy that audits its own rejections, as the enterprise SSO strategies do. */
const auditingStrategy = fp(
  async (app) => {
    app.sluice.extensions.auth.register({
      name: 'demo-token',
      authenticate({ bearer }, request) {
        if (!bearer.startsWith('demo_')) return undefined;
        if (bearer === 'demo_valid')
          return { result: 'authenticated', principal: { kind: 'demo-token', id: 'robot', scopes: ['models:read'] } };
        emitAudit(request, {
          action: 'demo.token.rejected',
          outcome: 'failure',
          resource: { type: 'credential', id: 'demo-token' },
          reason: 'unknown demo token',
        });
        return { result: 'rejected', reason: 'unknown demo token' };
      },
    });
  },
  { name: 'auditing-strategy', fastify: '5.x' },
);

describe('a strategy that audits its own rejections', () => {
  const models = copyDemoModels(['sentiment']);
  let server: TestServer;
  const audits: AuditEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer(
      { models: models.dir, authFailureMax: 3, authFailureWindowMs: 1000 },
      { beforeListen: (app) => app.register(auditingStrategy) },
    );
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  it('has its events summarised with the refusal, and none written past the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await request(`${server.url}/v2/models/sentiment`, { headers: { authorization: 'Bearer demo_guess' } })).status);
    expect(statuses).toEqual([401, 401, 401, ...Array(17).fill(429)]);
    expect((await request(`${server.url}/v2/models/sentiment`, { headers: { authorization: 'Bearer demo_valid' } })).status).toBe(200);
    await until(() => (audits.filter((e) => e.count !== undefined).length === 2 ? true : undefined), 5000);
    const own = audits.filter((e) => e.action === 'demo.token.rejected');
    const core = audits.filter((e) => e.action === 'auth.failure');
    // Three refused requests each: the first event at once, a summary of the other two; the 17 over the limit: nothing.
    expect(own.map((e) => e.count ?? 1)).toEqual([1, 2]);
    expect(core.map((e) => e.count ?? 1)).toEqual([1, 2]);
  });
});

describe('the failed-auth limiter and the refusal summaries (in-process, bounded)', () => {
  it('tracks at most maxAddresses addresses, dropping expired then oldest windows', () => {
    const limiter = createFailedAuthLimiter({ max: 2, windowMs: 60_000, maxAddresses: 100 });
    const now = 1_000_000;
    for (let i = 0; i < 10_000; i++) limiter.refused(`10.0.${i >> 8}.${i & 255}`, now);
    expect(limiter.size()).toBeLessThanOrEqual(100);
    expect(limiter.refused('10.9.9.9', now)).toEqual({ limited: false });
    expect(limiter.refused('10.9.9.9', now)).toEqual({ limited: false });
    expect(limiter.refused('10.9.9.9', now + 1000)).toEqual({ limited: true, retryAfterSeconds: 59, firstInWindow: true });
    expect(limiter.refused('10.9.9.9', now + 2000)).toMatchObject({ limited: true, firstInWindow: false });
    expect(limiter.refused('10.9.9.9', now + 60_000)).toEqual({ limited: false });
  });

  it('counts an IPv6 client per /64, so rotating addresses inside it does not help', () => {
    const limiter = createFailedAuthLimiter({ max: 3, windowMs: 60_000, maxAddresses: 100 });
    const verdicts = [1, 2, 3, 4].map((n) => limiter.refused(`2001:db8:1:2:${n}::${n}`, 0));
    expect(verdicts.at(-1)).toMatchObject({ limited: true });
    expect(limiter.refused('2001:db8:1:3::1', 0)).toEqual({ limited: false });
    expect(clientAddressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('2001:DB8:0:0:ffff::1')).toBe('2001:db8:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('192.0.2.1')).toBe('192.0.2.1');
  });

  it('emits the first refusal at once, then one summary with count per window, and stays bounded', () => {
    const emitted: AuditEvent[] = [];
    const refusals = createRefusalAudit({
      windowMs: 1000,
      maxTracked: 10,
      emit: (event) => void emitted.push(event),
      onSummaryError: (error) => {
        throw error;
      },
    });
    const refusal = (ip: string, n: number): AuditEvent => ({
      time: new Date(n).toISOString(),
      action: 'auth.failure',
      outcome: 'failure',
      actor: { kind: 'anonymous' },
      resource: { type: 'route', id: 'GET /v2' },
      reason: 'no key',
      ip,
      requestId: `r${n}`,
    });
    for (let n = 0; n < 100; n++) refusals.record(refusal('192.0.2.1', n), n);
    expect(emitted).toHaveLength(1);
    refusals.sweep(999);
    expect(emitted).toHaveLength(1);
    refusals.sweep(1000);
    expect(emitted).toHaveLength(2);
    expect(emitted[1]).toMatchObject({ count: 99, requestId: 'r99', time: new Date(99).toISOString() });
    // Many addresses: never more than maxTracked kinds held; evicted kinds still report their repeats.
    for (let i = 0; i < 1000; i++) for (let n = 0; n < 2; n++) refusals.record(refusal(`10.${i >> 8}.${i & 255}.1`, 2000 + n), 2000 + n);
    expect(refusals.size()).toBeLessThanOrEqual(10);
    refusals.flush();
    expect(refusals.size()).toBe(0);
    const summarised = emitted.slice(2).reduce((sum, e) => sum + (e.count ?? 1), 0);
    expect(summarised).toBe(2000);
  });

  it('reports a summary the audit log cannot record instead of throwing from the timer', () => {
    const failed: AuditEvent[] = [];
    let broken = false;
    const refusals = createRefusalAudit({
      windowMs: 1000,
      maxTracked: 10,
      emit: () => {
        if (broken) throw new Error('disk full');
      },
      onSummaryError: (_error, summary) => void failed.push(summary),
    });
    const refusal: AuditEvent = {
      time: new Date(0).toISOString(),
      action: 'auth.denied',
      outcome: 'denied',
      actor: { kind: 'api-key', id: 'k1' },
      resource: { type: 'route', id: 'GET /admin/keys' },
      reason: 'scope',
      ip: '192.0.2.9',
    };
    refusals.record(refusal, 0);
    refusals.record(refusal, 1);
    broken = true;
    expect(() => refusals.sweep(1000)).not.toThrow();
    expect(failed).toEqual([expect.objectContaining({ count: 1, action: 'auth.denied' })]);
    // The first event of a kind is the request's own: its failure reaches the request.
    expect(() => refusals.record({ ...refusal, reason: 'other' }, 2000)).toThrow('disk full');
  });
});
