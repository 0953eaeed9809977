/**
 * Per-key rate limits over real HTTP, with a faked clock (only Date: sockets and timers stay real):
 * limits stored with a key, the server default, per-route defaults, RateLimit headers, 429 + Retry-After, and
 * the extension hooks (policy and store).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RateLimitStore } from '../packages/core/src/extensions.js';
import { MANAGEMENT_RATE_LIMIT } from '../packages/core/src/auth/route-rules.js';
import { copyDemoModels, getJson, startTestServer, type TestServer } from './helpers/test-server.js';

describe('rate limits', () => {
  const models = copyDemoModels(['sentiment']);
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir, rateLimitMax: 5, rateLimitWindowMs: 10_000 });
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const read = (token: string) => getJson(`${server.url}/v2/models/sentiment`, bearer(token));

  it('limits each key by the limit stored with it, with RateLimit headers, 429 and Retry-After', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { token } = server.app.sluice.apiKeys.create({
      name: 'limited',
      scopes: ['models:read'],
      rateLimit: { max: 3, windowMs: 60_000 },
    });
    const { token: other } = server.app.sluice.apiKeys.create({
      name: 'neighbour',
      scopes: ['models:read'],
      rateLimit: { max: 3, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) {
      const ok = await read(token);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const limited = await read(token);
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: 'SLUICE_ERR_RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    // Another key has its own counter.
    expect((await read(other)).status).toBe(200);
    // The window passes: the key may call again.
    vi.setSystemTime(Date.now() + 61_000);
    expect((await read(token)).status).toBe(200);
  });

  it('applies the server default to keys without their own limit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { token } = server.app.sluice.apiKeys.create({ name: 'default-limited', scopes: ['models:read'] });
    for (let i = 0; i < 5; i++) expect((await read(token)).status).toBe(200);
    const limited = await read(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-limit')).toBe('5');
    vi.setSystemTime(Date.now() + 10_001);
    expect((await read(token)).status).toBe(200);
  });

  it('uses per-route defaults for management routes', async () => {
    const { token } = server.app.sluice.apiKeys.create({ name: 'admin-no-limit', scopes: ['admin'] });
    const response = await getJson(`${server.url}/admin/keys`, bearer(token));
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBe(String(MANAGEMENT_RATE_LIMIT.max));
  });

  it('never limits probes and public routes', async () => {
    for (let i = 0; i < 20; i++) {
      const live = await fetch(`${server.url}/v2/health/live`);
      expect(live.status).toBe(200);
      expect(live.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('lets a plugin decide limits and supply the store', async () => {
    const { extensions } = server.app.sluice;
    const counted: string[] = [];
    const counts = new Map<string, number>();
    const store: RateLimitStore = {
      incr(key, callback) {
        counted.push(key);
        const current = (counts.get(key) ?? 0) + 1;
        counts.set(key, current);
        callback(null, { current, ttl: 30_000 });
      },
    };
    extensions.rateLimit.setStore(store);
    extensions.rateLimit.setPolicy(({ principal }) => {
      if (principal.name === 'quota-2') return { max: 2, windowMs: 30_000, bucket: 'quota' };
      if (principal.name === 'unlimited') return null;
      return undefined; // core's default
    });
    try {
      const { token, key } = server.app.sluice.apiKeys.create({ name: 'quota-2', scopes: ['models:read'] });
      expect((await read(token)).status).toBe(200);
      expect((await read(token)).status).toBe(200);
      const limited = await read(token);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('30');
      expect(counted).toContain(`api-key:${key.id}:quota`);
      const { token: free } = server.app.sluice.apiKeys.create({ name: 'unlimited', scopes: ['models:read'] });
      for (let i = 0; i < 8; i++) expect((await read(free)).status).toBe(200);
    } finally {
      extensions.rateLimit.setStore(undefined);
      extensions.rateLimit.setPolicy(undefined);
    }
  });
});
