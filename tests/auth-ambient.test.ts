/**
 * Ambient credentials (cookies) through AuthStrategy.fromRequest: accepted on safe methods and on same-origin
 * state changes, refused on cross-site ones (CSRF); a rejected session is audited under its strategy's kind;
 * a public route that `requires` an entitlement stays locked without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../packages/core/src/extensions.js';
import sessionPlugin, { SESSION_COOKIE } from './fixtures/session-plugin/index.js';
import { copyDemoModels, startTestServer, type TestServer } from './helpers/test-server.js';

describe('ambient credentials', () => {
  let server: TestServer;
  const models = copyDemoModels(['sentiment']);
  const audits: AuditEvent[] = [];
  beforeAll(async () => {
    server = await startTestServer({ models: models.dir }, { beforeListen: (app) => app.register(sessionPlugin) });
    server.app.sluice.extensions.events.on('audit', (event) => void audits.push(event));
  });
  afterAll(async () => {
    await server?.close();
    models.remove();
  });

  const load = (headers: Record<string, string>) =>
    fetch(`${server.url}/v2/repository/models/sentiment/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{}',
    });

  it('a session cookie authenticates a safe request', async () => {
    const response = await fetch(`${server.url}/v2/repository/models/sentiment/aliases`, { headers: { cookie: SESSION_COOKIE } });
    expect(response.status).toBe(200);
  });

  it('a state change with the cookie needs a same-origin request', async () => {
    const crossSite = await load({ cookie: SESSION_COOKIE, 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { code: string }).code).toBe('SLUICE_ERR_FORBIDDEN');
    const noOrigin = await load({ cookie: SESSION_COOKIE });
    expect(noOrigin.status).toBe(403);
    const foreignOrigin = await load({ cookie: SESSION_COOKIE, origin: 'https://evil.example' });
    expect(foreignOrigin.status).toBe(403);
    expect((await load({ cookie: SESSION_COOKIE, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await load({ cookie: SESSION_COOKIE, origin: server.url })).status).toBe(200);
  });

  it('a bearer token wins over a cookie, and a rejected session is audited under its strategy', async () => {
    expect((await load({ cookie: 'demo_session=expired', ...server.auth })).status).toBe(200);
    const rejected = await fetch(`${server.url}/v2/repository/models/sentiment/aliases`, { headers: { cookie: 'demo_session=expired' } });
    expect(rejected.status).toBe(401);
    expect(((await rejected.json()) as { error: string }).error).toBe('the session has expired');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(audits.some((a) => a.action === 'auth.failure' && a.actor.kind === 'demo-session' && a.actor.id === 'bob')).toBe(true);
  });

  it('a public route that requires an entitlement is locked without it', async () => {
    const locked = await fetch(`${server.url}/demo/locked-public`);
    expect(locked.status).toBe(403);
    expect(await locked.json()).toMatchObject({ code: 'SLUICE_ERR_NOT_ENTITLED', error: expect.stringContaining('"demo-feature"') });
    server.app.sluice.extensions.entitlements.provide({ plan: 'test', has: (feature) => feature === 'demo-feature' });
    expect((await fetch(`${server.url}/demo/locked-public`)).status).toBe(200);
  });

  it("a plugin's own error code and status pass through core's error handler", async () => {
    const response = await fetch(`${server.url}/demo/conflict`);
    expect(response.status).toBe(409);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await response.json()).toEqual({ error: 'the demo resource is busy', code: 'SLUICE_DEMO_ERR_BUSY' });
  });
});
